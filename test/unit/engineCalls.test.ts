/**
 * The engine's model calls, in process with the scripted model: retries and backoff, the idle
 * watchdog, a stream broken midway, max-tokens, the repair round, cancel and usage totals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmError } from '../../src/core/llm/types';
import { StepError } from '../../src/core/stepError';
import { downstreamOf, stepById } from '../../src/core/steps';
import { FAST_RETRY, harness } from '../helpers/engineHarness';

const server500 = (): LlmError => new LlmError('server', { provider: 'the scripted model', status: 500 });

void describe('retries', () => {
  void it('retries a retryable failure with exponential, capped backoff, then succeeds', async (t) => {
    const h = await harness(t, { retry: { maxAttempts: 4 } });
    h.llm.on(1, { error: server500() }, { error: server500() }, { error: server500() });
    const summary = await h.run([1]);
    assert.deepEqual(summary.done, [1]);
    assert.equal(h.llm.callsFor(1).length, 4);
    const retries = h.events.flatMap((e) => (e.type === 'step-retry' ? [e] : []));
    // base 2 ms doubling, capped at 8 ms
    assert.deepEqual(
      retries.map((e) => [e.attempt, e.delayMs]),
      [
        [2, 2],
        [3, 4],
        [4, 8],
      ],
    );
    assert.match(retries[0].reason, /failed \(500\)/);
    assert.equal((await h.state()).steps[1]?.attempts, 4);
  });

  void it('waits what retry-after asks, within the cap', async (t) => {
    const h = await harness(t);
    const limited = new LlmError('rate-limit', { status: 429, retryAfterSec: 0.005 });
    const long = new LlmError('overloaded', { status: 529, retryAfterSec: 3600 });
    h.llm.on(1, { error: limited }, { error: long });
    assert.deepEqual((await h.run([1])).done, [1]);
    const delays = h.events.flatMap((e) => (e.type === 'step-retry' ? [e.delayMs] : []));
    assert.deepEqual(delays, [5, FAST_RETRY.maxDelayMs]);
  });

  void it('gives up after the last attempt, names the attempts, and skips the steps after it', async (t) => {
    const h = await harness(t);
    h.llm.on(1, ...Array.from({ length: 5 }, () => ({ error: server500() })));
    const summary = await h.run('all');
    assert.equal(h.llm.callsFor(1).length, FAST_RETRY.maxAttempts);
    assert.deepEqual(
      summary.failed.map((f) => [f.step, f.kind]),
      [[1, 'server']],
    );
    assert.match(summary.failed[0].message, /failed \(500\).*\(gave up after 3 attempts\)$/);
    assert.ok(summary.failed[0].error instanceof LlmError);
    assert.deepEqual(summary.skipped, downstreamOf(1));
    assert.equal(h.llm.callsFor(2).length, 0);
  });

  void it('does not retry a failure another attempt cannot cure', async (t) => {
    const h = await harness(t);
    h.llm.on(1, { error: new LlmError('auth', { status: 401 }) });
    const summary = await h.run([1]);
    assert.equal(h.llm.calls.length, 1);
    assert.equal(summary.failed[0].kind, 'auth');
    assert.doesNotMatch(summary.failed[0].message, /gave up/);
    assert.equal((await h.state()).steps[1]?.status, 'failed');
  });

  void it('starts over after a stream broken midway: the partial text is not kept', async (t) => {
    const h = await harness(t);
    h.llm.on(1, { error: new LlmError('stream-dropped', {}), afterChars: 300, chunkSize: 100 });
    assert.deepEqual((await h.run([1])).done, [1]);
    const [broken, whole] = h.llm.callsFor(1);
    assert.equal(broken.text, whole.text.slice(0, 300));
    const doc = (await h.read(stepById(1).document))!;
    const title = whole.text.split('\n')[0];
    assert.equal(doc.split(title).length, 2, 'the document has its title once: the broken attempt was discarded');
    // Listeners saw the broken attempt, then a restart, then the whole answer.
    const seen = h.events.flatMap((e) => (e.type === 'step-text' ? [e.text] : e.type === 'step-retry' ? ['|'] : []));
    assert.equal(seen.join(''), `${broken.text}|${whole.text}`);
  });

  void it('aborts a stream that sends nothing for the idle timeout, and retries it', async (t) => {
    const h = await harness(t);
    h.llm.on(1, { stall: true, afterChars: 100, chunkSize: 50 });
    assert.deepEqual((await h.run([1])).done, [1]);
    const [stalled, retried] = h.llm.callsFor(1);
    assert.equal(stalled.outcome, 'aborted');
    assert.equal(retried.outcome, 'done');
    const retry = h.events.find((e) => e.type === 'step-retry');
    assert.ok(retry?.type === 'step-retry');
    assert.match(retry.reason, /sent nothing for 150 ms/);
  });
});

void describe('answers', () => {
  void it('fails an answer cut off at the output limit at once, naming the limit', async (t) => {
    const h = await harness(t);
    h.llm.on(1, { stopReason: 'max-tokens' });
    const summary = await h.run([1]);
    assert.equal(h.llm.calls.length, 1, 'a cut-off answer is not retried: it would be cut again');
    const error = summary.failed[0].error;
    assert.ok(error instanceof LlmError);
    assert.equal(error.kind, 'max-tokens');
    assert.equal(error.facts.limit, 16000);
    assert.match(error.message, /Step 1 — Context Analysis was cut off at the output limit \(16000 tokens\)/);
    assert.equal(await h.read(stepById(1).document), undefined);
  });

  void it('asks for one repair of an answer that does not validate, and uses the repaired answer', async (t) => {
    const h = await harness(t);
    await h.run([1]);
    h.llm.reset();
    h.llm.on(2, { malformed: true });
    assert.deepEqual((await h.run([2])).done, [2]);
    const [first, repair] = h.llm.callsFor(2);
    assert.equal(first.repair, false);
    assert.equal(repair.repair, true);
    const turns = repair.request.turns;
    assert.equal(turns.length, 3);
    assert.equal(turns[1].role, 'assistant');
    assert.match(turns[2].content[0].text, /^Your answer could not be used/);
    const asked = h.events.find((e) => e.type === 'step-repair');
    assert.ok(asked?.type === 'step-repair' && asked.errors.length > 0);
    assert.equal((await h.state()).steps[2]?.attempts, 2);
  });

  void it('fails a step whose repaired answer does not validate either, after exactly one repair', async (t) => {
    const h = await harness(t);
    await h.run([1]);
    h.llm.reset();
    h.llm.on(2, { malformed: true }, { malformed: true });
    const summary = await h.run([2]);
    assert.equal(h.llm.calls.length, 2);
    const error = summary.failed[0].error;
    assert.ok(error instanceof StepError);
    assert.equal(error.kind, 'malformed');
    assert.ok((error.facts.errors ?? []).length > 0);
    assert.match(
      error.message,
      /did not follow the required format, even after one repair round: .*Run the step again\.$/,
    );
    assert.equal(await h.read(stepById(2).document), undefined);
  });

  void it('sums usage; cache counters a provider does not report count as 0', async (t) => {
    const h = await harness(t);
    h.llm.on(
      1,
      { malformed: true, usage: { input: 100, output: 10 } },
      { usage: { input: 5, output: 20, cacheRead: 90 } },
    );
    await h.run([1]);
    assert.deepEqual((await h.state()).steps[1]?.usage, { input: 105, output: 30, cacheRead: 90, cacheWrite: 0 });
    const done = h.events.find((e) => e.type === 'step-done');
    assert.ok(done?.type === 'step-done');
    assert.deepEqual(done.usage, { input: 105, output: 30, cacheRead: 90, cacheWrite: 0 });
  });
});

void describe('cancel', () => {
  void it('aborts the call in flight, writes nothing for the step, and keeps the steps done before', async (t) => {
    const h = await harness(t);
    h.llm.on(3, { stall: true, afterChars: 50, chunkSize: 10 });
    const controller = new AbortController();
    const running = h.run('all', { signal: controller.signal });
    await h.llm.started(3);
    controller.abort();
    const summary = await running;
    assert.equal(summary.cancelled, true);
    assert.deepEqual(summary.done, [1, 2]);
    assert.deepEqual(summary.failed, [
      { step: 3, message: 'Cancelled.', kind: 'cancelled', error: summary.failed[0].error },
    ]);
    assert.equal(h.llm.callsFor(3)[0].outcome, 'aborted');
    assert.equal(h.llm.callsFor(3).length, 1, 'a cancelled call is not retried');
    assert.equal(await h.read(stepById(3).document), undefined);
    const state = await h.state();
    assert.equal(state.steps[2]?.status, 'done');
    assert.equal(state.steps[3], undefined, 'a cancel is not a failure');
    assert.ok(!h.events.some((e) => e.type === 'step-started' && e.step > 3));
    assert.equal(await h.read('.archflow.lock'), undefined, 'the lock is released');
  });
});
