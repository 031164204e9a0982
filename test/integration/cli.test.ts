/**
 * The CLI end to end against the fake Anthropic server, through the real SDK: the project's sample
 * PRDs (English, German, Korean) and, when ../shared is beside the repository, the real PRDs; failures (401, 429, 529, dropped streams, malformed output, max_tokens), cancel, resume,
 * hand edits and staleness.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readWorkflowView } from '../../src/core/engine';
import { parseState } from '../../src/core/state';
import { adrFileName } from '../../src/core/adr/slug';
import { STEPS, STEP_IDS, upstreamOf } from '../../src/core/steps';
import { fakeServerPerFile } from '../helpers/fakePerFile';
import { assertFullBundle } from '../helpers/bundleChecks';
import { listFiles, runCli, startCli, tempDir } from '../helpers/cli';
import { samplePrd } from '../helpers/paths';
import { sharedFolder } from '../helpers/shared';
import { STEP_DOCS } from '../helpers/layout';

const fakes = fakeServerPerFile();
const env = fakes.env;

const realPrds = sharedFolder('prds');

/** A workspace holding a copy of a PRD (a path), so runs never touch the original. */
async function workspace(prd = samplePrd('english')): Promise<{ dir: string; prd: string; out: string }> {
  const dir = await tempDir('archflow-ws-');
  const target = path.join(dir, 'PRD.md');
  await fs.copyFile(prd, target);
  return { dir, prd: target, out: path.join(dir, 'docs', 'architecture') };
}

function design(ws: { prd: string; out: string }, ...args: string[]) {
  return runCli(['design', ws.prd, '--out', ws.out, ...args], env());
}

/** Designs a PRD end to end: every file, status, check, approval, and a second run that calls nothing. */
async function designsCompletely(prd: string): Promise<void> {
  const ws = await workspace(prd);
  const r = await design(ws);
  assert.equal(r.code, 0, r.stderr);
  await assertFullBundle(ws.out);
  assert.match(r.stderr, /Step 8 — Architecture Decision Records/);
  assert.doesNotMatch(r.stderr + r.stdout, /sk-ant-test-key/);

  const status = await runCli(['status', ws.out], env());
  assert.equal(status.code, 0, status.stdout);
  assert.equal((status.stdout.match(/^done /gm) ?? []).length, 8);

  // Done looks like this: four criteria met by the design itself, the fifth by an approval.
  const check = await runCli(['check', ws.out], env());
  assert.equal(check.code, 1, check.stdout);
  assert.deepEqual(check.stdout.match(/^✖.*$/gm), ['✖ not met  Stakeholder approval obtained']);
  const approve = await runCli(['approve', ws.out, '--name', 'Jane Doe', '--role', 'CTO'], env());
  assert.equal(approve.code, 0, approve.stderr);
  const approved = await runCli(['check', ws.out, '--json'], env());
  assert.equal(approved.code, 0, approved.stdout);
  assert.equal((JSON.parse(approved.stdout) as { allMet: boolean }).allMet, true);

  // Nothing is stale: a second run calls the model for nothing.
  const before = fakes.server.requests.length;
  const again = await design(ws);
  assert.equal(again.code, 0);
  assert.equal(fakes.server.requests.length, before);
}

describe('CLI on the sample PRDs', () => {
  for (const language of ['english', 'german', 'korean'] as const) {
    test(`design the ${language} sample writes every file of the layout`, () => designsCompletely(samplePrd(language)));
  }
  test('ADR files are named from the key when the title would lose its meaning (Korean), from the title otherwise (German)', async () => {
    for (const [language, script] of [
      ['korean', /\p{Script=Hangul}/u],
      ['german', /[äöüß]/],
    ] as const) {
      const ws = await workspace(samplePrd(language));
      assert.equal((await design(ws)).code, 0);
      const files = (await listFiles(path.join(ws.out, 'adr'))).filter((f) => f !== 'README.md');
      assert.ok(files.length >= 3);
      let checked = 0;
      for (const file of files) {
        const text = await fs.readFile(path.join(ws.out, 'adr', file), 'utf8');
        const title = /^title: (".*")$/m.exec(text)![1];
        const key = /^archflow-key: (.*)$/m.exec(text)![1];
        const decoded = JSON.parse(title) as string;
        assert.equal(file, path.basename(adrFileName(Number(file.slice(0, 4)), decoded, key)));
        if (language === 'korean' && script.test(decoded)) {
          assert.equal(file.slice(5), `${key}.md`, `${file}: a Hangul title takes its key`);
          checked++;
        }
        if (language === 'german') {
          assert.notEqual(file.slice(5), `${key}.md`, `${file}: a Latin title keeps its words`);
          checked++;
        }
      }
      assert.ok(checked > 0, `no ${language} title was checked`);
    }
  });

  test('the cache serves the shared context of later steps', async () => {
    const ws = await workspace();
    assert.equal((await design(ws)).code, 0);
    const state = parseState(await fs.readFile(path.join(ws.out, 'archflow.json'), 'utf8'));
    const reads = Object.values(state.steps).reduce((n, s) => n + (s?.usage?.cacheRead ?? 0), 0);
    assert.ok(reads > 0, 'no cache read recorded across the run');
  });
});

describe('CLI on real PRDs (../shared/prds)', () => {
  for (const prd of ['better-pwa.md', 'sokudo-excerpt.md']) {
    test(`design ${prd} writes every file of the layout`, { skip: realPrds.skip }, () =>
      designsCompletely(path.join(realPrds.dir, prd)),
    );
  }
});

describe('API failures', () => {
  test('a rejected key names the API key and the remedy', async () => {
    const ws = await workspace();
    const r = await runCli(['design', ws.prd, '--out', ws.out], env({ ANTHROPIC_API_KEY: 'bad-key' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rejected the API key \(401\).*Set API Key/s);
    assert.doesNotMatch(r.stderr, /bad-key/);
    assert.equal(fakes.server.requests.length, 1, 'a 401 must not be retried');
  });

  test('a missing key is a clear error before any request', async () => {
    const ws = await workspace();
    const r = await runCli(['design', ws.prd, '--out', ws.out], env({ ANTHROPIC_API_KEY: '' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ANTHROPIC_API_KEY is not set/);
    assert.equal(fakes.server.requests.length, 0);
  });

  test('429 is retried a bounded number of times, then fails clearly', async () => {
    const ws = await workspace();
    fakes.server.setFaults([{ step: 1, kind: 'status', status: 429, retryAfter: 0 }]);
    const r = await design(ws);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rate limit.*\(gave up after 3 attempts\)/s);
    assert.equal(fakes.server.requests.filter((q) => q.step === 1).length, 3);
    assert.equal(fakes.server.requests.filter((q) => q.step === 2).length, 0, 'step 2 must not run without step 1');
  });

  test('529 overloaded is retried and the run then succeeds', async () => {
    const ws = await workspace();
    fakes.server.setFaults([{ step: 2, kind: 'status', status: 529, times: 2 }]);
    // One call a step, so the step's requests are its attempts (parts: sectionParts.test.ts).
    const r = await design(ws, '--part-concurrency', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /overloaded/);
    assert.equal(fakes.server.requests.filter((q) => q.step === 2).length, 3);
    await assertFullBundle(ws.out);
  });

  test('a stream dropped mid-step fails that step, keeps finished steps, and the next run resumes', async () => {
    const ws = await workspace();
    fakes.server.setFaults([{ step: 4, kind: 'cut', afterChars: 200 }]);
    const r = await design(ws, '--concurrency', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Step 4 — Data Architecture: .*(closed before the answer was complete|stream)/);
    const files = await listFiles(ws.out);
    // Every step that does not wait for step 4 finished (the steps before it; the table orders the rest after it).
    const independent = STEPS.filter((s) => s.id !== 4 && !upstreamOf(s.id).includes(4));
    assert.ok(independent.length >= 3);
    for (const s of independent) assert.ok(files.includes(s.document), `${s.document} lost`);
    assert.ok(!files.includes(STEP_DOCS[3]), 'a partial step-4 document was written');
    const kept = await fs.readFile(path.join(ws.out, STEP_DOCS[2]), 'utf8');

    fakes.server.clearFaults();
    fakes.server.reset();
    const resumed = await design(ws);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      [...new Set(fakes.server.requests.map((q) => q.step))].sort(),
      STEP_IDS.filter((id) => !independent.some((s) => s.id === id)),
    );
    assert.equal(await fs.readFile(path.join(ws.out, STEP_DOCS[2]), 'utf8'), kept);
    await assertFullBundle(ws.out);
  });

  test('output cut off by max_tokens names the setting to raise', async () => {
    const ws = await workspace();
    fakes.server.setFaults([{ step: 1, kind: 'max-tokens' }]);
    const r = await design(ws);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cut off at the output limit.*archflow\.maxTokens/s);
    assert.equal(fakes.server.requests.length, 1, 'a truncated answer is not retried');
  });

  test('malformed output gets one repair round', async () => {
    const ws = await workspace();
    fakes.server.setFaults([{ step: 2, kind: 'malformed', times: 1 }]);
    const ok = await design(ws, '--steps', '1,2', '--part-concurrency', '0');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /asking the agent to repair/);
    const repair = fakes.server.requests.filter((q) => q.step === 2);
    assert.equal(repair.length, 2);

    fakes.server.reset();
    fakes.server.setFaults([{ step: 3, kind: 'malformed', times: 2 }]);
    const bad = await design(ws, '--steps', '3', '--part-concurrency', '0');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /did not follow the required format, even after one repair round: .*(missing|JSON)/);
    assert.equal(fakes.server.requests.length, 2, 'exactly one repair round');
  });
});

describe('cancel, edits and staleness', () => {
  test('a cancel stops the request at once and leaves no partial file', async () => {
    const ws = await workspace();
    fakes.server.setFaults([{ step: 3, kind: 'stall', ms: 60_000 }]);
    const run = startCli(['design', ws.prd, '--out', ws.out], env());
    const deadline = Date.now() + 20_000;
    while (!fakes.server.requests.some((q) => q.step === 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const step2 = await fs.readFile(path.join(ws.out, STEP_DOCS[1]), 'utf8');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    const files = await listFiles(ws.out);
    assert.ok(!files.includes(STEP_DOCS[2]), 'a partial step-3 document was written');
    assert.ok(!files.some((f) => f.endsWith('.tmp')));
    assert.equal(await fs.readFile(path.join(ws.out, STEP_DOCS[1]), 'utf8'), step2);
    const state = parseState(await fs.readFile(path.join(ws.out, 'archflow.json'), 'utf8'));
    assert.equal(state.steps[2]?.status, 'done');
    assert.equal(state.steps[3], undefined);
  });

  test('a crash mid-run (SIGKILL) leaves consistent files, and the next run resumes', async () => {
    const ws = await workspace(samplePrd('german'));
    fakes.server.setFaults([{ step: 3, kind: 'stall', ms: 60_000 }]);
    const run = startCli(['design', ws.prd, '--out', ws.out], env());
    const deadline = Date.now() + 20_000;
    while (!fakes.server.requests.some((q) => q.step === 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGKILL');
    await run.done;
    const files = await listFiles(ws.out);
    assert.ok(!files.includes(STEP_DOCS[2]));
    assert.ok(!files.some((f) => f.endsWith('.tmp')), 'a temporary file was left behind');
    parseState(await fs.readFile(path.join(ws.out, 'archflow.json'), 'utf8'));

    fakes.server.clearFaults();
    fakes.server.reset();
    const resumed = await design(ws);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual([...new Set(fakes.server.requests.map((q) => q.step))].sort(), [3, 4, 5, 6, 7, 8]);
    await assertFullBundle(ws.out);
  });

  test('a second run on the same folder is refused while the first one runs', async () => {
    const ws = await workspace(samplePrd('german'));
    fakes.server.setFaults([{ step: 1, kind: 'stall', ms: 60_000 }]);
    const first = startCli(['design', ws.prd, '--out', ws.out], env());
    const deadline = Date.now() + 20_000;
    while (!fakes.server.requests.some((q) => q.step === 1) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const second = await design(ws);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /Another Archflow run \(process \d+, started .*\) is writing to/);
    assert.equal(fakes.server.requests.length, 1, 'the second run must not call the model');
    first.child.kill('SIGINT');
    assert.equal((await first.done).code, 130);
    assert.ok(!(await listFiles(ws.out)).includes('.archflow.lock'), 'the lock is released');
  });

  test('a hand-edited output is not overwritten; the revision, built on the edit, is written beside it', async () => {
    const ws = await workspace(samplePrd('german'));
    assert.equal((await design(ws)).code, 0);
    const doc = path.join(ws.out, STEP_DOCS[1]);
    const text = await fs.readFile(doc, 'utf8');
    const edited = text.replace(/^## Summary\n/m, '## Summary\n\nA note the architect added by hand.\n');
    assert.notEqual(edited, text);
    await fs.writeFile(doc, edited);
    // Re-running with nothing changed but the edit: the edit is the base, nothing to replace.
    const same = await design(ws, '--steps', '2');
    assert.equal(same.code, 0, same.stderr);
    assert.equal(await fs.readFile(doc, 'utf8'), edited);
    // A revision that changes the document goes beside it, and keeps the edit it was built on.
    const r = await runCli(['revise', ws.out, '--step', '2', '--comment', 'Name the hosting region.'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await fs.readFile(doc, 'utf8'), edited);
    const beside = await fs.readFile(path.join(ws.out, '02-high-level-architecture.archflow-proposed.md'), 'utf8');
    assert.match(beside, /added by hand/);
    assert.match(beside, /Revised for CLI-1: Name the hosting region\./);
    assert.match(r.stderr, /kept your edit of 02-high-level-architecture\.md/);
  });

  test('re-running a step whose output is unchanged keeps ARCHITECTURE.md identical and the approval valid', async () => {
    const ws = await workspace(samplePrd('german'));
    assert.equal((await design(ws)).code, 0);
    assert.equal((await runCli(['approve', ws.out, '--name', 'Jane Doe', '--role', 'CTO'], env())).code, 0);
    const before = await fs.readFile(path.join(ws.out, 'ARCHITECTURE.md'), 'utf8');
    assert.equal((await design(ws, '--steps', '7')).code, 0);
    assert.equal(await fs.readFile(path.join(ws.out, 'ARCHITECTURE.md'), 'utf8'), before);
    assert.equal((await runCli(['check', ws.out], env())).code, 0);
  });

  test('ADR numbers are stable across re-runs', async () => {
    const ws = await workspace();
    assert.equal((await design(ws)).code, 0);
    const before = (await listFiles(path.join(ws.out, 'adr'))).filter((f) => f !== 'README.md');
    const r = await design(ws, '--steps', '8');
    assert.equal(r.code, 0, r.stderr);
    const afterRun = (await listFiles(path.join(ws.out, 'adr'))).filter((f) => f !== 'README.md');
    assert.deepEqual(afterRun, before);
  });

  test('a PRD edit makes every step stale; an upstream edit makes only its downstream stale', async () => {
    const ws = await workspace(samplePrd('german'));
    assert.equal((await design(ws)).code, 0);
    let view = await readWorkflowView(ws.out);
    assert.deepEqual(
      view.steps.map((s) => s.status),
      Array(8).fill('done'),
    );

    const doc3 = path.join(ws.out, STEP_DOCS[2]);
    await fs.appendFile(doc3, '\nAn edit to the service design.\n');
    view = await readWorkflowView(ws.out);
    assert.deepEqual(
      view.steps.map((s) => s.status),
      ['done', 'done', 'done', 'stale', 'stale', 'stale', 'stale', 'stale'],
    );
    assert.match(view.steps[3].reason!, /03-service-architecture\.md changed/);

    await fs.appendFile(ws.prd, '\n## New requirement\n\nExport results as CSV.\n');
    view = await readWorkflowView(ws.out);
    assert.deepEqual(
      view.steps.map((s) => s.status),
      Array(8).fill('stale'),
    );
    assert.match(view.steps[0].reason!, /the PRD changed/);

    fakes.server.reset();
    const r = await design(ws);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(new Set(fakes.server.requests.map((q) => q.step)).size, 8);
    // Step 1 is revised from its previous inventory, so requirement ids cited downstream stay stable.
    const step1 = JSON.stringify(fakes.server.requests.find((q) => q.step === 1)?.body);
    assert.ok(
      step1.includes('<current-document name=\\"01-architecture-context.md\\">'),
      'previous inventory not sent',
    );
  });

  test('a failed re-run keeps the previous documents, and the steps after it stay done', async () => {
    const ws = await workspace(samplePrd('german'));
    assert.equal((await design(ws)).code, 0);
    const doc1 = await fs.readFile(path.join(ws.out, STEP_DOCS[0]), 'utf8');
    fakes.server.setFaults([{ step: 1, kind: 'status', status: 500 }]);
    const r = await design(ws, '--steps', '1');
    assert.equal(r.code, 1);
    assert.equal(await fs.readFile(path.join(ws.out, STEP_DOCS[0]), 'utf8'), doc1);
    const view = await readWorkflowView(ws.out);
    assert.deepEqual(
      view.steps.map((s) => s.status),
      ['failed', 'done', 'done', 'done', 'done', 'done', 'done', 'done'],
    );
    assert.match(view.steps[0].reason!, /failed \(500\).*previous run are kept/);
  });

  test('an empty, a binary and a missing PRD are refused with a clear message', async () => {
    const ws = await workspace();
    await fs.writeFile(ws.prd, '   \n');
    assert.match((await design(ws)).stderr, /PRD\.md is empty/);
    await fs.writeFile(ws.prd, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    assert.match((await design(ws)).stderr, /binary file/);
    await fs.writeFile(ws.prd, 'x'.repeat(500 * 1024));
    assert.match((await design(ws)).stderr, /accepts PRDs up to/);
    await fs.rm(ws.prd);
    assert.match((await design(ws)).stderr, /PRD not found/);
    assert.equal(fakes.server.requests.length, 0);
  });
});
