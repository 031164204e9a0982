/**
 * Benchmark (SPEC §10): a full run against the fake server with realistic streaming latency, DAG
 * (concurrency 2 and 4) against the same workflow forced sequential, in one process and one run;
 * input tokens per run and the share served from the prompt cache; bundle sizes. Results are
 * ratios measured side by side, printed and written to bench/results/latest.json — never asserted.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkflow } from '../src/core/factory';
import { silentLogger } from '../src/core/log';
import { STEPS, type StepId } from '../src/core/steps';
import { startFakeAnthropic } from '../test/fake-anthropic/server';
import { measurePreview } from './preview';

const repo = path.resolve(__dirname, '..', '..');
const prd = process.argv[2] ?? path.resolve(repo, '..', 'shared', 'prds', 'better-pwa.md');
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
}

async function runOnce(url: string, concurrency: number): Promise<RunResult> {
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
  await fs.rm(dir, { recursive: true, force: true });
  return { concurrency, wallMs, stepMs, ...usage };
}

/** The longest path through the step DAG, with each step's measured time. */
function criticalPath(stepMs: Record<number, number>): number {
  const finish = new Map<number, number>();
  for (const s of STEPS) finish.set(s.id, Math.max(0, ...s.needs.map((n) => finish.get(n) ?? 0)) + (stepMs[s.id] ?? 0));
  return Math.max(...finish.values());
}

async function size(file: string): Promise<number | null> {
  return fs.stat(path.join(repo, file)).then(
    (s) => s.size,
    () => null,
  );
}

async function main(): Promise<void> {
  const fake = await startFakeAnthropic({ port: 0, chunkDelayMs: CHUNK_DELAY_MS, latencyMs: LATENCY_MS });
  try {
    await runOnce(fake.url, 2); // warm-up (JIT, file system), not reported
    fake.reset();
    const sequential = await runOnce(fake.url, 1);
    fake.reset();
    const dag2 = await runOnce(fake.url, 2);
    fake.reset();
    const dag4 = await runOnce(fake.url, 4);
    const cp = criticalPath(sequential.stepMs);
    const totalInput = (r: RunResult): number => r.input + r.cacheRead + r.cacheWrite;
    const result = {
      prd: path.basename(prd),
      streaming: { chunkDelayMs: CHUNK_DELAY_MS, latencyMs: LATENCY_MS },
      wallMs: {
        sequential: Math.round(sequential.wallMs),
        dag2: Math.round(dag2.wallMs),
        dag4: Math.round(dag4.wallMs),
      },
      criticalPathMs: Math.round(cp),
      ratios: {
        dag2OverSequential: +(dag2.wallMs / sequential.wallMs).toFixed(3),
        dag4OverSequential: +(dag4.wallMs / sequential.wallMs).toFixed(3),
        dag2OverCriticalPath: +(dag2.wallMs / cp).toFixed(3),
      },
      tokens: {
        inputPerRun: totalInput(sequential),
        cacheReadShare: +(sequential.cacheRead / totalInput(sequential)).toFixed(3),
        cacheWriteShare: +(sequential.cacheWrite / totalInput(sequential)).toFixed(3),
        uncachedShare: +(sequential.input / totalInput(sequential)).toFixed(3),
        outputPerRun: sequential.output,
      },
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
  } finally {
    await fake.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String(err)}\n`);
  process.exitCode = 1;
});
