/**
 * Revision mode in the core: the merge of a revision answer into its base, the base built from a
 * hand-edited document, the PRD diff, the request layout, id stability and the review of
 * revisions, driven through the engine with the scripted model.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseRequirementsTable } from '../../src/core/requirements';
import { NO_CHANGES, lineDiff, mergeRevision, revisionBase } from '../../src/core/revision';
import { stepById, stepWithBlock } from '../../src/core/steps';
import { HARNESS_PRD, harness } from '../helpers/engineHarness';

const inventory = stepWithBlock('requirements');
const services = stepById(3);

function doc(sections: [string, string][], title = 'Service Design — Larder'): string {
  return [`# ${title}`, ...sections.map(([h, b]) => `## ${h}\n\n${b}`)].join('\n\n') + '\n';
}

const BASE = doc(services.sections.map((s, i) => [s, `Body ${i} of ${s}.`]));

test('a revision answer replaces only the sections it sends; the rest stay byte for byte', () => {
  const [first, second] = services.sections;
  const merged = mergeRevision(BASE, `## ${second}\n\nNew text.\n`, services);
  assert.deepEqual(merged.errors, []);
  assert.deepEqual(merged.changed, [second]);
  assert.match(merged.text, new RegExp(`## ${second}\\n\\nNew text\\.`));
  assert.match(merged.text, new RegExp(`## ${first}\\n\\nBody 0 of ${first}\\.`));
  assert.equal(merged.text.split('\n## ').length, BASE.split('\n## ').length);
});

test('NO CHANGES keeps the base; an unknown section is an error for the repair round', () => {
  const same = mergeRevision(BASE, `  ${NO_CHANGES}\n`, services);
  assert.equal(same.text, BASE);
  assert.equal(same.unchanged, true);
  const bad = mergeRevision(BASE, '## Appendix\n\nMore.\n', services);
  assert.match(bad.errors.join(' '), /"## Appendix" is not a section of this document/);
  assert.match(mergeRevision(BASE, 'Sure, here is the revision.', services).errors.join(' '), /NO CHANGES/);
});

test('a changed-items block replaces the items it names by id or key, adds new ones and keeps the rest', () => {
  const [first, second] = services.sections;
  const block = (info: string, v: unknown): string => '```' + info + '\n' + JSON.stringify(v) + '\n```';
  const whole = {
    verdict: 'fail',
    findings: [
      { id: 'SEC-1', status: 'open' },
      { id: 'SEC-2', status: 'open' },
    ],
  };
  const base = doc([
    [first, 'One.'],
    [second, `Intro.\n\n${block('archflow-findings', whole)}\n\nAfter.`],
  ]);
  const answer = `## ${second}\n\nIntro, revised.\n\n${block('archflow-findings changed-items', {
    verdict: 'pass',
    findings: [
      { id: 'SEC-2', status: 'mitigated' },
      { id: 'SEC-3', status: 'mitigated' },
    ],
  })}\n\nAfter.\n`;
  const merged = mergeRevision(base, answer, services);
  assert.deepEqual(merged.errors, []);
  assert.deepEqual(merged.changed, [second]);
  const json = JSON.parse(/```archflow-findings\n([\s\S]*?)\n```/.exec(merged.text)![1]) as typeof whole;
  assert.equal(json.verdict, 'pass');
  assert.deepEqual(json.findings, [
    { id: 'SEC-1', status: 'open' },
    { id: 'SEC-2', status: 'mitigated' },
    { id: 'SEC-3', status: 'mitigated' },
  ]);
  assert.doesNotMatch(merged.text, /changed-items/);
  assert.match(merged.text, /Intro, revised\./);
  assert.match(merged.text, new RegExp(`## ${first}\n\nOne\.`));
  // Nothing to merge into, or not JSON: an error the repair round can act on.
  const nothing = mergeRevision(
    base,
    `## ${first}\n\n${block('archflow-findings changed-items', { findings: [] })}\n`,
    services,
  );
  assert.match(nothing.errors.join(' '), /no block of that kind.*send the section with the whole/);
  const broken = mergeRevision(
    base,
    `## ${second}\n\n${'```'}archflow-findings changed-items\n{ nope\n${'```'}\n`,
    services,
  );
  assert.match(broken.errors.join(' '), /not a JSON object/);
});

test('a required section the base lacks is put in its place', () => {
  const [a, b, c] = services.sections;
  const partial = doc([
    [a, 'A.'],
    [c, 'C.'],
  ]);
  const merged = mergeRevision(partial, `## ${b}\n\nB.\n`, services);
  assert.deepEqual(merged.errors, []);
  assert.ok(merged.text.indexOf(`## ${a}`) < merged.text.indexOf(`## ${b}`));
  assert.ok(merged.text.indexOf(`## ${b}`) < merged.text.indexOf(`## ${c}`));
});

test('the base keeps the hand edit of a prose section and the JSON block of a section the user did not touch', () => {
  const answer = doc([
    ['Summary', 'Ours.'],
    ['Requirements', '```archflow-requirements\n{"requirements": []}\n```'],
  ]);
  const written = doc([
    ['Summary', 'Ours.'],
    ['Requirements', '| ID | Title |\n| --- | --- |'],
  ]);
  const edited = written.replace('Ours.', 'Ours, and a line the architect added.');
  const base = revisionBase(edited, { answer, written });
  assert.deepEqual(base.edited, ['Summary']);
  assert.match(base.text, /a line the architect added/);
  assert.match(base.text, /```archflow-requirements/);
  assert.doesNotMatch(base.text, /\| ID \| Title \|/);

  // An edit inside a section with a block: the block stays, the user's version goes with the request.
  const inTable = written.replace('| --- | --- |', '| --- | --- |\n| FR-9 | Added by hand |');
  const b2 = revisionBase(inTable, { answer, written });
  assert.match(b2.text, /```archflow-requirements/);
  assert.equal(b2.editedWithBlocks[0]?.heading, 'Requirements');
  assert.match(b2.editedWithBlocks[0]?.body ?? '', /Added by hand/);
  // Without a kept answer the disk document is the base, and the request says its blocks are rendered.
  assert.equal(revisionBase(edited, undefined).blocksRendered, true);
});

test('the PRD diff of a one-line edit is that line with a little context', () => {
  const after = HARNESS_PRD.replace('at least 500 listings', 'at least 800 listings');
  const diff = lineDiff(HARNESS_PRD, after)!;
  assert.match(diff, /^- .*500 listings/m);
  assert.match(diff, /^\+ .*800 listings/m);
  assert.ok(diff.split('\n').length <= 8, diff);
  assert.equal(lineDiff(HARNESS_PRD, HARNESS_PRD), undefined);
});

test('after a one-line PRD edit each step is revised: request layout, the diff, ids kept, output far smaller', async (t) => {
  const h = await harness(t);
  const first = await h.run('all');
  assert.deepEqual(first.failed, []);
  const ids = parseRequirementsTable((await h.read(inventory.document))!).map((r) => r.id);
  const fullCall = h.llm.callsFor(inventory.id)[0];
  const fullOutput = h.llm.calls.reduce((n, c) => n + c.text.length, 0);
  const callsBefore = h.llm.calls.length;

  await fs.writeFile(h.prdPath, HARNESS_PRD.replace('at least 500 listings', 'at least 800 listings'));
  const second = await h.run('all');
  assert.deepEqual(second.failed, []);
  const revisionCalls = h.llm.calls.slice(callsBefore);
  const call = revisionCalls.find((c) => c.step === inventory.id)!;
  const blocks = call.request.turns[0].content;
  const last = blocks[blocks.length - 1].text;
  // The revision part comes after the task: the prefix is the full run's, so it is read from the cache.
  assert.match(last, new RegExp(`^# Revision of ${inventory.document.replace('.', '\\.')}`));
  assert.match(blocks[blocks.length - 2].text, /^# Task: /);
  const full = fullCall.request.turns[0].content;
  assert.equal(blocks.length, full.length + 1);
  assert.equal(blocks[blocks.length - 2].text, full[full.length - 1].text);
  assert.deepEqual(call.request.system, fullCall.request.system);
  assert.match(last, /<current-document name=/);
  assert.match(last, /```diff\n[\s\S]*- .*500 listings[\s\S]*\+ .*800 listings/);
  assert.match(last, /keep every id/i);
  // Every later step gets the changed upstream documents named.
  for (const c of revisionCalls.filter((c) => c.step !== inventory.id)) {
    assert.match(c.request.turns[0].content.at(-1)!.text, /^# Revision of /);
  }
  assert.deepEqual(
    parseRequirementsTable((await h.read(inventory.document))!).map((r) => r.id),
    ids,
  );
  const revisionOutput = revisionCalls.reduce((n, c) => n + c.text.length, 0);
  assert.ok(revisionOutput < fullOutput / 2, `${revisionOutput} vs ${fullOutput}`);
  assert.ok(second.revised.length + (second.unchanged?.length ?? 0) > 0);
});

test('a revision answer with one section keeps every other section and id; a bad one gets a repair round', async (t) => {
  const h = await harness(t);
  await h.run('all');
  const before = (await h.read(services.document))!;
  // A section without a structured block (the kept answer has the blocks as JSON).
  const kept = JSON.parse((await h.read('.archflow/answers/03-service-architecture.json'))!) as { answer: string };
  const section = [...services.sections]
    .reverse()
    .find((s) => !/```archflow-/.test(kept.answer.split(`## ${s}`)[1]?.split('\n## ')[0] ?? '```archflow-'))!;
  h.llm.on(
    services.id,
    { text: '## Not A Section\n\nNo.\n' },
    { text: `## ${section}\n\nRevised: the API owner is the platform team.\n` },
  );
  const r = await h.engine().run({
    steps: [services.id],
    notes: { [services.id]: [{ id: 'C-1', text: 'Name the owner of the API.' }] },
    signal: new AbortController().signal,
  });
  assert.deepEqual(r.failed, []);
  assert.deepEqual(r.revised, [services.id]);
  assert.deepEqual(r.addressed, ['C-1']);
  const calls = h.llm.callsFor(services.id);
  assert.equal(calls.at(-1)!.repair, true);
  assert.match(calls.at(-2)!.request.turns[0].content.at(-1)!.text, /Name the owner of the API\./);
  const after = (await h.read(services.document))!;
  assert.match(after, /Revised: the API owner is the platform team\./);
  for (const s of services.sections.filter((x) => x !== section)) {
    const body = (text: string): string => text.split(`## ${s}`)[1]?.split('\n## ')[0] ?? '';
    assert.equal(body(after), body(before), s);
  }
});

test('with reviewRevisions a revision is asked about; "beside" writes the proposal next to it and the downstream is not called', async (t) => {
  const h = await harness(t, { reviewRevisions: true, conflict: 'beside' });
  await h.run('all');
  const before = (await h.read(services.document))!;
  const callsBefore = h.llm.calls.length;
  h.llm.on(services.id, { text: `## ${services.sections[0]}\n\nA revised summary.\n` });
  const r = await h.engine().run({
    steps: [services.id],
    downstream: true,
    notes: { [services.id]: [{ id: 'C-2', text: 'Shorten the summary.' }] },
    signal: new AbortController().signal,
  });
  assert.deepEqual(r.failed, []);
  assert.deepEqual(r.revised, []);
  assert.deepEqual(r.addressed, []);
  const asked = h.conflicts.find((c) => c.file === services.document);
  assert.equal(asked?.reason, 'revision');
  assert.equal(asked?.step, services.id);
  assert.equal(asked?.userEdited, false);
  assert.equal(await h.read(services.document), before);
  const beside = await fs.readFile(
    path.join(h.outputDir, services.document.replace(/\.md$/, '.archflow-proposed.md')),
    'utf8',
  );
  assert.match(beside, /A revised summary\./);
  // Its downstream saw no change: none of them was called.
  assert.deepEqual(
    h.llm.calls.slice(callsBefore).map((c) => c.step),
    [services.id],
  );
});
