/**
 * kill -9 at random points: the CLI runs the whole design in one folder and is killed again and
 * again at random moments. After every kill each file is either as it was before that run or as a
 * complete run writes it (never half written), archflow.json parses; in the end a run finishes,
 * gives the same files as an uninterrupted run, and no temp file is left.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseState } from '../../src/core/state';
import { TEMP_FILE } from '../../src/core/store';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { FAST_RETRY_ENV, listFiles, runCli, startCli, tempDir } from '../helpers/cli';
import { samplePrd } from '../helpers/paths';

const KILLS = 14;

let fake: FakeAnthropic;
before(async () => {
  // Slow enough that a kill lands inside steps, writes and the derived files alike.
  fake = await startFakeAnthropic({ port: 0, chunkDelayMs: 2, chunkSize: 120 });
});
after(async () => {
  await fake.close();
});

function env(): Record<string, string> {
  return { ANTHROPIC_API_KEY: 'sk-ant-crash-key', ANTHROPIC_BASE_URL: fake.url, ...FAST_RETRY_ENV };
}

async function contents(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of await listFiles(dir).catch(() => [])) out.set(rel, await fs.readFile(path.join(dir, rel), 'utf8'));
  return out;
}

/** Files that differ run to run whatever happens (the state's times); the rest must be old or new. */
const VOLATILE = new Set(['archflow.json', '.archflow.lock']);

test(
  'killed at random points many times: every file old or new, the state parses, a re-run finishes clean',
  { timeout: 180_000 },
  async () => {
    const started = Date.now();
    const root = await tempDir('archflow-crash-');
    const prd = path.join(root, 'PRD.md');
    await fs.copyFile(samplePrd('english'), prd);
    // The reference: an uninterrupted run.
    const refOut = path.join(root, 'reference');
    const ref = await runCli(['design', prd, '--out', refOut], env());
    assert.equal(ref.code, 0, ref.stderr);
    const refDuration = Date.now() - started;
    const reference = await contents(refOut);

    const out = path.join(root, 'out');
    const kills: { at: number; files: number; temps: number }[] = [];
    for (let i = 0; i < KILLS; i++) {
      const before = await contents(out);
      const run = startCli(['design', prd, '--out', out], env());
      const at = Math.floor(150 + Math.random() * Math.max(300, refDuration * 0.9));
      await new Promise((r) => setTimeout(r, at));
      run.child.kill('SIGKILL');
      await run.done;
      const now = await contents(out);
      const temps = [...now.keys()].filter((rel) => TEMP_FILE.test(path.posix.basename(rel)));
      for (const [rel, text] of now) {
        if (VOLATILE.has(rel) || temps.includes(rel)) continue;
        const ok = text === before.get(rel) || text === reference.get(rel);
        assert.ok(ok, `after the kill at ${at} ms, ${rel} is neither its old nor its new content`);
      }
      if (now.has('archflow.json'))
        assert.doesNotThrow(() => parseState(now.get('archflow.json')!), 'archflow.json parses');
      kills.push({ at, files: now.size, temps: temps.length });
    }
    const final = await runCli(['design', prd, '--out', out], env());
    assert.equal(final.code, 0, final.stderr);
    const result = await contents(out);
    const temps = [...result.keys()].filter(
      (rel) => TEMP_FILE.test(path.posix.basename(rel)) || rel === '.archflow.lock',
    );
    assert.deepEqual(temps, [], 'no temp file and no lock left');
    assert.deepEqual(
      [...result.keys()].filter((k) => !VOLATILE.has(k)).sort(),
      [...reference.keys()].filter((k) => !VOLATILE.has(k)).sort(),
      'the same files as an uninterrupted run',
    );
    for (const [rel, text] of reference)
      if (!VOLATILE.has(rel)) assert.equal(result.get(rel), text, `${rel} as an uninterrupted run writes it`);
    console.log(
      `crash test: ${KILLS} kills (reference run ${refDuration} ms; temp files left by kills: ${kills.reduce((n, k) => n + k.temps, 0)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  },
);
