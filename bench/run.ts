/**
 * Benchmark (SPEC §10): a full run against the fake server with realistic streaming latency, DAG
 * (concurrency 2 and 4) against the same workflow forced sequential, in one process and one run;
 * input tokens per run, the share served from the prompt cache and the cost at list price; what
 * other step graphs would take (bench/whatIf.ts); bundle sizes. Two scenarios: the fake model's
 * answers for a real PRD, and — when ../shared/corpus is there — a real model's answers replayed,
 * whose sizes are those of real steps. Results are ratios measured side by side, printed and
 * written to bench/results/latest.json — never asserted.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkflow } from '../src/core/factory';
import { silentLogger } from '../src/core/log';
import { STEPS, type StepId } from '../src/core/steps';
import { type ReplayAnswers, loadReplay, startFakeAnthropic } from '../test/fake-anthropic/server';
import { upgradeRecordedAnswers } from '../test/fake-anthropic/upgrade';
import { SPEC_GRAPH, criticalPathOf, followUpCriticalPath, tableGraph } from './whatIf';
import { measurePreview } from './preview';
import { measureRevision } from './revision';

const repo = path.resolve(__dirname, '..', '..');
/** A real PRD from ../shared when it is there; a plain clone benchmarks the project's own English sample. */
const sharedPrd = path.resolve(repo, '..', 'shared', 'prds', 'better-pwa.md');
const prd =
  process.argv[2] ??
  (existsSync(sharedPrd) ? sharedPrd : path.join(repo, 'test', 'fixtures', 'prds', 'pantry-network.md'));
const corpus = path.resolve(repo, '..', 'shared', 'corpus', 'saas-activation');

/**
 * List price per million tokens of the Opus model the settings default to (Claude Opus 4.5:
 * input $5, output $25; cache writes 1.25× input, cache reads 0.1× input).
 */
const PRICE_PER_MTOK = { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 };
/** Delay between 80-character text deltas, and time to first byte: streaming shaped like the real API, time-scaled down. */
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 150);

interface RunResult {
  concurrency: number;
  wallMs: number;
  stepMs: Record<number, number>;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** Each step's document as the run wrote it. */
  docs: Partial<Record<number, string>>;
}

async function runOnce(url: string, concurrency: number, prd: string): Promise<RunResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-bench-'));
  const prdCopy = path.join(dir, 'PRD.md');
  await fs.copyFile(prd, prdCopy);
  const stepMs: Record<number, number> = {};
  const started = new Map<StepId, number>();
  const engine = createWorkflow({
    outputDir: path.join(dir, 'docs', 'architecture'),
    prdPath: prdCopy,
    connection: { provider: 'anthropic', apiKey: 'bench-key', baseURL: url },
    prompts: { builtinDir: path.join(repo, 'prompts') },
    settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency },
    resolveConflict: async () => 'overwrite',
    log: silentLogger,
  });
  const t0 = performance.now();
  const usage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  const summary = await engine.run({
    steps: 'all',
    signal: new AbortController().signal,
    onEvent: (e) => {
      if (e.type === 'step-started') started.set(e.step, performance.now());
      if (e.type === 'step-done') {
        stepMs[e.step] = performance.now() - (started.get(e.step) ?? t0);
        usage.input += e.usage.input;
        usage.cacheRead += e.usage.cacheRead;
        usage.cacheWrite += e.usage.cacheWrite;
        usage.output += e.usage.output;
      }
    },
  });
  const wallMs = performance.now() - t0;
  if (summary.failed.length) throw new Error(`bench run failed: ${JSON.stringify(summary.failed)}`);
  const docs: Partial<Record<number, string>> = {};
  for (const s of STEPS) {
    docs[s.id] = await fs.readFile(path.join(dir, 'docs', 'architecture', s.document), 'utf8').catch(() => '');
  }
  await fs.rm(dir, { recursive: true, force: true });
  return { concurrency, wallMs, stepMs, ...usage, docs };
}

/** Dollars at list price for one run's tokens. */
function dollars(r: RunResult): number {
  const m = 1_000_000;
  const cost =
    (r.input * PRICE_PER_MTOK.input +
      r.cacheWrite * PRICE_PER_MTOK.cacheWrite +
      r.cacheRead * PRICE_PER_MTOK.cacheRead +
      r.output * PRICE_PER_MTOK.output) /
    m;
  return +cost.toFixed(4);
}

async function size(file: string): Promise<number | null> {
  return fs.stat(path.join(repo, file)).then(
    (s) => s.size,
    () => null,
  );
}

/** One scenario: warm-up, then sequential, DAG with 2 and with 4, side by side; the what-ifs from the sequential run. */
async function scenario(name: string, prdPath: string, replay?: ReplayAnswers): Promise<unknown> {
  const fake = await startFakeAnthropic({ port: 0, chunkDelayMs: CHUNK_DELAY_MS, latencyMs: LATENCY_MS, replay });
  try {
    // BENCH_QUICK=1: one sequential run, for token and cost figures (the DAG runs add only wall times).
    const quick = process.env.BENCH_QUICK === '1';
    if (!quick) await runOnce(fake.url, 2, prdPath); // warm-up (JIT, file system), not reported
    fake.reset();
    const sequential = await runOnce(fake.url, 1, prdPath);
    fake.reset();
    const dag2 = quick ? sequential : await runOnce(fake.url, 2, prdPath);
    fake.reset();
    const dag4 = quick ? sequential : await runOnce(fake.url, 4, prdPath);
    const cp = criticalPathOf(tableGraph(), sequential.stepMs);
    const totalInput = (r: RunResult): number => r.input + r.cacheRead + r.cacheWrite;
    const followUps = followUpCriticalPath(sequential.stepMs, sequential.docs, LATENCY_MS);
    // A one-line PRD edit, then design again: revised, not regenerated (bench/revision.ts).
    const revision = await measureRevision(fake, prdPath, repo, replay !== undefined);
    return {
      name,
      prd: path.basename(prdPath),
      wallMs: {
        sequential: Math.round(sequential.wallMs),
        dag2: Math.round(dag2.wallMs),
        dag4: Math.round(dag4.wallMs),
      },
      stepMs: Object.fromEntries(Object.entries(sequential.stepMs).map(([k, v]) => [k, Math.round(v)])),
      criticalPathMs: Math.round(cp),
      ratios: {
        dag2OverSequential: +(dag2.wallMs / sequential.wallMs).toFixed(3),
        dag4OverSequential: +(dag4.wallMs / sequential.wallMs).toFixed(3),
        dag2OverCriticalPath: +(dag2.wallMs / cp).toFixed(3),
        ...revision.ratios,
      },
      revision,
      // Critical paths of other step graphs from the same step times, over the sequential run.
      whatIfOverSequential: {
        table: +(cp / sequential.wallMs).toFixed(3),
        specParallelPairs: +(criticalPathOf(SPEC_GRAPH, sequential.stepMs) / sequential.wallMs).toFixed(3),
        specPairsWithFollowUps: +(followUps.criticalPathMs / sequential.wallMs).toFixed(3),
        followUpMs: followUps.followUpMs,
      },
      tokens: {
        inputPerRun: totalInput(sequential),
        cacheReadShare: +(sequential.cacheRead / totalInput(sequential)).toFixed(3),
        cacheWriteShare: +(sequential.cacheWrite / totalInput(sequential)).toFixed(3),
        uncachedShare: +(sequential.input / totalInput(sequential)).toFixed(3),
        outputPerRun: sequential.output,
        byKind: { input: sequential.input, cacheWrite: sequential.cacheWrite, cacheRead: sequential.cacheRead },
      },
      dollarsPerRun: dollars(sequential),
    };
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  const scenarios = [await scenario('fake model', prd)];
  if (existsSync(corpus) && process.env.BENCH_CORPUS !== '0') {
    const recorded = upgradeRecordedAnswers(await loadReplay(path.join(corpus, 'answers')));
    scenarios.push(await scenario('real answers replayed', path.join(corpus, 'PRD.md'), recorded));
  }
  const result = {
    streaming: { chunkDelayMs: CHUNK_DELAY_MS, latencyMs: LATENCY_MS },
    scenarios,
    bundleBytes: {
      extension: await size('dist/extension.js'),
      cli: await size('dist/cli.js'),
      webview: await size('dist/webview.js'),
      webviewRenderer: await size('dist/webview-diagrams.js'),
      webviewMermaid: await size('dist/webview-mermaid.js'),
      markdownPreview: await size('dist/markdownPreview.js'),
    },
    preview: await measurePreview(repo),
  };
  await fs.mkdir(path.join(repo, 'bench', 'results'), { recursive: true });
  await fs.writeFile(path.join(repo, 'bench', 'results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err)}\n`);
  process.exitCode = 1;
});
