/**
 * The run lock under contention: many CLI runs (child processes) start at once against a stale
 * lock, many times; exactly one run starts each time, the others are refused with a message that
 * names .archflow.lock, its owner and its age. Stale is what is provably gone: a dead PID, or a
 * live PID whose process started at another time than the one that wrote the lock.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LOCK_FILE, processStartTime } from '../../src/core/runLock';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { FAST_RETRY_ENV, runCli, startCli, tempDir } from '../helpers/cli';
import { samplePrd } from '../helpers/paths';

const RUNS = 5;
const TRIALS = 6;

let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ port: 0 });
});
after(async () => {
  await fake.close();
});

function env(): Record<string, string> {
  return { ANTHROPIC_API_KEY: 'sk-ant-race-key', ANTHROPIC_BASE_URL: fake.url, ...FAST_RETRY_ENV };
}

/** The PID of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

test('many runs at once against a stale lock: exactly one starts, every time', { timeout: 180_000 }, async () => {
  const started = Date.now();
  const results: { trial: number; stale: string; started: number; refused: number }[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const dir = await tempDir('archflow-race-');
    const prd = path.join(dir, 'PRD.md');
    await fs.copyFile(samplePrd('english'), prd);
    const out = path.join(dir, 'out');
    await fs.mkdir(out, { recursive: true });
    // Odd trials: a dead owner; even trials: a live PID (this test's) that is not the writer.
    const reused = trial % 2 === 0;
    const pid = reused ? process.pid : await deadPid();
    const lock = {
      pid,
      host: os.hostname(),
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      token: 'old',
      procStart: reused ? '1' : undefined,
    };
    assert.notEqual(await processStartTime(process.pid), '1');
    await fs.writeFile(path.join(out, LOCK_FILE), JSON.stringify(lock) + '\n');
    // The winner's first request stalls for 4 s, so it holds the lock while the others try.
    fake.reset();
    fake.setFaults([{ kind: 'stall', step: 1, ms: 4000, times: 1 }]);
    const runs = Array.from({ length: RUNS }, () => startCli(['design', prd, '--out', out, '--steps', '1'], env()));
    const done = await Promise.all(runs.map((r) => r.done));
    const startedRuns = done.filter((r) => /archflow: running step 1/.test(r.stderr));
    const refused = done.filter((r) => r.code === 1 && r.stderr.includes(LOCK_FILE));
    assert.equal(
      startedRuns.length,
      1,
      `trial ${trial}: ${startedRuns.length} runs started:\n${done.map((r) => r.stderr).join('\n---\n')}`,
    );
    assert.equal(startedRuns[0]!.code, 0, startedRuns[0]!.stderr);
    assert.equal(refused.length, RUNS - 1, done.map((r) => r.stderr).join('\n---\n'));
    for (const r of refused) {
      assert.match(
        r.stderr,
        /Another Archflow run \(process \d+, started [^,]+, \d+ s ago\) is writing to .*; it holds the lock .*\.archflow\.lock/,
      );
    }
    const left = await fs.readdir(out);
    assert.ok(!left.includes(LOCK_FILE), 'the winner released the lock');
    assert.deepEqual(
      left.filter((n) => n.endsWith('.tmp') || n.endsWith('.takeover')),
      [],
      'no lock candidates or guard left',
    );
    results.push({
      trial,
      stale: reused ? 'PID reused' : 'PID dead',
      started: startedRuns.length,
      refused: refused.length,
    });
    await fs.rm(dir, { recursive: true, force: true });
  }
  console.log(
    `lock race: ${TRIALS} trials × ${RUNS} runs, exactly one started each time (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.table(results);
});

test('a lock whose owner is alive and unverifiable is refused with how to clear it; a live owner is never taken over', async () => {
  fake.reset();
  const dir = await tempDir('archflow-lock-');
  const prd = path.join(dir, 'PRD.md');
  await fs.copyFile(samplePrd('english'), prd);
  const out = path.join(dir, 'out');
  await fs.mkdir(out);
  // A live process of this machine without a recorded start time (an older Archflow's lock): not provably gone.
  await fs.writeFile(
    path.join(out, LOCK_FILE),
    JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date(Date.now() - 120_000).toISOString() }),
  );
  const r = await runCli(['design', prd, '--out', out, '--steps', '1'], env());
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`process ${process.pid}, started .*, 2 min ago`));
  assert.match(r.stderr, /the lock is left over: delete .*\.archflow\.lock and run again/);
  // Another machine's lock cannot be checked: refused, naming the host.
  await fs.writeFile(
    path.join(out, LOCK_FILE),
    JSON.stringify({ pid: 1, host: 'build-agent-7', startedAt: new Date().toISOString(), token: 'x' }),
  );
  const foreign = await runCli(['design', prd, '--out', out, '--steps', '1'], env());
  assert.equal(foreign.code, 1);
  assert.match(
    foreign.stderr,
    /process 1 on build-agent-7.*If no Archflow run is going on on build-agent-7, the lock is left over: delete/,
  );
  assert.equal(fake.requests.length, 0, 'a refused run calls nothing');
  await fs.rm(dir, { recursive: true, force: true });
});
