/**
 * What the engine writes, in process with the scripted model: a user's edit is never replaced
 * without asking (overwrite, keep, beside), a failed re-run keeps the previous documents, ADR
 * numbers are stable across re-runs, and the derived files follow the documents.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmError } from '../../src/core/llm/types';
import { LAYOUT, STEP_IDS, stepById, stepWithBlock } from '../../src/core/steps';
import { besideName } from '../../src/core/writer';
import { harness } from '../helpers/engineHarness';

const DOC2 = stepById(2).document;

void describe('a user edit', () => {
  for (const choice of ['overwrite', 'keep', 'beside'] as const) {
    void it(`is replaced only when the user says so (${choice})`, async (t) => {
      const h = await harness(t);
      assert.deepEqual((await h.run([1, 2])).done, [1, 2]);
      const ours = (await h.read(DOC2))!;
      const edited = `${ours}\nA note the architect added by hand.\n`;
      await h.store.write(DOC2, edited);
      h.answerConflicts(choice);
      h.events.length = 0;
      // Written anew (not revised), so the proposal is Archflow's own document without the edit.
      assert.deepEqual((await h.run([2], { fresh: true })).done, [2]);

      // Asked once, about the edited file only: the C4 model it also writes was not edited.
      assert.deepEqual(
        h.conflicts.map((c) => c.file),
        [DOC2],
      );
      assert.equal(h.conflicts[0].current, edited);
      assert.equal(h.conflicts[0].proposed, ours);
      const now = await h.read(DOC2);
      const beside = await h.read(besideName(DOC2));
      const kept = h.events.find((e) => e.type === 'file-kept');
      if (choice === 'overwrite') {
        assert.equal(now, ours);
        assert.equal(beside, undefined);
        assert.equal(kept, undefined);
      } else {
        assert.equal(now, edited);
        assert.equal(beside, choice === 'beside' ? ours : undefined);
        assert.deepEqual(
          kept,
          choice === 'beside'
            ? {
                type: 'file-kept',
                file: DOC2,
                besideFile: besideName(DOC2),
                reason: 'edited',
                step: 2,
                userEdited: true,
              }
            : { type: 'file-kept', file: DOC2, reason: 'edited', step: 2, userEdited: true },
        );
      }
    });
  }

  void it('is recognised after Archflow wrote the file several times (its own versions are not edits)', async (t) => {
    const h = await harness(t);
    await h.run([1]);
    for (let i = 0; i < 3; i++) {
      // Each run writes another answer; none of them is the user's.
      h.llm.on(1, { text: (g) => g.replace(/^(# .*)$/m, `$1 (take ${i})`) });
      assert.deepEqual((await h.run([1], { fresh: true })).done, [1]);
    }
    assert.deepEqual(h.conflicts, []);
    assert.match((await h.read(stepById(1).document))!, /\(take 2\)/);
  });
});

void describe('re-runs', () => {
  void it('keeps the previous documents when a re-run fails, and the steps after it stay done', async (t) => {
    const h = await harness(t);
    assert.equal((await h.run('all')).failed.length, 0);
    const doc1 = await h.read(stepById(1).document);
    const error = (): LlmError => new LlmError('server', { status: 500 });
    h.llm.on(1, { error: error() }, { error: error() }, { error: error() });
    const summary = await h.run([1]);
    assert.deepEqual(summary.done, []);
    assert.equal(await h.read(stepById(1).document), doc1);
    const view = await h.view();
    assert.deepEqual(
      view.steps.map((s) => s.status),
      ['failed', ...STEP_IDS.slice(1).map(() => 'done')],
    );
    assert.match(view.steps[0].reason!, /failed \(500\).*previous run are kept/);
    const record = (await h.state()).steps[1];
    assert.equal(record?.status, 'done', 'the record of the good run stays, with the failure beside it');
    assert.match(record?.lastError ?? '', /failed \(500\)/);
  });

  void it('keeps ADR numbers when the decision step runs again, and numbers a new decision after them', async (t) => {
    const h = await harness(t, { partConcurrency: 4 });
    await h.run('all');
    const decisions = stepWithBlock('adrs');
    const before = (await h.state()).adrs;
    assert.ok(before.length >= 2);
    const files = await h.store.list(LAYOUT.adrDir);

    // The same decisions, listed in reverse and one added: numbers follow keys, not positions. The
    // step's first call settles its decision list (docs/adr/0014-parallel-calls-inside-steps.md).
    h.llm.on(decisions.id, {
      text: (g) =>
        g.replace(/(```archflow-decisions\n)([\s\S]*?)(\n```)/, (_m, open: string, json: string, close: string) => {
          const block = JSON.parse(json) as { decisions: { key: string; title: string }[] };
          const added = { ...block.decisions[0], key: 'export-format', title: 'Export reports as CSV' };
          return `${open}${JSON.stringify({ decisions: [...block.decisions.reverse(), added] })}${close}`;
        }),
    });
    assert.deepEqual((await h.run([decisions.id], { fresh: true })).done, [decisions.id]);
    const request = h.llm.callsFor(decisions.id).at(-1)!.request;
    const task = request.turns[0].content.find((b) => b.text.startsWith('# Task:'))!.text;
    for (const a of before) assert.ok(task.includes(`\`${a.key}\` — ADR ${String(a.number).padStart(4, '0')}`), a.key);

    const after = (await h.state()).adrs;
    for (const a of before)
      assert.deepEqual(
        after.find((x) => x.key === a.key),
        a,
        `${a.key} kept its number and file`,
      );
    const added = after.find((x) => x.key === 'export-format');
    assert.equal(added?.number, Math.max(...before.map((a) => a.number)) + 1);
    const listed = await h.store.list(LAYOUT.adrDir);
    for (const f of files) assert.ok(listed.includes(f), `${f} is still there`);
    assert.ok((await h.read(LAYOUT.adrIndex))!.includes(added!.file.slice(LAYOUT.adrDir.length + 1)));
  });

  void it('rebuilds the derived files from the documents as they are after the run', async (t) => {
    const h = await harness(t);
    await h.run('all');
    for (const f of [LAYOUT.architecture, LAYOUT.adrIndex, LAYOUT.c4Context, LAYOUT.c4Container]) {
      assert.ok((await h.read(f)) !== undefined, `${f} written`);
    }
    const arch = (await h.read(LAYOUT.architecture))!;
    // The step documents of this run are in it, and the exit criteria computed after the ADR index was written.
    assert.ok(arch.includes(`_Source: [${stepById(4).document}]`));
    assert.match(arch, /✅ \*\*ADRs documented\*\*: met/);
  });
});
