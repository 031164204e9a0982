/**
 * Approvals and honest exit criteria through the CLI against the fake Anthropic server: a deleted view
 * fails `check` naming the file, `status` says it is missing, and the next `design` writes it again
 * without a model call; an approval voided by a re-run is warned about before and shown after.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseState } from '../../src/core/state';
import { LAYOUT } from '../../src/core/steps';
import { fakeServerPerFile } from '../helpers/fakePerFile';
import { designedWorkspace, runCli } from '../helpers/cli';

const fakes = fakeServerPerFile();
const env = fakes.env;

const designed = (): ReturnType<typeof designedWorkspace> => designedWorkspace('archflow-approvals-', env());

describe('derived files and the criteria that read them (CLI)', () => {
  it('a deleted level-3 view fails check naming it, status says it is missing, design writes it again without a model call', async () => {
    const ws = await designed();
    const views = (await fs.readdir(path.join(ws.out, 'diagrams'))).filter((n) =>
      `diagrams/${n}`.startsWith(LAYOUT.c4ComponentPrefix),
    );
    assert.ok(views.length > 0, 'the run drew a component view');
    const view = `diagrams/${views[0]}`;
    const original = await fs.readFile(path.join(ws.out, view), 'utf8');
    await fs.rm(path.join(ws.out, view));

    const check = await runCli(['check', ws.out], env());
    assert.equal(check.code, 1, check.stdout);
    assert.match(check.stdout, /✖ not met +All diagrams complete/);
    assert.ok(check.stdout.includes(`${view} does not exist (deleted?)`), check.stdout);

    const status = await runCli(['status', ws.out], env());
    assert.equal(status.code, 1, status.stdout);
    assert.ok(status.stdout.includes(`missing     ${view}`), status.stdout);

    const calls = fakes.server.requests.length;
    const again = await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fakes.server.requests.length, calls, 'no model call');
    assert.ok(again.stderr.includes(`wrote the missing derived files again (no model call): ${view}`), again.stderr);
    assert.equal(await fs.readFile(path.join(ws.out, view), 'utf8'), original);
    const status2 = await runCli(['status', ws.out], env());
    assert.equal(status2.code, 0, status2.stdout);
  });

  it('a hand-edited view with a dangling relationship fails check with the file and line', async () => {
    const ws = await designed();
    const file = path.join(ws.out, LAYOUT.c4Container);
    const text = await fs.readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    lines.push('  Rel(nowhere, alsoNowhere, "Calls")');
    await fs.writeFile(file, lines.join('\n') + '\n');
    const check = await runCli(['check', ws.out], env());
    assert.equal(check.code, 1, check.stdout);
    assert.ok(
      check.stdout.includes(
        `${LAYOUT.c4Container}:${lines.length}: relationship nowhere → alsoNowhere points to nowhere and alsoNowhere`,
      ),
      check.stdout,
    );
    // A hand edit is never replaced by a run without steps: the edit stays, check keeps saying so.
    await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.equal(await fs.readFile(file, 'utf8'), lines.join('\n') + '\n');
  });
});

describe('approvals through the CLI', () => {
  it('approve, then a step re-run: a warning line before, "voided" in status after, history kept; approve again', async () => {
    const ws = await designed();
    const approve = await runCli(['approve', ws.out, '--name', 'Jane Doe', '--role', 'CTO'], env());
    assert.equal(approve.code, 0, approve.stderr);
    const ok = await runCli(['status', ws.out], env());
    assert.match(ok.stdout, /✔ met +Stakeholder approval obtained/);

    // An upstream document edited by hand: step 8 runs again and ARCHITECTURE.md (which assembles it) changes.
    const upstream = path.join(ws.out, '07-observability-design.md');
    const doc = await fs.readFile(upstream, 'utf8');
    assert.ok(doc.includes('## Logging\n'));
    await fs.writeFile(upstream, doc.replace('## Logging\n', '## Logging\n\nEvery log line carries the request id.\n'));
    const rerun = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '8'], env());
    assert.equal(rerun.code, 0, rerun.stderr);
    const warning = rerun.stderr.split('\n').findIndex((l) => l.startsWith('archflow: warning:'));
    const started = rerun.stderr.split('\n').findIndex((l) => l.startsWith('▶ '));
    assert.ok(warning >= 0 && warning < started, `warning before the step runs:\n${rerun.stderr}`);
    assert.match(rerun.stderr, /voids the approval of ARCHITECTURE.md by Jane Doe \(CTO\)/);
    assert.match(rerun.stderr, /approval by Jane Doe \(CTO\) voided by the run of Step 8/);

    const status = await runCli(['status', ws.out], env());
    assert.match(status.stdout, /✖ not met +Stakeholder approval obtained/);
    assert.match(
      status.stdout,
      /approval voided by the run of Step 8 — Architecture Decision Records on \d{4}-\d{2}-\d{2}/,
    );

    const state = parseState(await fs.readFile(path.join(ws.out, LAYOUT.state), 'utf8'));
    assert.equal(state.version, 2);
    assert.equal(state.approvals.length, 1);
    assert.match(state.approvals[0].voided?.by ?? '', /^the run of Step 8/);

    const again = await runCli(['approve', ws.out, '--name', 'Jane Doe', '--role', 'CTO'], env());
    assert.equal(again.code, 0, again.stderr);
    const history = parseState(await fs.readFile(path.join(ws.out, LAYOUT.state), 'utf8')).approvals;
    assert.equal(history.length, 2);
    assert.equal(history[1].voided, undefined);
  });

  it('--required-approvals: met only when every listed role approved the current content', async () => {
    const ws = await designed();
    const roles = ['--required-approvals', 'CTO, Security lead'];
    await runCli(['approve', ws.out, '--name', 'Jane Doe', '--role', 'CTO'], env());
    const one = await runCli(['check', ws.out, ...roles], env());
    assert.equal(one.code, 1);
    assert.match(
      one.stdout,
      /No approval of the current ARCHITECTURE\.md by Security lead \(required: CTO, Security lead\)/,
    );
    await runCli(['approve', ws.out, '--name', 'Sam Lee', '--role', 'security lead'], env());
    const both = await runCli(['check', ws.out, ...roles], env());
    assert.match(both.stdout, /✔ met +Stakeholder approval obtained/);
    assert.match(both.stdout, /evidence: Approved by “Sam Lee” \(“security lead”\)/);
  });
});
