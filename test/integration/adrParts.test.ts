/**
 * The decision step in parts (docs/adr/0014-parallel-calls-inside-steps.md) against the fake
 * Anthropic server and the real SDK: the ADR calls overlap (from the request log: a call starts
 * before another one ends) and never more than the bound at once, they read the step's prefix from
 * the cache, the bundle is the one the single call writes, a failed ADR call is retried alone, and
 * an ADR that cannot be produced fails the step with nothing of it written.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunSummary } from '../../src/core/engine';
import type { EngineEvent } from '../../src/core/events';
import { createWorkflow } from '../../src/core/factory';
import { silentLogger } from '../../src/core/log';
import { parseState } from '../../src/core/state';
import { LAYOUT, stepWithBlock } from '../../src/core/steps';
import { type FakeAnthropic, type RecordedRequest, startFakeAnthropic } from '../fake-anthropic/server';
import { listFiles, prdWorkspace } from '../helpers/cli';
import { FAST_RETRY } from '../helpers/engineHarness';
import { promptsDir } from '../helpers/paths';

const DECISIONS = stepWithBlock('adrs');

let fake: FakeAnthropic;
before(async () => {
  // Answers streamed in small paced deltas, so that calls last long enough to be seen overlapping.
  fake = await startFakeAnthropic({ port: 0, chunkSize: 40, chunkDelayMs: 2, latencyMs: 5 });
});
after(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.reset();
  onEvent = undefined;
});

const workspace = (): ReturnType<typeof prdWorkspace> => prdWorkspace('archflow-parts-');

async function design(
  w: { out: string; prd: string },
  settings: { partConcurrency?: number } = {},
  events: EngineEvent[] = [],
  controller = new AbortController(),
): Promise<RunSummary> {
  const engine = createWorkflow({
    outputDir: w.out,
    prdPath: w.prd,
    connection: { provider: 'anthropic', apiKey: 'sk-ant-test-key', baseURL: fake.url },
    prompts: { builtinDir: promptsDir },
    settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency: 2, ...settings },
    // Fast backoff, but a watchdog that a loaded machine does not trip (its retry would be a request more).
    retry: { ...FAST_RETRY, idleTimeoutMs: 10_000 },
    resolveConflict: async () => 'overwrite',
    log: silentLogger,
  });
  return engine.run({
    steps: 'all',
    signal: controller.signal,
    onEvent: (e) => {
      events.push(e);
      // A test's own reaction to an event (a cancel) happens as the event is emitted.
      onEvent?.(e, controller);
    },
  });
}

let onEvent: ((e: EngineEvent, controller: AbortController) => void) | undefined;

const start = (r: RecordedRequest): number => Date.parse(r.time);
const end = (r: RecordedRequest): number => start(r) + (r.durationMs ?? 0);
const adrCalls = (): RecordedRequest[] => fake.requests.filter((r) => r.part?.startsWith('adrs:'));

/** The files of an output folder with their text, but the run's own bookkeeping. */
async function bundle(out: string): Promise<Map<string, string>> {
  const files = (await listFiles(out)).filter((f) => f !== LAYOUT.state && !f.startsWith('.archflow/'));
  return new Map(await Promise.all(files.map(async (f) => [f, await fs.readFile(path.join(out, f), 'utf8')] as const)));
}

describe('the decision step in parts', () => {
  test('its ADR calls overlap, at most four parts at once, after the decision list and reading its cache', async () => {
    const events: EngineEvent[] = [];
    const summary = await design(await workspace(), {}, events);
    assert.deepEqual(summary.failed, []);
    const list = fake.requests.filter((r) => r.part === 'decisions');
    const adrs = adrCalls();
    const parts = fake.requests.filter((r) => r.part !== undefined && r.step === DECISIONS.id);
    assert.equal(list.length, 1);
    // Four ADRs beside the summary in three calls.
    assert.equal(adrs.length, 3, adrs.map((r) => r.part).join(' '));
    assert.equal(parts.filter((r) => r.part === 'summary').length, 1);
    // The list comes first: every other part starts after it ended.
    for (const r of parts.filter((x) => x.part !== 'decisions'))
      assert.ok(start(r) >= end(list[0]), `${r.part} started before the decision list ended`);
    // Overlap: some ADR call starts before another one ends.
    const overlapping = adrs.some((j) => adrs.some((k) => k !== j && start(k) >= start(j) && start(k) < end(j)));
    assert.ok(overlapping, adrs.map((r) => `${r.part} ${r.time} +${r.durationMs}`).join('\n'));
    // The bound: at no part's start are more than four parts in flight.
    for (const r of parts) {
      const inFlight = parts.filter((x) => start(x) <= start(r) && start(r) < end(x)).length;
      assert.ok(inFlight <= 4, `${inFlight} parts in flight when ${r.part} started`);
    }
    // Each part reads the step's shared prefix (task included) from the cache the list wrote.
    for (const r of parts.filter((x) => x.part !== 'decisions')) {
      assert.ok((r.usage?.cache_read_input_tokens ?? 0) > 0, `${r.part} read nothing from the cache`);
      assert.equal(r.usage?.cache_creation_input_tokens, 0, `${r.part} wrote to the cache`);
    }
    // The hosts are told how far the parts are.
    const progress = events.flatMap((e) => (e.type === 'step-progress' && e.step === DECISIONS.id ? [e.text] : []));
    assert.equal(progress[0], 'listing the decisions');
    const total = adrs.flatMap((r) => r.part!.slice('adrs:'.length).split(',')).length;
    assert.equal(progress.at(-1), `${total}/${total} ADRs`);
    // The live text is the summary, then the records, as a single call streams them.
    const live = events.flatMap((e) => (e.type === 'step-text' && e.step === DECISIONS.id ? [e.text] : [])).join('');
    assert.match(live, /^# Executive Summary/);
    assert.match(live, /## Decisions Needed[\s\S]*```archflow-adrs\n[\s\S]*\n```\n$/);
    assert.doesNotMatch(live, /archflow-decisions/);
    // It counts up, one ADR at a time as their records close in the streams.
    const counts = progress.slice(1).map((p) => Number(p.split('/')[0]));
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
    );
    assert.ok(new Set(counts).size > 2, progress.join(' | '));
  });

  test('writes the bundle the single call writes: the same files, ids, keys and text', async () => {
    const single = await workspace();
    assert.deepEqual((await design(single, { partConcurrency: 0 })).failed, []);
    assert.equal(fake.requests.filter((r) => r.part !== undefined).length, 0, 'the single calls sent parts');
    fake.reset();
    const inParts = await workspace();
    assert.deepEqual((await design(inParts)).failed, []);
    assert.ok(adrCalls().length > 0);
    const a = await bundle(single.out);
    const b = await bundle(inParts.out);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [file, text] of a) assert.equal(b.get(file), text, `${file} differs`);
    const stateOf = async (out: string): Promise<unknown> =>
      parseState(await fs.readFile(path.join(out, LAYOUT.state), 'utf8')).adrs;
    assert.deepEqual(await stateOf(inParts.out), await stateOf(single.out));
  });

  test('a failed ADR call is retried alone, and a malformed one repaired alone', async () => {
    fake.setFaults([
      { kind: 'status', status: 500, step: DECISIONS.id, part: 'adr:async-processing', times: 1 },
      { kind: 'malformed', step: DECISIONS.id, part: 'adr:primary-data-store', times: 1 },
    ]);
    assert.deepEqual((await design(await workspace())).failed, []);
    const groupOf = (key: string): RecordedRequest[] =>
      adrCalls().filter((r) => r.part!.slice('adrs:'.length).split(',').includes(key));
    const failed = groupOf('async-processing');
    const malformed = groupOf('primary-data-store');
    assert.notEqual(failed[0].part, malformed[0].part, 'the two faults hit one group');
    assert.deepEqual(
      failed.map((r) => [r.status, r.repair]),
      [
        [500, false],
        [200, false],
      ],
    );
    assert.deepEqual(
      malformed.map((r) => [r.fault ?? null, r.repair]),
      [
        ['malformed', false],
        [null, true],
      ],
    );
    const others = adrCalls().filter((r) => r.part !== failed[0].part && r.part !== malformed[0].part);
    assert.ok(others.length > 0);
    for (const r of others) assert.equal(adrCalls().filter((x) => x.part === r.part).length, 1, `${r.part} sent again`);
    assert.equal(fake.requests.filter((r) => r.part === 'decisions').length, 1);
    assert.equal(fake.requests.filter((r) => r.part === 'summary').length, 1);
  });

  test('an ADR that cannot be produced fails the step, and nothing of the step is written', async () => {
    const w = await workspace();
    fake.setFaults([{ kind: 'status', status: 500, step: DECISIONS.id, part: 'adr:async-processing' }]);
    const summary = await design(w);
    assert.deepEqual(
      summary.failed.map((f) => f.step),
      [DECISIONS.id],
    );
    assert.match(summary.failed[0].message, /500/);
    const files = await listFiles(w.out);
    assert.ok(!files.includes(DECISIONS.document), `${DECISIONS.document} was written`);
    assert.deepEqual(
      files.filter((f) => f.startsWith(`${LAYOUT.adrDir}/`)),
      [],
      'an ADR file was written',
    );
    const state = parseState(await fs.readFile(path.join(w.out, LAYOUT.state), 'utf8'));
    assert.equal(state.steps[DECISIONS.id]?.status, 'failed');
    assert.deepEqual(state.adrs, []);
    // The other parts were stopped or finished; none was left streaming.
    assert.ok(fake.requests.every((r) => r.outcome !== 'in-progress'));
  });

  test('a cancel while the parts run stops them all, and nothing of the step is written', async () => {
    const w = await workspace();
    onEvent = (e, controller) => {
      if (e.type === 'step-progress' && /^0\/\d+ ADRs$/.test(e.text)) controller.abort();
    };
    const summary = await design(w);
    assert.equal(summary.cancelled, true);
    assert.ok(!summary.done.includes(DECISIONS.id));
    const files = await listFiles(w.out);
    assert.ok(!files.includes(DECISIONS.document));
    assert.deepEqual(
      files.filter((f) => f.startsWith(`${LAYOUT.adrDir}/`)),
      [],
    );
    assert.ok(fake.requests.every((r) => r.outcome !== 'in-progress'));
  });

  test('a revision of the decision step stays one call', async () => {
    const w = await workspace();
    assert.deepEqual((await design(w)).failed, []);
    await fs.appendFile(w.prd, '\n- Reports can be exported as CSV.\n');
    fake.reset();
    const summary = await design(w);
    assert.deepEqual(summary.failed, []);
    assert.ok(summary.done.includes(DECISIONS.id));
    const step8 = fake.requests.filter((r) => r.step === DECISIONS.id);
    assert.equal(step8.length, 1);
    assert.equal(step8[0].part, undefined);
  });
});
