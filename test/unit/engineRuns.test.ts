/**
 * How the engine plans and schedules, in process with the scripted model: staleness after a PRD or
 * upstream edit, prerequisites, and independent steps running at the same time.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { describe, it } from 'node:test';
import { StepError } from '../../src/core/stepError';
import { STEPS, STEP_IDS, type StepId, downstreamOf, stepById, upstreamOf } from '../../src/core/steps';
import type { RecordedCall } from '../helpers/scriptedLlm';
import { harness } from '../helpers/engineHarness';

/** Whether two calls were streaming at the same time. */
function overlapped(a: RecordedCall, b: RecordedCall): boolean {
  return a.startedAt < b.endedAt! && b.startedAt < a.endedAt!;
}

void describe('staleness', () => {
  void it('a PRD edit makes every step stale; a run then calls the model for each, and step 1 sees its previous inventory', async (t) => {
    const h = await harness(t);
    await h.run('all');
    await fs.appendFile(h.prdPath, '\n## 4. New requirement\n\nExport results as CSV.\n');
    const view = await h.view();
    assert.deepEqual(
      view.steps.map((s) => s.status),
      STEP_IDS.map(() => 'stale'),
    );
    assert.match(view.steps[0].reason!, /the PRD changed/);

    h.llm.reset();
    assert.deepEqual((await h.run('all')).done.sort(), [...STEP_IDS]);
    assert.deepEqual(h.llm.calls.map((c) => c.step).sort(), [...STEP_IDS]);
    const step1 = h.llm
      .callsFor(1)[0]
      .request.turns[0].content.map((b) => b.text)
      .join('\n');
    // Revised from its previous inventory (the current document), so cited requirement ids stay.
    assert.ok(step1.includes(`<current-document name="${stepById(1).document}">`), 'previous inventory not sent');
    assert.ok(step1.includes('Export results as CSV.'), 'the edited PRD is sent');
  });

  void it('an upstream edit makes exactly its downstream steps stale, and only they run again', async (t) => {
    const h = await harness(t);
    await h.run('all');
    const edited: StepId = 3;
    await fs.appendFile(h.store.pathOf(stepById(edited).document), '\nAn edit to the service design.\n');
    const stale = downstreamOf(edited);
    const view = await h.view();
    assert.deepEqual(
      view.steps.filter((s) => s.status === 'stale').map((s) => s.id),
      stale,
    );
    assert.match(
      view.steps[stale[0] - 1].reason!,
      new RegExp(`${stepById(edited).document.replace('.', '\\.')} changed`),
    );

    h.llm.reset();
    await h.run('all');
    assert.deepEqual([...new Set(h.llm.calls.map((c) => c.step))].sort(), stale);
    assert.ok((await h.view()).steps.every((s) => s.status === 'done'));
  });

  void it('a run with nothing stale calls the model for nothing', async (t) => {
    const h = await harness(t);
    await h.run('all');
    h.llm.reset();
    const summary = await h.run('all');
    assert.deepEqual(summary.done, []);
    assert.equal(h.llm.calls.length, 0);
  });
});

void describe('prerequisites', () => {
  void it('refuses a step whose prerequisites have not run, unless asked to run them too', async (t) => {
    const h = await harness(t);
    await assert.rejects(h.run([3]), (err: unknown) => {
      assert.ok(err instanceof StepError);
      assert.equal(err.kind, 'prerequisites');
      assert.deepEqual(err.facts.missing, [1, 2]);
      assert.match(err.message, /^Run Step 1 — Context Analysis, Step 2 — High-Level Design first/);
      return true;
    });
    assert.equal(h.llm.calls.length, 0);
    assert.deepEqual((await h.run([3], { withPrerequisites: true })).done, [1, 2, 3]);
  });
});

void describe('concurrency', () => {
  void it('runs independent steps at the same time, each only after its needs', async (t) => {
    const h = await harness(t, { concurrency: 2 });
    for (const s of STEPS) h.llm.on(s.id, { chunkSize: 200, chunkDelayMs: 2 });
    assert.equal((await h.run('all')).done.length, STEPS.length);
    const call = (id: StepId): RecordedCall => h.llm.callsFor(id)[0];
    // The table hands each parallel pair's results over by a dependency (docs/adr/0006); any steps
    // left independent still overlap (the scheduler's own test covers a graph that has some).
    for (const a of STEPS) {
      for (const b of STEPS) {
        if (a.id < b.id && !upstreamOf(b.id).includes(a.id)) {
          assert.ok(overlapped(call(a.id), call(b.id)), `steps ${a.id} and ${b.id} never overlapped`);
        }
      }
    }
    for (const s of STEPS) {
      for (const n of s.needs)
        assert.ok(call(n).endedAt! < call(s.id).startedAt, `step ${s.id} started before ${n} ended`);
    }
  });

  void it('runs one step at a time at concurrency 1', async (t) => {
    const h = await harness(t, { concurrency: 1 });
    for (const s of STEPS) h.llm.on(s.id, { chunkSize: 200, chunkDelayMs: 1 });
    await h.run('all');
    const calls = h.llm.calls;
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i - 1].endedAt! < calls[i].startedAt);
  });
});
