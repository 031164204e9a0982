/** The status bar item's text: the run's state and the unmet exit criteria, from the session's facts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepView } from '../../src/core/events';
import { CRITERION_TITLES, type CriterionId, type ExitReport } from '../../src/core/exitCriteria';
import { STEP_IDS } from '../../src/core/steps';
import { type StatusFacts, statusText } from '../../src/vscode/statusSummary';

function report(unmet: CriterionId[]): ExitReport {
  const criteria = (Object.keys(CRITERION_TITLES) as CriterionId[]).map((id) => ({
    id,
    title: CRITERION_TITLES[id],
    met: !unmet.includes(id),
    reasons: unmet.includes(id) ? ['a reason'] : [],
  }));
  return { criteria, allMet: unmet.length === 0, trace: [] };
}

const DONE: StepView[] = STEP_IDS.map((id) => ({ id, status: 'done', files: [] }));

function facts(extra: Partial<StatusFacts>): StatusFacts {
  return {
    output: 'docs/architecture',
    trusted: true,
    steps: DONE,
    running: [],
    planned: 0,
    finished: 0,
    report: report([]),
    hasRun: true,
    ...extra,
  };
}

describe('status bar text', () => {
  it('is hidden without a workspace folder', () => {
    assert.equal(statusText(facts({ output: undefined })).kind, 'hidden');
  });

  it('counts the unmet criteria and names them in the tooltip', () => {
    const s = statusText(
      facts({
        report: report(['security', 'approval']),
        steps: DONE.map((s) => (s.id === 6 ? { ...s, status: 'stale' } : s)),
      }),
    );
    assert.equal(s.text, '$(warning) Archflow: 2 criteria unmet');
    assert.equal(
      s.tooltip,
      'Exit criteria in docs/architecture: 3 of 5 met.\nNot met: Security review passed; Stakeholder approval obtained.\n7 of 8 steps done, 1 stale.\nClick to open the Workflow view.',
    );
    assert.equal(statusText(facts({ report: report(['approval']) })).text, '$(warning) Archflow: 1 criterion unmet');
    assert.equal(statusText(facts({})).text, '$(pass) Archflow: all criteria met');
  });

  it('shows the running steps and how far the run is', () => {
    const s = statusText(facts({ running: [4, 5], planned: 8, finished: 3 }));
    assert.equal(s.kind, 'running');
    assert.equal(s.text, '$(sync~spin) Archflow: Steps 4, 5 (3/8)');
    assert.match(
      s.tooltip,
      /^Archflow is running in docs\/architecture: Step 4 — Data Architecture, Step 5 — Infrastructure\./,
    );
  });

  it('invites a first design, says when the folder cannot be read, and marks Restricted Mode', () => {
    const empty = statusText(facts({ hasRun: false, report: undefined }));
    assert.equal(empty.text, '$(layers) Archflow');
    assert.match(
      empty.tooltip,
      /No architecture design in docs\/architecture yet\.\nClick to open the Workflow view and design one\./,
    );
    const broken = statusText(facts({ problem: 'archflow.json is not valid JSON' }));
    assert.equal(broken.kind, 'problem');
    assert.match(broken.tooltip, /cannot read the design in docs\/architecture: archflow\.json is not valid JSON/);
    assert.match(
      statusText(facts({ trusted: false })).tooltip,
      /Restricted Mode: Archflow shows this design but does not run or write\./,
    );
  });

  it('says what the steps’ last runs cost at list price, when their usage is known', () => {
    const used = { input: 100_000, output: 10_000, cacheRead: 0, cacheWrite: 0 };
    const steps: StepView[] = STEP_IDS.map((id) => ({
      id,
      status: 'done',
      files: [],
      ...(id <= 2 ? { usage: used, model: 'claude-opus-5-5' } : {}),
    }));
    // 100,000 input tokens at $4/M and 10,000 output tokens at $20/M, twice.
    assert.match(
      statusText(facts({ steps })).tooltip,
      /^Spent: \$1\.20 for 2 steps at list price \(prices of \d{4}-\d{2}-\d{2}\)\.$/m,
    );
    assert.doesNotMatch(statusText(facts({})).tooltip, /Spent/);
  });
});
