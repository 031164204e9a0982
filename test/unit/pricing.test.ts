import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_PRICES, PRICES_DATE, costOf, formatUsd, fullPriceEquivalent, priceOf } from '../../src/core/pricing';
import { DEFAULT_MODEL } from '../../src/core/config';
import { CacheMirror } from '../../src/core/callEstimate';
import { StepError } from '../../src/core/stepError';
import {
  TYPICAL_OUTPUT_TOKENS,
  callCost,
  expectedOutput,
  checkBudget,
  designCost,
  estimateRun,
  stepCost,
} from '../../src/core/spend';
import { STEP_IDS } from '../../src/core/steps';

test('the price table is dated and prices the default model exactly', () => {
  assert.match(PRICES_DATE, /^\d{4}-\d{2}-\d{2}$/);
  const p = priceOf(DEFAULT_MODEL);
  assert.equal(p.exact, true);
  assert.equal(p.key, DEFAULT_MODEL);
  for (const [id, price] of Object.entries(MODEL_PRICES)) {
    assert.ok(price.cacheRead < price.input && price.input < price.cacheWrite && price.cacheWrite < price.output, id);
  }
});

test('a dated or suffixed id is priced as its model; an unknown one as its family, else the dearest', () => {
  assert.equal(priceOf('claude-opus-4-5-20251101').key, 'claude-opus-4-5');
  assert.equal(priceOf('claude-sonnet-5-5[1m]').key, 'claude-sonnet-5-5');
  // claude-opus-5 must not price claude-opus-5-5, nor the other way round.
  assert.equal(priceOf('claude-opus-5').key, 'claude-opus-5');
  const unknownOpus = priceOf('claude-opus-9');
  assert.equal(unknownOpus.exact, false);
  assert.match(unknownOpus.key, /opus/);
  const unknown = priceOf('some-other-model');
  assert.equal(unknown.exact, false);
  const dearest = Math.max(...Object.values(MODEL_PRICES).map((x) => x.output));
  assert.equal(unknown.price.output, dearest);
});

test('cost: input, cache writes, cache reads and output at their own rates', () => {
  const usage = { input: 1_000_000, cacheWrite: 1_000_000, cacheRead: 1_000_000, output: 1_000_000 };
  const p = MODEL_PRICES['claude-opus-5-5'];
  assert.equal(costOf(usage, 'claude-opus-5-5'), p.input + p.cacheWrite + p.cacheRead + p.output);
  assert.equal(fullPriceEquivalent({ input: 100, cacheWrite: 100, cacheRead: 100 }), 100 + 125 + 10);
  assert.equal(formatUsd(1.234), '$1.23');
  assert.equal(formatUsd(0.001), '<$0.01');
  assert.equal(formatUsd(0), '$0.00');
});

test('the estimate uses a step’s last run when archflow.json has it, else the PRD size and typical answers', () => {
  const recorded = { input: 100, output: 2000, cacheRead: 5000, cacheWrite: 300 };
  const state = { steps: { '2': { status: 'done' as const, inputs: {}, files: [], usage: recorded } } };
  const e = estimateRun(8000, [1, 2, 3], state, () => 'claude-opus-5-5');
  assert.deepEqual(
    e.steps.map((s) => s.from),
    ['typical', 'history', 'typical'],
  );
  assert.deepEqual(e.steps[1].usage, recorded);
  assert.equal(e.steps[0].usage.output, TYPICAL_OUTPUT_TOKENS[1]);
  // Step 1 writes the PRD to the cache; step 3 writes step 2's document and reads the PRD and step 1's.
  assert.equal(e.steps[0].usage.cacheWrite, 2000);
  assert.equal(e.steps[2].usage.cacheWrite, TYPICAL_OUTPUT_TOKENS[2]);
  assert.equal(e.steps[2].usage.cacheRead, 2000 + TYPICAL_OUTPUT_TOKENS[1]);
  assert.ok(Math.abs(e.usd - e.steps.reduce((n, s) => n + s.usd, 0)) < 1e-9);
  // A bigger PRD costs more; fewer steps cost less.
  assert.ok(
    estimateRun(80_000, STEP_IDS, undefined, () => 'claude-opus-5-5').usd >
      estimateRun(8000, STEP_IDS, undefined, () => 'claude-opus-5-5').usd,
  );
  assert.ok(estimateRun(8000, [8], undefined, () => 'claude-opus-5-5').usd < e.usd + 1);
});

test('the budget stops a call before it could pass it, naming the spend so far and the setting', () => {
  const request = {
    model: 'claude-opus-5-5',
    maxTokens: 16000,
    system: [{ text: 'x'.repeat(4000) }],
    turns: [{ role: 'user' as const, content: [{ text: 'y'.repeat(36_000) }] }],
  };
  // 10,000 input tokens at $4/M and 5,000 output tokens at $20/M; cache writes at $5/M, reads at $0.20/M.
  const cold = new CacheMirror().forecast(request);
  assert.deepEqual(cold, { input: 10_000, cacheWrite: 0, cacheRead: 0 });
  assert.ok(Math.abs(callCost(request.model, cold, 5000) - (0.04 + 0.1)) < 1e-9);
  assert.ok(Math.abs(callCost(request.model, { input: 0, cacheWrite: 0, cacheRead: 10_000 }, 0) - 0.002) < 1e-9);
  // The output a call expects: the step's last answer (else a typical one), less what its calls wrote and reserved.
  assert.equal(expectedOutput(3, 5000, 0, 0), 5000);
  assert.equal(expectedOutput(3, 5000, 1200, 1000), 2800);
  assert.equal(expectedOutput(3, 5000, 6000, 0), 0);
  assert.ok(expectedOutput(8, undefined, 0, 0) > expectedOutput(2, undefined, 0, 0));
  checkBudget({ usd: 1, setting: 'archflow.budget' }, 3, 0.5, 0.5);
  assert.throws(
    () => checkBudget({ usd: 1, setting: 'archflow.budget' }, 3, 0.9, 0.2),
    (err: unknown) => {
      assert.ok(err instanceof StepError);
      assert.equal(err.kind, 'budget');
      assert.equal(err.step, 3);
      assert.match(err.message, /spent \$0\.90/);
      assert.match(err.message, /budget of \$1\.00/);
      assert.match(err.message, /archflow\.budget/);
      assert.equal(err.facts.spentUsd, 0.9);
      return true;
    },
  );
});

test('the spend per step and for the design: unknown or empty usage is not counted', () => {
  const model = 'claude-opus-5-5';
  const used = { input: 1000, output: 1000, cacheRead: 0, cacheWrite: 0 };
  assert.equal(stepCost({ usage: used, model }), costOf(used, model));
  assert.equal(stepCost({ usage: { ...used, unknown: true }, model }), undefined);
  assert.equal(stepCost({ usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, model }), undefined);
  assert.equal(stepCost({ model }), undefined);
  const d = designCost([{ usage: used, model }, { model }, { usage: used, model }])!;
  assert.equal(d.steps, 2);
  assert.equal(d.usd, 2 * costOf(used, model));
  assert.equal(designCost([{ model }]), undefined);
});
