import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  COMMENTS_FILE,
  CommentStore,
  PREVIOUS_DIR,
  keepPreviousVersion,
  notesOf,
  parseComments,
  reanchor,
  stepOfDocument,
} from '../../src/core/comments';
import { ArtifactStore } from '../../src/core/store';
import { STEPS } from '../../src/core/steps';

async function tempComments(): Promise<{ root: string; store: ArtifactStore; comments: CommentStore }> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-comments-'));
  const root = path.join(base, 'out');
  const store = new ArtifactStore(root);
  let t = Date.parse('2026-12-02T10:00:00Z');
  const comments = new CommentStore(store, () => new Date((t += 1000)));
  return { root, store, comments };
}

const DOC = STEPS[2]!.document;

test('threads persist in comments.json and survive a new store (a reload)', async () => {
  const { root, store, comments } = await tempComments();
  const a = await comments.add({
    file: DOC,
    line: 4,
    lineText: '  The gateway checks tokens.  ',
    author: 'ana',
    body: 'Which tokens?',
  });
  const b = await comments.add({ file: DOC, line: 9, lineText: '## Services', author: 'bo', body: 'Name the owner.' });
  assert.equal(a.id, 'C-1');
  assert.equal(b.id, 'C-2');
  assert.equal(a.quote, 'The gateway checks tokens.');
  await comments.reply('C-1', { author: 'bo', body: 'JWTs from the IdP.' });

  const raw = JSON.parse(await fs.readFile(path.join(root, COMMENTS_FILE), 'utf8'));
  assert.equal(raw.threads.length, 2);
  const again = await new CommentStore(store).load();
  assert.deepEqual(again.problems, []);
  assert.deepEqual(
    again.threads.map((t) => [t.id, t.file, t.line, t.status, t.comments.length]),
    [
      ['C-1', DOC, 4, 'open', 2],
      ['C-2', DOC, 9, 'open', 1],
    ],
  );
  // no temporary files are left beside it
  assert.deepEqual((await fs.readdir(root)).sort(), [COMMENTS_FILE]);
});

test('resolve marks open threads with the proposal; a reply opens it again; ids are never reused', async () => {
  const { comments } = await tempComments();
  await comments.add({ file: DOC, line: 1, lineText: 'x', author: 'a', body: 'one' });
  await comments.add({ file: DOC, line: 2, lineText: 'y', author: 'a', body: 'two' });
  const changed = await comments.resolve(['C-1', 'C-9'], {
    by: 'revision of step 3',
    proposal: '03-service-architecture.proposed.md',
  });
  assert.deepEqual(
    changed.map((t) => t.id),
    ['C-1'],
  );
  let { threads } = await comments.load();
  assert.equal(threads[0]!.status, 'resolved');
  assert.equal(threads[0]!.resolved?.proposal, '03-service-architecture.proposed.md');
  assert.equal(threads[1]!.status, 'open');
  assert.deepEqual(
    notesOf(threads).map((n) => n.id),
    ['C-2'],
  );
  await comments.reply('C-1', { author: 'b', body: 'not yet' });
  ({ threads } = await comments.load());
  assert.equal(threads[0]!.status, 'open');
  assert.equal(threads[0]!.resolved, undefined);
  await comments.remove('C-2');
  const c = await comments.add({ file: DOC, line: 3, lineText: 'z', author: 'a', body: 'three' });
  assert.equal(c.id, 'C-2', 'the highest id left is C-1');
  await assert.rejects(comments.reply('C-7', { author: 'a', body: 'x' }), /no comment thread C-7/);
  await assert.rejects(comments.add({ file: DOC, line: 1, lineText: 'x', author: 'a', body: '   ' }), /empty/);
});

test('a revision keeps the version it replaced; a resolved thread links it, and only inside .archflow/revisions', async () => {
  const { root, store, comments } = await tempComments();
  await comments.add({ file: DOC, line: 1, lineText: 'x', author: 'a', body: 'one' });
  const previous = await keepPreviousVersion(store, DOC, '# Before\n');
  assert.match(previous, new RegExp(`^${PREVIOUS_DIR.replace('.', '\\.')}/03-service-architecture-[0-9a-f]{12}\\.md$`));
  assert.equal(await fs.readFile(path.join(root, previous), 'utf8'), '# Before\n');
  // The same text is kept once; another text gets its own file.
  assert.equal(await keepPreviousVersion(store, DOC, '# Before\n'), previous);
  assert.notEqual(await keepPreviousVersion(store, DOC, '# Other\n'), previous);
  await comments.resolve(['C-1'], { by: 'revision of step 3', previous });
  assert.equal((await comments.load()).threads[0]!.resolved?.previous, previous);
  // A hand-written comments.json cannot make Show the Change open another file of the folder, or one outside it.
  const raw = JSON.parse(await fs.readFile(path.join(root, COMMENTS_FILE), 'utf8'));
  for (const bad of [DOC, '../../etc/passwd', `${PREVIOUS_DIR}/../../x.md`]) {
    raw.threads[0].resolved.previous = bad;
    const parsed = parseComments(JSON.stringify(raw));
    assert.equal(parsed.threads[0]!.resolved?.previous, undefined, bad);
    assert.equal(parsed.threads[0]!.status, 'resolved');
  }
});

test('notes carry the thread, its replies and its anchor', async () => {
  const { comments } = await tempComments();
  await comments.add({ file: DOC, line: 5, lineText: 'Cache: Redis', author: 'ana', body: 'Say why Redis.' });
  await comments.reply('C-1', { author: 'bo', body: 'And its eviction policy.' });
  const [note] = notesOf((await comments.load()).threads);
  assert.deepEqual(note, {
    id: 'C-1',
    file: DOC,
    line: 5,
    quote: 'Cache: Redis',
    author: 'ana',
    text: 'Say why Redis.\nbo: And its eviction policy.',
  });
  assert.equal(stepOfDocument(DOC), STEPS[2]!.id);
  assert.equal(stepOfDocument('ARCHITECTURE.md'), undefined);
});

test('a thread follows its line when lines moved, and stays put when the line is gone', () => {
  const text = ['# T', '', 'new line', 'another', 'The gateway checks tokens.', 'end'].join('\n');
  assert.deepEqual(reanchor({ line: 3, quote: 'The gateway checks tokens.' }, text), {
    line: 5,
    moved: true,
    found: true,
  });
  assert.deepEqual(reanchor({ line: 5, quote: 'The gateway checks tokens.' }, text), {
    line: 5,
    moved: false,
    found: true,
  });
  assert.deepEqual(reanchor({ line: 4, quote: 'deleted text' }, text), { line: 4, moved: false, found: false });
  assert.deepEqual(reanchor({ line: 40, quote: 'deleted text' }, text), { line: 6, moved: false, found: false });
  // the nearest of two equal lines wins
  const twice = ['a', 'dup', 'b', 'c', 'd', 'dup'].join('\n');
  assert.equal(reanchor({ line: 3, quote: 'dup' }, twice).line, 2);
  assert.equal(reanchor({ line: 5, quote: 'dup' }, twice).line, 6);
});

test('reanchorFile writes the moved lines back', async () => {
  const { comments } = await tempComments();
  await comments.add({ file: DOC, line: 2, lineText: 'Keep me', author: 'a', body: 'x' });
  await comments.add({ file: 'other.md', line: 2, lineText: 'Keep me', author: 'a', body: 'y' });
  const moved = await comments.reanchorFile(DOC, 'one\ntwo\nthree\nKeep me\n');
  assert.deepEqual(
    moved.map((t) => [t.id, t.line]),
    [['C-1', 4]],
  );
  const { threads } = await comments.load();
  assert.deepEqual(
    threads.map((t) => t.line),
    [4, 2],
  );
});

test('hostile comments.json: paths that leave the folder are dropped and named, never followed', () => {
  const thread = (file: unknown, extra: Record<string, unknown> = {}) => ({
    id: 'C-1',
    file,
    line: 1,
    quote: 'q',
    status: 'open',
    comments: [{ author: 'a', body: 'b', createdAt: 'now' }],
    ...extra,
  });
  const bad = ['../outside.md', '/etc/passwd.md', 'C:\\x.md', 'a/../../x.md', 'a\0b.md', '', 42, 'notes.txt'];
  for (const file of bad) {
    const { threads, problems } = parseComments(JSON.stringify({ threads: [thread(file)] }));
    assert.deepEqual(threads, [], String(file));
    assert.equal(problems.length, 1, String(file));
    assert.match(problems[0]!, /thread 1 was left out/);
  }
  const proposal = parseComments(
    JSON.stringify({
      threads: [thread('a.md', { status: 'resolved', resolved: { at: 'x', by: 'y', proposal: '../../evil.md' } })],
    }),
  );
  assert.equal(proposal.threads[0]!.resolved?.proposal, undefined, 'a proposal outside the folder is not linked');
  const odd = parseComments(
    JSON.stringify({ threads: [thread('a.md', { id: '../C-1' }), thread('a.md', { line: -3 }), 'x'] }),
  );
  assert.equal(odd.threads.length, 0);
  assert.equal(odd.problems.length, 3);
  assert.match(parseComments('{ nope').problems[0]!, /not valid JSON/);
  assert.match(parseComments('[]').problems[0]!, /no "threads" list/);
  const dup = parseComments(JSON.stringify({ threads: [thread('a.md'), thread('b.md')] }));
  assert.deepEqual(
    dup.threads.map((t) => t.file),
    ['a.md'],
  );
});

test('a damaged comments.json is never overwritten by a change', async () => {
  const { root, comments } = await tempComments();
  await fs.mkdir(root, { recursive: true });
  await fs.writeFile(path.join(root, COMMENTS_FILE), '{ "threads": [ broken');
  await assert.rejects(
    comments.add({ file: DOC, line: 1, lineText: 'x', author: 'a', body: 'b' }),
    /not valid JSON.*Fix or remove comments\.json/,
  );
  assert.equal(await fs.readFile(path.join(root, COMMENTS_FILE), 'utf8'), '{ "threads": [ broken');
  await assert.rejects(comments.add({ file: '../x.md', line: 1, lineText: 'x', author: 'a', body: 'b' }), /Refusing/);
});

test('parallel changes all land', async () => {
  const { comments } = await tempComments();
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      comments.add({ file: DOC, line: i + 1, lineText: `l${i}`, author: 'a', body: `c${i}` }),
    ),
  );
  const { threads } = await comments.load();
  assert.equal(threads.length, 10);
  assert.equal(new Set(threads.map((t) => t.id)).size, 10);
});
