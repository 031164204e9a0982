/** An answer has a size cap: a runaway answer is stopped, its request ended, and nothing of it is written. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ANSWER_CHARS } from '../../src/core/config';
import { StepError } from '../../src/core/stepError';
import { stepById } from '../../src/core/steps';
import { harness } from '../helpers/engineHarness';

void describe('the answer size cap', () => {
  void it('stops an answer that grows past the cap and fails the step with a clear message', async (t) => {
    const h = await harness(t);
    const chunk = 16 * 1024;
    h.llm.on(4, { text: (doc) => doc + 'x'.repeat(2 * MAX_ANSWER_CHARS), chunkSize: chunk });
    const summary = await h.run([4], { withPrerequisites: true });
    assert.deepEqual(summary.done, [1, 2, 3]);
    const failure = summary.failed.find((f) => f.step === 4);
    assert.ok(failure?.error instanceof StepError);
    assert.equal(failure.error.kind, 'oversized');
    assert.match(failure.message, /^The answer for Step 4 — Data Architecture grew past 256 kB and was stopped/);
    const calls = h.llm.callsFor(4);
    assert.equal(calls.length, 1, 'no retry or repair round for a runaway answer');
    assert.equal(calls[0].outcome, 'aborted', 'the stream was ended');
    assert.ok(calls[0].text.length <= MAX_ANSWER_CHARS + chunk, `streamed ${calls[0].text.length} characters`);
    assert.equal(await h.read(stepById(4).document), undefined);
  });
});
