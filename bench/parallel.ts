/**
 * Parallel calls inside steps (docs/adr/0014-parallel-calls-inside-steps.md, docs/adr/0017-steps-
 * written-in-section-groups.md), measured in one run: the same answers (a real model's, replayed
 * from ../shared/corpus when it is there, else the fake model's) streamed at one fixed pace, written
 * once with every step in one call and once with the steps in parts. Reports wall time over the
 * step-level critical path of the single-call run, each step's own ratio, and what the parts cost in
 * input tokens and dollars. Ratios, never asserted.
 *
 *   npm run compile && npm run build:tests && node out/bench/parallel.js
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkflow } from '../src/core/factory';
import { silentLogger } from '../src/core/log';
import { fencedBlocks } from '../src/core/markdown';
import { type StepId, stepForC4Level, stepWithBlock } from '../src/core/steps';
import { type FakeAnthropic, type ReplayAnswers, loadReplay, startFakeAnthropic } from '../test/fake-anthropic/server';
import { upgradeRecordedAnswers } from '../test/fake-anthropic/upgrade';
import { criticalPathOf, tableGraph } from './criticalPath';

const repo = path.resolve(__dirname, '..', '..');
const corpus = path.resolve(repo, '..', 'shared', 'corpus', 'saas-activation');
const fallbackPrd = path.join(repo, 'test', 'fixtures', 'prds', 'pantry-network.md');
/** 80-character deltas (about 20 tokens) every CHUNK_DELAY_MS: 20 ms is 1,000 tokens a second, a real model's 60 time-scaled ×16. */
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 150);
/** Calls of a step in parts at once (the engine's default is 4). */
const PARTS = Number(process.env.BENCH_PARTS ?? 4);
/** Rounds of the two runs (the median is reported, every round's ratio beside it). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** List price per million tokens (Claude Opus 4.5, as bench/run.ts prices a run). */
const PRICE = { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 };

interface Tokens {
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
}

interface Measured {
  /** Step 3's answer: from its C4 block's closing fence to the end of the step (what an early start of step 4 could overlap). */
  afterC4BlockMs?: number;
  wallMs: number;
  stepMs: Record<number, number>;
  tokens: Tokens;
  stepTokens: Record<number, Tokens>;
  calls: number;
}

async function runOnce(fake: FakeAnthropic, prd: string, partConcurrency: number): Promise<Measured> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-parallel-'));
  const prdCopy = path.join(dir, 'PRD.md');
  await fs.copyFile(prd, prdCopy);
  fake.reset();
  const engine = createWorkflow({
    outputDir: path.join(dir, 'docs', 'architecture'),
    prdPath: prdCopy,
    connection: { provider: 'anthropic', apiKey: 'bench-key', baseURL: fake.url },
    prompts: { builtinDir: path.join(repo, 'prompts') },
    settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency: 2, partConcurrency },
    resolveConflict: async () => 'overwrite',
    log: silentLogger,
  });
  const started = new Map<StepId, number>();
  const stepMs: Record<number, number> = {};
  const stepTokens: Record<number, Tokens> = {};
  const c4Step = stepForC4Level(2).id;
  let c4Text = '';
  let c4ClosedAt: number | undefined;
  const t0 = performance.now();
  const summary = await engine.run({
    steps: 'all',
    signal: new AbortController().signal,
    onEvent: (e) => {
      if (e.type === 'step-started') started.set(e.step, performance.now());
      if (e.type === 'step-text' && e.step === c4Step && c4ClosedAt === undefined) {
        c4Text += e.text;
        const block = fencedBlocks(c4Text).find((b) => b.info.split(/\s+/).includes('archflow-c4'));
        if (block && block.end < c4Text.length) c4ClosedAt = performance.now();
      }
      if (e.type === 'step-done') {
        stepMs[e.step] = performance.now() - (started.get(e.step) ?? t0);
        const u = e.usage;
        stepTokens[e.step] = { input: u.input, cacheWrite: u.cacheWrite, cacheRead: u.cacheRead, output: u.output };
      }
    },
  });
  const wallMs = performance.now() - t0;
  await fs.rm(dir, { recursive: true, force: true });
  if (summary.failed.length) throw new Error(`run failed: ${JSON.stringify(summary.failed.map((f) => f.message))}`);
  const t = fake.usageTotals();
  const c4End = c4ClosedAt === undefined ? undefined : (started.get(c4Step) ?? t0) + stepMs[c4Step];
  return {
    afterC4BlockMs: c4End === undefined || c4ClosedAt === undefined ? undefined : c4End - c4ClosedAt,
    wallMs,
    stepMs,
    stepTokens,
    calls: t.requests,
    tokens: {
      input: t.input_tokens,
      cacheWrite: t.cache_creation_input_tokens,
      cacheRead: t.cache_read_input_tokens,
      output: t.output_tokens,
    },
  };
}

const fullPriceEquivalent = (t: Tokens): number => t.input + 1.25 * t.cacheWrite + 0.1 * t.cacheRead;
const dollars = (t: Tokens): number =>
  +(
    (t.input * PRICE.input +
      t.cacheWrite * PRICE.cacheWrite +
      t.cacheRead * PRICE.cacheRead +
      t.output * PRICE.output) /
    1e6
  ).toFixed(4);
const ratio = (a: number, b: number): number => +(a / b).toFixed(3);
const roundAll = (r: Record<number, number>): Record<number, number> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]));

async function main(): Promise<void> {
  const real = existsSync(corpus) && process.env.BENCH_CORPUS !== '0';
  const replay: ReplayAnswers | undefined = real
    ? upgradeRecordedAnswers(await loadReplay(path.join(corpus, 'answers')))
    : undefined;
  const prd = real ? path.join(corpus, 'PRD.md') : fallbackPrd;
  const fake = await startFakeAnthropic({ port: 0, chunkDelayMs: CHUNK_DELAY_MS, latencyMs: LATENCY_MS, replay });
  try {
    await runOnce(fake, prd, 4); // warm-up (JIT, file system), not reported
    // Rounds alternate the two ways, so the machine's load falls on both; the median round is reported.
    const rounds: { single: Measured; parts: Measured; cp: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const single = await runOnce(fake, prd, 0);
      const parts = await runOnce(fake, prd, PARTS);
      rounds.push({ single, parts, cp: criticalPathOf(tableGraph(), single.stepMs) });
    }
    rounds.sort((a, b) => a.parts.wallMs / a.cp - b.parts.wallMs / b.cp);
    const { single, parts, cp } = rounds[Math.floor(rounds.length / 2)];
    const spread = rounds.map((r) => ratio(r.parts.wallMs, r.cp));
    const adr = stepWithBlock('adrs').id;
    const result = {
      answers: real ? 'real model (../shared/corpus/saas-activation), replayed' : 'fake model',
      partConcurrency: PARTS,
      streaming: { chunkDelayMs: CHUNK_DELAY_MS, chunkChars: 80, latencyMs: LATENCY_MS },
      wallMs: { singleCall: Math.round(single.wallMs), inParts: Math.round(parts.wallMs) },
      stepCriticalPathMs: Math.round(cp),
      decisionStepMs: { singleCall: Math.round(single.stepMs[adr]), inParts: Math.round(parts.stepMs[adr]) },
      ratios: {
        wallOverStepCriticalPath: ratio(parts.wallMs, cp),
        wallOverStepCriticalPathRounds: spread,
        // The single-call run's step times with the decision step's time in parts: the same figure
        // without the other steps' noise between two runs.
        samePathWithDecisionStepInParts: ratio(
          criticalPathOf(tableGraph(), { ...single.stepMs, [adr]: parts.stepMs[adr] }),
          cp,
        ),
        singleCallWallOverStepCriticalPath: ratio(single.wallMs, cp),
        decisionStepInPartsOverSingleCall: ratio(parts.stepMs[adr], single.stepMs[adr]),
        // Each step's time in parts over its time in one call (the same answers).
        stepInPartsOverSingleCall: Object.fromEntries(
          Object.keys(single.stepMs).map((k) => [k, ratio(parts.stepMs[Number(k)], single.stepMs[Number(k)])]),
        ),
        fullPriceInputInPartsOverSingleCall: ratio(
          fullPriceEquivalent(parts.tokens),
          fullPriceEquivalent(single.tokens),
        ),
        costInPartsOverSingleCall: ratio(dollars(parts.tokens), dollars(single.tokens)),
      },
      // The ceiling of starting step 4 when step 3's C4 block has closed (not done: docs/adr/0014).
      earlyStartOfStep4: {
        step3Ms: Math.round(single.stepMs[stepForC4Level(2).id]),
        afterC4BlockMs: Math.round(single.afterC4BlockMs ?? 0),
        wallOverStepCriticalPathIfOverlapped: ratio(parts.wallMs - (single.afterC4BlockMs ?? 0), cp),
      },
      stepMs: { singleCall: roundAll(single.stepMs), inParts: roundAll(parts.stepMs) },
      calls: { singleCall: single.calls, inParts: parts.calls },
      tokens: { singleCall: single.tokens, inParts: parts.tokens },
      decisionStepTokens: { singleCall: single.stepTokens[adr], inParts: parts.stepTokens[adr] },
      costUsd: { singleCall: dollars(single.tokens), inParts: dollars(parts.tokens) },
    };
    await fs.mkdir(path.join(repo, 'bench', 'results'), { recursive: true });
    await fs.writeFile(path.join(repo, 'bench', 'results', 'parallel.json'), JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await fake.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err)}\n`);
  process.exitCode = 1;
});
