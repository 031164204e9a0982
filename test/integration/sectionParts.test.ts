/**
 * Steps written in section groups (docs/adr/0017-steps-written-in-section-groups.md) against the
 * fake Anthropic server and the real SDK: the outline first, then a step's group calls overlapping
 * and reading its prefix from the cache; the bundle is the one the single calls write, file by
 * file; a malformed group is repaired alone; a group that cannot be produced fails its step with
 * nothing of it written; a revision stays one call.
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
import { LAYOUT, STEPS, stepById } from '../../src/core/steps';
import { type FakeAnthropic, type RecordedRequest, startFakeAnthropic } from '../fake-anthropic/server';
import { listFiles, prdWorkspace } from '../helpers/cli';
import { FAST_RETRY } from '../helpers/engineHarness';
import { promptsDir } from '../helpers/paths';

const DATA = stepById(4);

let fake: FakeAnthropic;
before(async () => {
  // Answers streamed in small paced deltas, so that calls last long enough to be seen overlapping.
  fake = await startFakeAnthropic({ port: 0, chunkSize: 40, chunkDelayMs: 2, latencyMs: 5 });
});
after(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.reset();
});

const workspace = (): ReturnType<typeof prdWorkspace> => prdWorkspace('archflow-sections-');

async function design(
  w: { out: string; prd: string },
  settings: { partConcurrency?: number } = {},
  events: EngineEvent[] = [],
): Promise<RunSummary> {
  const engine = createWorkflow({
    outputDir: w.out,
    prdPath: w.prd,
    connection: { provider: 'anthropic', apiKey: 'sk-ant-test-key', baseURL: fake.url },
    prompts: { builtinDir: promptsDir },
    settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency: 2, ...settings },
    retry: { ...FAST_RETRY, idleTimeoutMs: 10_000 },
    resolveConflict: async () => 'overwrite',
    log: silentLogger,
  });
  return engine.run({ steps: 'all', signal: new AbortController().signal, onEvent: (e) => events.push(e) });
}

const start = (r: RecordedRequest): number => Date.parse(r.time);
const end = (r: RecordedRequest): number => start(r) + (r.durationMs ?? 0);
const groupCalls = (step: number): RecordedRequest[] =>
  fake.requests.filter((r) => r.step === step && r.part?.startsWith('sections:'));

/** The files of an output folder with their text, but the run's own bookkeeping. */
async function bundle(out: string): Promise<Map<string, string>> {
  const files = (await listFiles(out)).filter((f) => f !== LAYOUT.state && !f.startsWith('.archflow/'));
  return new Map(await Promise.all(files.map(async (f) => [f, await fs.readFile(path.join(out, f), 'utf8')] as const)));
}

describe('steps written in section groups', () => {
  test('writes the bundle the single calls write: the same files, ids and text', async () => {
    const single = await workspace();
    assert.deepEqual((await design(single, { partConcurrency: 0 })).failed, []);
    assert.equal(fake.requests.filter((r) => r.part !== undefined).length, 0, 'the single calls sent parts');
    fake.reset();
    const inParts = await workspace();
    assert.deepEqual((await design(inParts)).failed, []);
    for (const s of STEPS.filter((x) => x.sectionGroups))
      assert.equal(groupCalls(s.id).length, s.sectionGroups!.length, `step ${s.id}'s groups`);
    const a = await bundle(single.out);
    const b = await bundle(inParts.out);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [file, text] of a) assert.equal(b.get(file), text, `${file} differs`);
    const registerOf = async (out: string): Promise<unknown> => {
      const s = parseState(await fs.readFile(path.join(out, LAYOUT.state), 'utf8'));
      return { adrs: s.adrs, done: Object.values(s.steps).map((x) => x?.status) };
    };
    assert.deepEqual(await registerOf(inParts.out), await registerOf(single.out));
  });

  test('the outline comes first; then the groups overlap, read the cached prefix, and report progress', async () => {
    const events: EngineEvent[] = [];
    assert.deepEqual((await design(await workspace(), {}, events)).failed, []);
    const outline = fake.requests.filter((r) => r.step === DATA.id && r.part === 'outline');
    assert.equal(outline.length, 1);
    const groups = groupCalls(DATA.id);
    assert.equal(groups.length, 3);
    for (const g of groups) {
      assert.ok(start(g) >= end(outline[0]) - 5, `${g.part} started before the outline ended`);
      assert.ok((g.usage?.cache_read_input_tokens ?? 0) > 0, `${g.part} read no cache`);
    }
    const overlap = groups.some((g) => groups.some((h) => g !== h && start(h) < end(g) && start(g) < end(h)));
    assert.ok(overlap, 'no two group calls ran at the same time');
    const progress = events.flatMap((e) => (e.type === 'step-progress' && e.step === DATA.id ? [e.text] : []));
    assert.equal(progress[0], 'writing the outline');
    assert.equal(progress.at(-1), `${DATA.sections.length}/${DATA.sections.length} sections`);
  });

  test('a malformed group is repaired alone; a failed call retried alone', async () => {
    fake.setFaults([
      { kind: 'malformed', step: DATA.id, part: 'section:Data Flows', times: 1 },
      { kind: 'status', status: 500, step: DATA.id, part: 'section:Migration Plan', times: 1 },
    ]);
    assert.deepEqual((await design(await workspace())).failed, []);
    const byPart = (title: string): RecordedRequest[] => groupCalls(DATA.id).filter((r) => r.part!.includes(title));
    assert.deepEqual(
      byPart('Data Flows').map((r) => [r.fault ?? null, r.repair]),
      [
        ['malformed', false],
        [null, true],
      ],
    );
    assert.deepEqual(
      byPart('Migration Plan').map((r) => [r.status, r.repair]),
      [
        [500, false],
        [200, false],
      ],
    );
    assert.equal(byPart('Data Model').length, 1, 'the first group was sent again');
    assert.equal(fake.requests.filter((r) => r.step === DATA.id && r.part === 'outline').length, 1);
  });

  test('a malformed outline is repaired before any group is sent', async () => {
    fake.setFaults([{ kind: 'malformed', step: DATA.id, part: 'outline', times: 1 }]);
    assert.deepEqual((await design(await workspace())).failed, []);
    const outline = fake.requests.filter((r) => r.step === DATA.id && r.part === 'outline');
    assert.deepEqual(
      outline.map((r) => r.repair),
      [false, true],
    );
    for (const g of groupCalls(DATA.id)) assert.ok(start(g) >= end(outline[1]) - 5);
  });

  test('a group that cannot be produced fails the step; nothing of it is written, nothing after it runs', async () => {
    const w = await workspace();
    fake.setFaults([{ kind: 'malformed', step: DATA.id, part: 'section:Data Flows' }]);
    const summary = await design(w);
    assert.deepEqual(
      summary.failed.map((f) => f.step),
      [DATA.id],
    );
    assert.match(summary.failed[0].message, /sections "Storage Choices", "Data Flows"/);
    const files = await listFiles(w.out);
    assert.ok(!files.includes(DATA.document), `${DATA.document} was written`);
    const state = parseState(await fs.readFile(path.join(w.out, LAYOUT.state), 'utf8'));
    assert.equal(state.steps[DATA.id]?.status, 'failed');
    assert.ok(!summary.done.includes(5));
    assert.ok(fake.requests.every((r) => r.outcome !== 'in-progress'));
  });

  test('a revision stays one call; concurrency 1 and partConcurrency 0 write every step in one call', async () => {
    const w = await workspace();
    assert.deepEqual((await design(w)).failed, []);
    await fs.appendFile(w.prd, '\n- Reports can be exported as CSV.\n');
    fake.reset();
    const summary = await design(w);
    assert.deepEqual(summary.failed, []);
    const revised = fake.requests.filter((r) => r.step === stepById(1).id);
    assert.equal(revised.length, 1);
    assert.equal(revised[0].part, undefined);
    fake.reset();
    const one = await workspace();
    const engine = createWorkflow({
      outputDir: one.out,
      prdPath: one.prd,
      connection: { provider: 'anthropic', apiKey: 'sk-ant-test-key', baseURL: fake.url },
      prompts: { builtinDir: promptsDir },
      settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency: 1, partConcurrency: 4 },
      retry: { ...FAST_RETRY, idleTimeoutMs: 10_000 },
      resolveConflict: async () => 'overwrite',
      log: silentLogger,
    });
    const r = await engine.run({ steps: 'all', signal: new AbortController().signal });
    assert.deepEqual(r.failed, []);
    assert.equal(fake.requests.filter((x) => x.part !== undefined).length, 0);
  });
});
