/**
 * `archflow check` and `archflow approve` as child processes (the compiled CLI in out/src/cli) on a
 * bundle written by the fixture: the exit codes, the printed report, and refused input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { ExitReport } from '../../src/core/exitCriteria';
import {
  type BundleFixture,
  type BundleFixtureOptions,
  FIXTURE_FINDINGS,
  createBundleFixture,
} from '../helpers/bundleFixture';

async function fixture(t: TestContext, options?: BundleFixtureOptions): Promise<BundleFixture> {
  const f = await createBundleFixture(options);
  t.after(() => f.dispose());
  return f;
}

describe('archflow check / approve (CLI)', () => {
  const cli = path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');
  const run = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('prints one line per criterion, exits 1 until all five are met, then 0', async (t) => {
    const f = await fixture(t);
    const before = run('check', f.outputDir);
    assert.equal(before.code, 1);
    const lines = before.stdout.split('\n');
    // One line per criterion; under it, the reasons of an unmet one and the evidence of a met one.
    assert.deepEqual(
      lines.filter((l) => !l.startsWith(' ')),
      [
        '✔ met      All diagrams complete (C4 levels 1-3)',
        '✔ met      Security review passed',
        '✔ met      Performance requirements addressed',
        '✔ met      ADRs documented',
        '✖ not met  Stakeholder approval obtained',
        '✔ ok       Consistency of the design (0 error(s), 0 warning(s))',
        '',
      ],
    );
    const under = (title: string): string[] => {
      const at = lines.findIndex((l) => l.includes(title));
      const end = lines.findIndex((l, i) => i > at && !l.startsWith(' '));
      return lines.slice(at + 1, end);
    };
    for (const met of [
      'All diagrams complete',
      'Security review passed',
      'Performance requirements',
      'ADRs documented',
    ])
      assert.ok(under(met).length > 0 && under(met).every((l) => l.startsWith('           evidence: ')), met);
    assert.deepEqual(under('diagrams complete').length, 3, 'one evidence line per C4 level');
    assert.deepEqual(under('Stakeholder approval'), [
      '           No stakeholder approval is recorded for ARCHITECTURE.md (command "Archflow: Record Stakeholder Approval", or `archflow approve`)',
    ]);

    const approved = run('approve', f.outputDir, '--name', 'Jane Doe', '--role', 'CTO', '--comment=p95=180 ms is fine');
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(
      approved.stdout,
      /^Recorded the approval of ARCHITECTURE\.md \(sha256:[0-9a-f]{12}…\) by Jane Doe \(CTO\) on \d{4}-\d{2}-\d{2}\.\n$/,
    );
    assert.equal((await f.state()).approvals[0].comment, 'p95=180 ms is fine');

    const after = run('check', f.outputDir);
    assert.equal(after.code, 0, after.stdout);
    assert.equal(after.stdout.split('\n').filter((l) => l.startsWith('✔ met')).length, 5);
  });

  it('--json prints the report with the traceability matrix', async (t) => {
    const f = await fixture(t);
    const r = run('check', f.outputDir, '--json');
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as ExitReport;
    assert.deepEqual(
      report.criteria.map((c) => c.id),
      ['diagrams', 'security', 'performance', 'adrs', 'approval'],
    );
    assert.equal(report.allMet, false);
    assert.equal(report.trace.length, 5);
    assert.deepEqual((report as ExitReport & { consistency: unknown[] }).consistency, []);
  });

  it('fails on a consistency error even when all five criteria are met, and says why', async (t) => {
    const f = await fixture(t);
    assert.equal(run('approve', f.outputDir, '--name', 'Jane Doe', '--role', 'CTO').code, 0);
    assert.equal(run('check', f.outputDir).code, 0);
    // Two documents give one assumption id two meanings (the parallel steps of a real run did).
    const row = (text: string): string => `\n\n| Assumption | Statement |\n|---|---|\n| A-24 | ${text} |\n`;
    await f.edit('04-data-architecture.md', (doc) => doc + row('Backups kept 30 days'));
    await f.edit('05-infrastructure-architecture.md', (doc) => doc + row('The platform is AWS'));
    await f.rerun();
    const r = run('check', f.outputDir);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('✔ met')).length, 5);
    assert.match(r.stdout, /✖ errors   Consistency of the design \(1 error\(s\), 2 warning\(s\)\)/);
    assert.match(
      r.stdout,
      /error: A-24 is defined 2 times \(04-data-architecture\.md line \d+, 05-infrastructure-architecture\.md line \d+\)/,
    );
    const json = JSON.parse(run('check', f.outputDir, '--json').stdout) as {
      consistency: { level: string; kind: string }[];
    };
    assert.deepEqual(
      json.consistency.map((i) => `${i.level} ${i.kind}`),
      ['error duplicate-id', 'warning id-out-of-range', 'warning id-out-of-range'],
    );
  });

  it('never prints control characters from the files to the terminal', async (t) => {
    const findings = FIXTURE_FINDINGS.map((x) =>
      x.id === 'SEC-1' ? { ...x, status: 'open' as const, title: 'Evil \u001b[2J title' } : x,
    );
    const f = await fixture(t, { findings });
    const r = run('check', f.outputDir);
    assert.equal(r.code, 1);
    assert.ok(!r.stdout.includes('\u001b'));
    assert.match(r.stdout, /SEC-1 \(high, open\): Evil +\[2J title/);
  });

  it('rejects approve without --role, with bad input, and check of a missing folder', async (t) => {
    const f = await fixture(t);
    assert.equal(run('approve', f.outputDir, '--name', 'Jane').code, 2);
    const bad = run('approve', f.outputDir, '--name', 'Jane\u0007', '--role', 'CTO');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Name contains control characters/);
    const missing = run('check', path.join(f.root, 'nope'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /is not a folder/);
    assert.deepEqual((await f.state()).approvals, []);
  });
});
