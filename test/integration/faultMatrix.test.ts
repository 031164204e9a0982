/**
 * The fault matrix: every step × every fault kind of the fake server, in one suite run, through the
 * real SDK. A complete design is prepared once; each cell copies it, runs one step with the fault
 * on every request (so retries cannot cure it), checks the outcome, its message and that no file
 * changed, then runs the step again without the fault (resume). A second, transient variant (the
 * fault on the first request only) must recover by a retry or the repair round. The table goes to
 * .test-output/fault-matrix.md and .json.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { createWorkflow } from '../../src/core/factory';
import { hashText } from '../../src/core/hash';
import { silentLogger } from '../../src/core/log';
import { parseState } from '../../src/core/state';
import { STEP_IDS, type StepId, stepTitle } from '../../src/core/steps';
import { TEMP_FILE } from '../../src/core/store';
import { cliErrorText } from '../../src/cli/messages';
import { type FakeAnthropic, type FaultRule, FAULT_KINDS, startFakeAnthropic } from '../fake-anthropic/server';
import { listFiles, tempDir } from '../helpers/cli';
import { promptsDir, repoRoot, samplePrd } from '../helpers/paths';

const KEY = 'sk-ant-matrix-key-0123456789abcdef';

/** The faults of the matrix: every kind the fake server has, the status kind with the statuses that matter. */
const FAULTS: { name: string; rule: Omit<FaultRule, 'step' | 'times'> }[] = [
  { name: 'status 401', rule: { kind: 'status', status: 401 } },
  { name: 'status 403', rule: { kind: 'status', status: 403 } },
  { name: 'status 429 + retry-after', rule: { kind: 'status', status: 429, retryAfter: 1 } },
  { name: 'status 500', rule: { kind: 'status', status: 500 } },
  { name: 'status 529', rule: { kind: 'status', status: 529 } },
  { name: 'drop', rule: { kind: 'drop' } },
  { name: 'stall', rule: { kind: 'stall' } },
  { name: 'cut', rule: { kind: 'cut' } },
  { name: 'cut (abrupt)', rule: { kind: 'cut', abrupt: true } },
  { name: 'max-tokens', rule: { kind: 'max-tokens' } },
  { name: 'malformed', rule: { kind: 'malformed' } },
  { name: 'sse-error', rule: { kind: 'sse-error' } },
];

/** What each fault must say to the user (the persistent variant). */
const EXPECTED: Record<string, RegExp> = {
  'status 401': /rejected the API key \(401\).*ANTHROPIC_API_KEY/,
  'status 403': /may not use this model or endpoint \(403\)/,
  'status 429 + retry-after': /rate limit was reached \(429\).*gave up after 3 attempts/,
  'status 500': /failed \(500\).*gave up after 3 attempts/,
  'status 529': /overloaded \(529\).*gave up after 3 attempts/,
  drop: /Could not reach|stream broke|closed before the answer was complete/,
  stall: /sent nothing for/,
  cut: /closed before the answer was complete|stream broke/,
  'cut (abrupt)': /closed before the answer was complete|stream broke|Could not reach/,
  'max-tokens': /cut off at the output limit.*--max-tokens/,
  malformed: /did not follow the required format, even after one repair round/,
  'sse-error': /overloaded \(an error event in the answer stream\)/,
};

/** Kinds a single failure of which the engine cures (a retry, or the repair round). */
const TRANSIENT_CURED = new Set([
  'status 429 + retry-after',
  'status 500',
  'status 529',
  'drop',
  'stall',
  'cut',
  'cut (abrupt)',
  'malformed',
  'sse-error',
]);

interface Cell {
  fault: string;
  step: StepId;
  outcome: string;
  message: string;
  filesIntact: boolean;
  usageRecorded: string;
  resume: string;
  transient: string;
}

let fake: FakeAnthropic;
let template: string;
let prdPath: string;

function engine(outputDir: string) {
  return createWorkflow({
    outputDir,
    prdPath,
    connection: { provider: 'anthropic', apiKey: KEY, baseURL: fake.url },
    prompts: { builtinDir: promptsDir },
    // Every cell faults a step's one call (a step's parts have their own faults: sectionParts.test.ts, adrParts.test.ts).
    settings: { model: 'claude-sonnet-4-5', maxTokens: 16000, concurrency: 2, partConcurrency: 0 },
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, idleTimeoutMs: 600 },
    resolveConflict: () => Promise.resolve('overwrite'),
    log: silentLogger,
  });
}

function run(outputDir: string, step: StepId) {
  return engine(outputDir).run({ steps: [step], signal: new AbortController().signal });
}

/** Every file's hash but the run's bookkeeping (archflow.json, .archflow/: PRD snapshots and answers for revision). */
async function fingerprint(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of await listFiles(dir)) {
    if (rel === 'archflow.json' || rel.startsWith('.archflow/')) continue;
    out.set(rel, hashText(await fs.readFile(path.join(dir, rel))));
  }
  return out;
}

before(async () => {
  fake = await startFakeAnthropic({ port: 0 });
  const root = await tempDir('archflow-matrix-');
  prdPath = path.join(root, 'PRD.md');
  await fs.copyFile(samplePrd('english'), prdPath);
  template = path.join(root, 'template');
  const summary = await engine(template).run({ steps: 'all', signal: new AbortController().signal });
  assert.deepEqual(summary.done, STEP_IDS, 'the prepared design is complete');
});
after(async () => {
  await fake.close();
});

test(
  'fault matrix: every step × every fault kind, with the files intact and a resume',
  { timeout: 240_000 },
  async () => {
    const started = Date.now();
    const kinds = new Set(FAULTS.map((f) => f.rule.kind));
    assert.deepEqual(
      [...kinds].sort(),
      // 'open-finding' is a review scenario (a high finding the resolve loop fixes), not a failure.
      [...FAULT_KINDS].filter((k) => k !== 'open-finding').sort(),
      'the matrix covers every fault kind of the fake server',
    );
    const templatePrint = await fingerprint(template);
    const cells: Cell[] = [];
    const problems: string[] = [];
    for (const f of FAULTS) {
      for (const step of STEP_IDS) {
        const dir = await tempDir('archflow-cell-');
        await fs.cp(template, dir, { recursive: true });
        fake.reset();
        fake.setFaults([{ ...f.rule, step: Number(step) } as FaultRule]);
        const summary = await run(dir, step);
        const failure = summary.failed.find((x) => x.step === step);
        const message = failure ? cliErrorText(failure.error) : '';
        const after = await fingerprint(dir);
        const temps = (await listFiles(dir)).filter((rel) => TEMP_FILE.test(path.posix.basename(rel)));
        const intact =
          temps.length === 0 &&
          after.size === templatePrint.size &&
          [...after].every(([k, v]) => templatePrint.get(k) === v);
        const state = parseState(await fs.readFile(path.join(dir, 'archflow.json'), 'utf8'));
        const rec = state.steps[step];
        const usage = rec?.lastErrorUsage;
        const usageRecorded = usage
          ? `${usage.input} in / ${usage.output} out, ${rec?.lastErrorAttempts ?? 0} calls`
          : '-';
        // Resume: the same step without the fault.
        fake.clearFaults();
        const resumed = await run(dir, step);
        // Transient: the fault on the first request only.
        const dir2 = await tempDir('archflow-cell-');
        await fs.cp(template, dir2, { recursive: true });
        fake.setFaults([{ ...f.rule, step: Number(step), times: 1 } as FaultRule]);
        const transient = await run(dir2, step);
        fake.clearFaults();
        const cell: Cell = {
          fault: f.name,
          step,
          outcome: failure ? `failed (${failure.kind ?? 'error'})` : summary.done.includes(step) ? 'done' : 'not run',
          message,
          filesIntact: intact,
          usageRecorded,
          resume: resumed.done.includes(step) ? 'done' : 'failed',
          transient: transient.done.includes(step) ? 'recovered' : `failed (${transient.failed[0]?.kind ?? '?'})`,
        };
        cells.push(cell);
        const where = `${f.name} × step ${step}`;
        if (!failure) problems.push(`${where}: the persistent fault did not fail the step`);
        else if (!EXPECTED[f.name]!.test(message)) problems.push(`${where}: message ${JSON.stringify(message)}`);
        if (message.includes(KEY)) problems.push(`${where}: the key is in the message`);
        if (!intact)
          problems.push(
            `${where}: files changed (${temps.join(', ')}) [${[...new Set([...after.keys(), ...templatePrint.keys()])].filter((k) => after.get(k) !== templatePrint.get(k)).join(', ')}]`,
          );
        if (cell.resume !== 'done') problems.push(`${where}: resume ${cell.resume}`);
        if (TRANSIENT_CURED.has(f.name) && cell.transient !== 'recovered')
          problems.push(`${where}: transient ${cell.transient}`);
        if (!TRANSIENT_CURED.has(f.name) && cell.transient === 'recovered')
          problems.push(`${where}: a non-retryable fault was retried`);
        // Tokens the API reported before a failure were billed: the record counts them.
        // (An abrupt cut may reach the client before any event of the answer: nothing was reported then.)
        const reported = ['max-tokens', 'sse-error', 'stall'].includes(f.rule.kind) || f.name === 'cut';
        if (reported && !(usage && usage.input > 0 && usage.output > 0)) {
          problems.push(`${where}: the failed attempts' usage is not recorded (${usageRecorded})`);
        }
        await fs.rm(dir, { recursive: true, force: true });
        await fs.rm(dir2, { recursive: true, force: true });
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await writeTable(cells, seconds);
    console.log(`fault matrix: ${cells.length} cells in ${seconds} s`);
    assert.deepEqual(problems, []);
  },
);

async function writeTable(cells: Cell[], seconds: string): Promise<void> {
  const outDir = path.join(repoRoot, '.test-output');
  await fs.mkdir(outDir, { recursive: true });
  await fs.writeFile(
    path.join(outDir, 'fault-matrix.json'),
    JSON.stringify({ seconds: Number(seconds), cells }, null, 2) + '\n',
  );
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const lines = [
    `# Fault matrix (${cells.length} cells, ${seconds} s)`,
    '',
    'Each fault on every request of the step (retries cannot cure it), against a complete design; then the step again without the fault (resume); then the fault on the first request only (transient).',
    '',
    '| Fault | Step | Outcome | Message | Files intact | Usage recorded | Resume | Transient |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...cells.map(
      (c) =>
        `| ${c.fault} | ${esc(stepTitle(c.step))} | ${c.outcome} | ${esc(c.message)} | ${c.filesIntact ? 'yes' : 'NO'} | ${c.usageRecorded} | ${c.resume} | ${c.transient} |`,
    ),
    '',
  ];
  await fs.writeFile(path.join(outDir, 'fault-matrix.md'), lines.join('\n'));
}
