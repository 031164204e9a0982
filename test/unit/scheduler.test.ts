import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDag } from '../../src/core/scheduler';
import { STEPS, type StepId } from '../../src/core/steps';

const stepTasks = STEPS.map((s) => ({ id: s.id, needs: s.needs }));

/**
 * A graph with independent tasks: SPEC §2's, where 4 and 5, and 6 and 7, need the same steps. The
 * step table now orders them (docs/adr/0006), but the scheduler runs any DAG.
 */
const DIAMOND: { id: StepId; needs: StepId[] }[] = [
  { id: 1, needs: [] },
  { id: 2, needs: [1] },
  { id: 3, needs: [1, 2] },
  { id: 4, needs: [1, 2, 3] },
  { id: 5, needs: [1, 2, 3] },
  { id: 6, needs: [1, 2, 3, 4, 5] },
  { id: 7, needs: [1, 2, 3, 4, 5] },
  { id: 8, needs: [1, 2, 3, 4, 5, 6, 7] },
];

/** Runs a DAG (the step table by default) with tasks that take `ms` each and records start/finish order and overlap. */
async function trace(concurrency: number, fail: StepId[] = [], tasks = stepTasks) {
  const events: string[] = [];
  let active = 0;
  let maxActive = 0;
  const together: StepId[][] = [];
  const activeSet = new Set<StepId>();
  const result = await runDag(tasks, concurrency, async (id) => {
    active++;
    activeSet.add(id);
    maxActive = Math.max(maxActive, active);
    together.push([...activeSet].sort());
    events.push(`start ${id}`);
    await new Promise((r) => setTimeout(r, 10));
    events.push(`end ${id}`);
    active--;
    activeSet.delete(id);
    if (fail.includes(id)) throw new Error(`step ${id} failed`);
  });
  return { events, maxActive, together, result };
}

test('every step starts only after all its needs finished', async () => {
  for (const tasks of [stepTasks, DIAMOND]) {
    const { events } = await trace(4, [], tasks);
    for (const s of tasks) {
      const start = events.indexOf(`start ${s.id}`);
      for (const n of s.needs) assert.ok(events.indexOf(`end ${n}`) < start, `step ${s.id} started before ${n} ended`);
    }
  }
});

test('independent steps run at the same time: 4 with 5, 6 with 7', async () => {
  const { together, maxActive } = await trace(2, [], DIAMOND);
  assert.equal(maxActive, 2);
  assert.ok(
    together.some((g) => g.includes(4) && g.includes(5)),
    'steps 4 and 5 never overlapped',
  );
  assert.ok(
    together.some((g) => g.includes(6) && g.includes(7)),
    'steps 6 and 7 never overlapped',
  );
});

test('concurrency 1 runs strictly one at a time', async () => {
  const { maxActive, result } = await trace(1);
  assert.equal(maxActive, 1);
  assert.deepEqual([...result.done].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a failed step skips its dependents but not independent steps', async () => {
  const { result } = await trace(2, [4], DIAMOND);
  assert.deepEqual(result.failed, [4]);
  assert.ok(result.done.includes(5), 'step 5 does not depend on 4 and must finish');
  assert.deepEqual([...result.skipped].sort(), [6, 7, 8]);
});

test('an aborted signal starts nothing new', async () => {
  const controller = new AbortController();
  const started: number[] = [];
  const result = await runDag(
    stepTasks,
    2,
    async (id) => {
      started.push(id);
      if (id === 2) controller.abort();
      await new Promise((r) => setTimeout(r, 5));
    },
    controller.signal,
  );
  assert.deepEqual(started, [1, 2]);
  assert.deepEqual([...result.skipped].sort(), [3, 4, 5, 6, 7, 8]);
});

test('an unset retry override keeps the default instead of erasing it', async () => {
  const { DEFAULT_RETRY, resolveRetryPolicy } = await import('../../src/core/engine');
  assert.deepEqual(resolveRetryPolicy({ maxAttempts: undefined, baseDelayMs: Number.NaN }), DEFAULT_RETRY);
  assert.equal(resolveRetryPolicy({ maxAttempts: 0 }).maxAttempts, 1);
  assert.equal(resolveRetryPolicy({ baseDelayMs: 5 }).baseDelayMs, 5);
});
