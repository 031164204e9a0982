import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ArtifactStore, UnsafePathError, checkRelativePath } from '../../src/core/store';

async function tempStore(): Promise<{ root: string; store: ArtifactStore }> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-store-'));
  const root = path.join(base, 'out');
  return { root, store: new ArtifactStore(root) };
}

test('paths that leave the folder are refused', () => {
  for (const bad of ['../x.md', 'a/../../x.md', '/etc/passwd', 'C:\\x.md', 'a//b.md', './a.md', '', 'a\0b']) {
    assert.throws(() => checkRelativePath(bad), UnsafePathError, bad);
  }
  assert.equal(checkRelativePath('adr/0001-x.md'), 'adr/0001-x.md');
});

test('write is atomic and leaves no temporary file', async () => {
  const { root, store } = await tempStore();
  await store.write('adr/0001-a.md', 'one');
  await store.write('adr/0001-a.md', 'two');
  assert.equal(await store.read('adr/0001-a.md'), 'two');
  assert.deepEqual(await fs.readdir(path.join(root, 'adr')), ['0001-a.md']);
});

test('a symlinked folder pointing outside the root is refused', async () => {
  const { root, store } = await tempStore();
  const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-outside-'));
  await fs.mkdir(root, { recursive: true });
  await fs.symlink(outside, path.join(root, 'adr'));
  await assert.rejects(store.write('adr/0001-a.md', 'x'), UnsafePathError);
  assert.deepEqual(await fs.readdir(outside), []);
});

test('a symlinked file is not written through', async () => {
  const { root, store } = await tempStore();
  const outside = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-outside-')), 'target.md');
  await fs.writeFile(outside, 'precious');
  await fs.mkdir(root, { recursive: true });
  await fs.symlink(outside, path.join(root, 'ARCHITECTURE.md'));
  await assert.rejects(store.write('ARCHITECTURE.md', 'x'), UnsafePathError);
  assert.equal(await fs.readFile(outside, 'utf8'), 'precious');
});

test('read of a missing file is undefined, list of a missing folder is empty', async () => {
  const { store } = await tempStore();
  assert.equal(await store.read('nope.md'), undefined);
  assert.deepEqual(await store.list('adr'), []);
});
