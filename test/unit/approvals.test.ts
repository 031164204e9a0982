/**
 * The approval life cycle (asked before a run voids one, history in archflow.json, required roles, the
 * old state shape) and honest criteria (not yet, evidence, views against the model with file and line).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type TestContext, describe, it } from 'node:test';
import { approvalStatus, architectureHash, recordApproval, voidingText } from '../../src/core/approval';
import type { Bundle } from '../../src/core/bundle';
import { checkEmbeddedViews, checkViewFiles, expectedViewFiles } from '../../src/core/c4/viewFiles';
import { readMermaidC4 } from '../../src/core/c4/mermaidParse';
import { type Approval, STATE_VERSION, emptyState, parseState } from '../../src/core/state';
import { LAYOUT, stepWithBlock } from '../../src/core/steps';

const ADR_STEP = stepWithBlock('adrs').id;
import { type BundleFixture, FIXTURE_C4, createBundleFixture } from '../helpers/bundleFixture';
import { harness } from '../helpers/engineHarness';

async function bundleFixture(t: TestContext): Promise<BundleFixture> {
  const f = await createBundleFixture();
  t.after(() => f.dispose());
  return f;
}

const APPROVAL: Approval = { name: 'Ada', role: 'CTO', date: '2026-11-24T10:00:00.000Z', documentHash: '' };

function bundleWith(architecture: string, approvals: Approval[]): Bundle {
  const state = { ...emptyState(), approvals };
  return {
    state,
    documents: {},
    requirements: [],
    c4Errors: [],
    findings: [],
    additions: [],
    definitions: [],
    adrs: [],
    architecture,
  };
}

describe('approval status and history', () => {
  it('a version 1 archflow.json still loads: its approvals are kept and judged by the hash', () => {
    const hash = architectureHash('# Doc\n');
    const v1 = JSON.stringify({
      version: 1,
      tool: 'archflow',
      steps: {},
      files: {},
      adrs: [],
      approvals: [{ ...APPROVAL, documentHash: hash }],
    });
    const state = parseState(v1);
    assert.equal(state.version, STATE_VERSION);
    assert.equal(STATE_VERSION, 2);
    assert.equal(approvalStatus(bundleWith('# Doc\n', state.approvals)).current?.name, 'Ada');
    const after = approvalStatus(bundleWith('# Doc edited\n', state.approvals));
    assert.equal(after.current, undefined);
    assert.equal(voidingText(after.voidedBy!), 'approval voided by ARCHITECTURE.md edited by hand');
  });

  it('required roles: met only when each role approved the current content; case and spaces do not matter', () => {
    const hash = architectureHash('# Doc\n');
    const cto = { ...APPROVAL, documentHash: hash };
    const sec = { ...APPROVAL, name: 'Sam', role: ' security LEAD ', documentHash: hash };
    assert.deepEqual(approvalStatus(bundleWith('# Doc\n', [cto]), ['CTO', 'Security lead']).missingRoles, [
      'Security lead',
    ]);
    assert.deepEqual(approvalStatus(bundleWith('# Doc\n', [cto, sec]), ['CTO', 'Security lead']).missingRoles, []);
    // An approval of older content, or a voided one, does not count for a role.
    const old = { ...sec, documentHash: architectureHash('# Old\n') };
    const voided = { ...sec, voided: { by: 'the run of Step 8', date: '2026-11-25T00:00:00.000Z' } };
    assert.deepEqual(approvalStatus(bundleWith('# Doc\n', [cto, old]), ['CTO', 'Security lead']).missingRoles, [
      'Security lead',
    ]);
    assert.deepEqual(approvalStatus(bundleWith('# Doc\n', [cto, voided]), ['CTO', 'Security lead']).missingRoles, [
      'Security lead',
    ]);
  });

  it('a hand edit is recorded as the voiding when the next approval is recorded; both stay in the history', async (t) => {
    const f = await bundleFixture(t);
    await recordApproval(f.outputDir, { name: 'Ada', role: 'CTO' }, new Date('2026-11-24T10:00:00Z'));
    await f.edit(LAYOUT.architecture, (text) => `${text}\nAddendum.\n`);
    await recordApproval(f.outputDir, { name: 'Raj', role: 'CTO' }, new Date('2026-11-25T10:00:00Z'));
    const { approvals } = await f.state();
    assert.equal(approvals.length, 2);
    assert.deepEqual(approvals[0].voided, { by: 'ARCHITECTURE.md edited by hand', date: '2026-11-25T10:00:00.000Z' });
    assert.equal(approvals[1].voided, undefined);
  });
});

describe('the engine asks before a run voids an approval', () => {
  async function approvedRun(t: TestContext, answer: boolean) {
    const asked: string[] = [];
    const h = await harness(t, {
      confirmApprovalVoid: async ({ approval, reason }) => {
        asked.push(`${approval.name}: ${reason}`);
        return answer;
      },
    });
    await h.run('all');
    await recordApproval(h.outputDir, { name: 'Ada', role: 'CTO' });
    const doc = path.join(h.outputDir, '07-observability-design.md');
    const text = await fs.readFile(doc, 'utf8');
    await fs.writeFile(doc, text.replace(/^## Logging\n/m, '## Logging\n\nEvery log line carries the request id.\n'));
    return { h, asked };
  }

  it('Cancel: the run does not start, no model call, nothing written, the approval stands', async (t) => {
    const { h, asked } = await approvedRun(t, false);
    const stateBefore = await h.read(LAYOUT.state);
    const docBefore = await h.read(LAYOUT.architecture);
    h.llm.reset();
    const summary = await h.run([ADR_STEP]);
    assert.equal(summary.declined, 'approval');
    assert.deepEqual(asked, ['Ada: the run of Step 8 — Architecture Decision Records']);
    assert.equal(h.llm.calls.length, 0);
    assert.equal(await h.read(LAYOUT.state), stateBefore);
    assert.equal(await h.read(LAYOUT.architecture), docBefore);
  });

  it('Continue: the run goes on and the approval is recorded as voided by that run', async (t) => {
    const { h, asked } = await approvedRun(t, true);
    const summary = await h.run([ADR_STEP]);
    assert.equal(asked.length, 1);
    assert.deepEqual(summary.done, [ADR_STEP]);
    assert.equal(summary.voidedApprovals?.length, 1);
    const [approval] = (await h.state()).approvals;
    assert.equal(approval.voided?.by, 'the run of Step 8 — Architecture Decision Records');
  });

  it('nothing is asked when no approval stands', async (t) => {
    const asked: string[] = [];
    const h = await harness(t, { confirmApprovalVoid: async ({ reason }) => (asked.push(reason), true) });
    await h.run('all');
    await h.run([ADR_STEP]);
    assert.deepEqual(asked, []);
  });
});

describe('views against the model, with file and line', () => {
  const expected = expectedViewFiles(FIXTURE_C4);
  const files = Object.fromEntries(expected);
  const component = [...expected.keys()].find((f) => f.startsWith(LAYOUT.c4ComponentPrefix))!;

  it('files as the model draws them agree', () => {
    assert.deepEqual(checkViewFiles(FIXTURE_C4, files), []);
  });

  it('a deleted level-3 view is named', () => {
    const { [component]: _gone, ...rest } = files;
    const issues = checkViewFiles(FIXTURE_C4, rest);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].file, component);
    assert.match(issues[0].message, /does not exist \(deleted\?\)/);
  });

  it('a dangling relationship and a syntax error are reported at their line', () => {
    const lines = files[LAYOUT.c4Container].trimEnd().split('\n');
    const dangling = [...lines.slice(0, 3), '  Rel(ghost, shopApi, "Calls")', ...lines.slice(3)].join('\n');
    assert.deepEqual(
      checkViewFiles(FIXTURE_C4, { ...files, [LAYOUT.c4Container]: dangling }).map((i) => [i.file, i.line]),
      [[LAYOUT.c4Container, 4]],
    );
    const broken = [...lines.slice(0, 2), '  Container(oops, "Unclosed)', ...lines.slice(2)].join('\n');
    const [issue] = checkViewFiles(FIXTURE_C4, { ...files, [LAYOUT.c4Container]: broken });
    assert.equal(issue.line, 3);
    assert.match(issue.message, /syntax error in the C4 diagram: a quote is not closed/);
    assert.equal(readMermaidC4(broken).view, undefined);
  });

  it('an embedded block with a dangling arrow is reported at the document line', () => {
    const doc = '# Doc\n\nText\n\n```mermaid\nC4Context\n  Person(a, "A")\n  Rel(a, b, "Uses")\n```\n';
    assert.deepEqual(checkEmbeddedViews(FIXTURE_C4, [{ file: '02-high-level-architecture.md', text: doc }]), [
      {
        file: '02-high-level-architecture.md',
        line: 8,
        message: 'relationship a → b points to b, which the view does not define',
      },
    ]);
  });
});

describe('criteria states and evidence', () => {
  it('"All diagrams complete" is not yet while a C4 step failed, even with every view on disk', async (t) => {
    const f = await bundleFixture(t);
    const good = (await f.evaluate()).criteria.find((c) => c.id === 'diagrams')!;
    assert.equal(good.state, 'met');
    assert.ok(good.evidence?.some((e) => e.includes(LAYOUT.c4Context)));
    await f.updateState((s) => {
      s.steps['2'] = { ...s.steps['2']!, status: 'failed', error: 'The model stopped.' };
    });
    const c = (await f.evaluate()).criteria.find((x) => x.id === 'diagrams')!;
    assert.equal(c.state, 'not-yet');
    assert.equal(c.met, false);
    assert.equal(c.evidence, undefined);
    assert.match(c.reasons[0], /^Step 2 failed: The model stopped/);
  });

  it('a hand-edited view fails the diagrams criterion with the file and line', async (t) => {
    const f = await bundleFixture(t);
    await f.edit(LAYOUT.c4Context, (text) => text.trimEnd() + '\n  Rel(ghost, nobody, "Calls")\n');
    const c = (await f.evaluate()).criteria.find((x) => x.id === 'diagrams')!;
    assert.equal(c.state, 'unmet');
    assert.ok(
      c.reasons.some((r) => new RegExp(`^${LAYOUT.c4Context}:\\d+: relationship ghost → nobody`).test(r)),
      c.reasons.join('\n'),
    );
  });
});
