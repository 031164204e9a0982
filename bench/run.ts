/**
 * Benchmark (SPEC §10). Answers of a real model's size — the fake model's answers padded to the
 * sizes of ../shared/corpus/ (a committed table of them in a plain clone), and, when the corpus is
 * there, the real answers replayed — streamed at a fixed tokens-per-second rate, time-scaled so a
 * run takes seconds instead of ten minutes. Side by side in one run: wall time of the DAG against
 * the step-level critical path of the same answers and against the same workflow forced
 * sequential; input tokens at full price, as cache writes and as cache reads against a naive layout
 * (each step sends the PRD and every earlier document, no cache); the cost in dollars at list price
 * (src/core/pricing.ts); a revision after a one-line PRD edit against the full run (the fake
 * model's own answers, and an estimate on the corpus's real answers); activation,
 * bundle sizes and the preview. Results are ratios, printed and written to
 * bench/results/latest.json — never asserted.
 *
 * Environment: BENCH_TOKENS_PER_SECOND (the model's rate, default 60), BENCH_TIME_SCALE (default
 * 40: the stream runs 40 × faster), BENCH_LATENCY_MS (the model's time to first token, default
 * 2000, scaled too), BENCH_CORPUS=0 (skip the replay), BENCH_PREVIEW=0 (skip the browser figures).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { costOf, formatUsd, PRICES_DATE, priceOf } from '../src/core/pricing';
import { STEPS, type StepId } from '../src/core/steps';
import { type FakeAnthropic, type ReplayAnswers, loadReplay, startFakeAnthropic } from '../test/fake-anthropic/server';
import { upgradeRecordedAnswers } from '../test/fake-anthropic/upgrade';
import { measureActivation } from './activation';
import { answerSizes } from './corpusSizes';
import { BENCH_MODEL, benchFolder, type BenchFolder } from './engine';
import { measurePreview } from './preview';
import { corpusRevisionEstimate, measureRevision } from './revision';
import { breakdownTable, requestTokens, totalsOf } from './tokens';
import { criticalPathOf, tableGraph } from './criticalPath';

const repo = path.resolve(__dirname, '..', '..');
/** A real PRD from ../shared when it is there; a plain clone benchmarks the project's own English sample. */
const sharedPrd = path.resolve(repo, '..', 'shared', 'prds', 'better-pwa.md');
const prd =
  process.argv[2] ??
  (existsSync(sharedPrd) ? sharedPrd : path.join(repo, 'test', 'fixtures', 'prds', 'pantry-network.md'));
const corpus = path.resolve(repo, '..', 'shared', 'corpus', 'saas-activation');

const TOKENS_PER_SECOND = Number(process.env.BENCH_TOKENS_PER_SECOND ?? 60);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 40);
const MODEL_LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 2000);
/** What the fake is told: the rate and the latency, time-scaled. */
const PACING = {
  tokensPerSecond: TOKENS_PER_SECOND * TIME_SCALE,
  latencyMs: Math.round(MODEL_LATENCY_MS / TIME_SCALE),
};

interface RunResult {
  concurrency: number;
  wallMs: number;
  /** Each step's time from start to done, as measured. */
  stepMs: Record<number, number>;
  folder: BenchFolder;
  /** Each step's document as the run wrote it. */
  docs: Partial<Record<number, string>>;
  requests: FakeAnthropic['requests'];
}

async function runOnce(fake: FakeAnthropic, concurrency: number, prdPath: string): Promise<RunResult> {
  fake.reset();
  const folder = await benchFolder(prdPath, fake.url, repo);
  const stepMs: Record<number, number> = {};
  const started = new Map<StepId, number>();
  const t0 = performance.now();
  const summary = await folder.engine(concurrency).run({
    steps: 'all',
    signal: new AbortController().signal,
    onEvent: (e) => {
      if (e.type === 'step-started') started.set(e.step, performance.now());
      if (e.type === 'step-done') stepMs[e.step] = performance.now() - (started.get(e.step) ?? t0);
    },
  });
  const wallMs = performance.now() - t0;
  if (summary.failed.length) throw new Error(`bench run failed: ${JSON.stringify(summary.failed)}`);
  const docs: Partial<Record<number, string>> = {};
  for (const s of STEPS)
    docs[s.id] = await fs.readFile(path.join(folder.outputDir, s.document), 'utf8').catch(() => '');
  return { concurrency, wallMs, stepMs, folder, docs, requests: [...fake.requests] };
}

/**
 * The step-level critical path of a run's answers: each step as one call that takes the model's
 * latency plus its output at the streaming rate (its repair turns added), over the step table's
 * graph. What the DAG would take if every step were one call and nothing else cost time.
 */
function stepCriticalPath(requests: FakeAnthropic['requests']): { ms: number; stepCallMs: Record<number, number> } {
  const stepCallMs: Record<number, number> = {};
  for (const r of requests) {
    if (typeof r.step !== 'number' || !r.usage) continue;
    const ms = PACING.latencyMs + (r.usage.output_tokens / PACING.tokensPerSecond) * 1000;
    stepCallMs[r.step] = (stepCallMs[r.step] ?? 0) + ms;
  }
  return { ms: criticalPathOf(tableGraph(), stepCallMs), stepCallMs };
}

const round = (n: number, digits = 3): number => +n.toFixed(digits);

/** Dollars of the usage the fake recorded since its last reset. */
function fakeCost(fake: FakeAnthropic): number {
  const t = fake.usageTotals();
  const usage = {
    input: t.input_tokens,
    cacheWrite: t.cache_creation_input_tokens,
    cacheRead: t.cache_read_input_tokens,
    output: t.output_tokens,
  };
  return round(costOf(usage, BENCH_MODEL), 4);
}

/** One scenario: the DAG run and the same workflow forced sequential. */
async function scenario(name: string, prdPath: string, fake: FakeAnthropic): Promise<Record<string, unknown>> {
  const dag = await runOnce(fake, 4, prdPath);
  const sequential = await runOnce(fake, 1, prdPath);
  try {
    const cp = stepCriticalPath(dag.requests);
    const rows = requestTokens(dag.requests, dag.docs);
    const totals = totalsOf(rows);
    const single = totalsOf(requestTokens(sequential.requests, sequential.docs));
    process.stderr.write(`\n${name}: where the input goes (tokens; full-eq = input + 1.25 × write + 0.1 × read)\n`);
    process.stderr.write(`${breakdownTable(rows)}\n`);
    const usage = {
      input: totals.input,
      cacheWrite: totals.cacheWrite,
      cacheRead: totals.cacheRead,
      output: totals.output,
    };
    const naiveUsage = { input: totals.naive, cacheWrite: 0, cacheRead: 0, output: totals.output };
    return {
      name,
      prd: path.basename(prdPath),
      wallMs: { dag: Math.round(dag.wallMs), sequential: Math.round(sequential.wallMs) },
      /** The same at the model's real rate (wall × time scale), in minutes. */
      realTimeMinutes: {
        dag: round((dag.wallMs * TIME_SCALE) / 60_000, 1),
        sequential: round((sequential.wallMs * TIME_SCALE) / 60_000, 1),
        stepCriticalPath: round((cp.ms * TIME_SCALE) / 60_000, 1),
      },
      stepCriticalPathMs: Math.round(cp.ms),
      stepCallMs: Object.fromEntries(Object.entries(cp.stepCallMs).map(([k, v]) => [k, Math.round(v)])),
      stepMs: Object.fromEntries(Object.entries(dag.stepMs).map(([k, v]) => [k, Math.round(v)])),
      ratios: {
        wallOverStepCriticalPath: round(dag.wallMs / cp.ms),
        wallOverSequential: round(dag.wallMs / sequential.wallMs),
        fullPriceInputOverNaive: round(totals.fullPriceEquivalent / totals.naive),
        fullPriceInputOverNaiveDocsOnly: round(totals.fullPriceEquivalent / totals.naiveDocsOnly),
        // The sequential run makes one call a step (no parts): the request layout alone.
        fullPriceInputOverNaiveOneCallPerStep: round(single.fullPriceEquivalent / single.naive),
      },
      tokens: {
        input: totals.input,
        cacheWrite: totals.cacheWrite,
        cacheRead: totals.cacheRead,
        output: totals.output,
        fullPriceEquivalent: totals.fullPriceEquivalent,
        naive: totals.naive,
        naiveDocsOnly: totals.naiveDocsOnly,
        oneCallPerStep: { fullPriceEquivalent: single.fullPriceEquivalent, naive: single.naive },
        perRequest: rows.map(({ blocks: _b, ...r }) => r),
      },
      costUsd: {
        perRun: round(costOf(usage, BENCH_MODEL), 4),
        naivePerRun: round(costOf(naiveUsage, BENCH_MODEL), 4),
      },
    };
  } finally {
    await fs.rm(dag.folder.dir, { recursive: true, force: true });
    await fs.rm(sequential.folder.dir, { recursive: true, force: true });
  }
}

/**
 * A full run, a one-line PRD edit, and the revision run, with the fake model's own answers (not
 * padded: a revision answers with the sections it changes, at the fake's sizes, so padded full
 * answers would make the ratio meaningless), paced as the scenarios are.
 */
async function revisionFigures(prdPath: string): Promise<Record<string, unknown>> {
  const fake = await startFakeAnthropic({ port: 0, ...PACING });
  try {
    const full = await runOnce(fake, 4, prdPath);
    try {
      const totals = totalsOf(requestTokens(full.requests, full.docs));
      const fullUsd = fakeCost(fake);
      const revision = await measureRevision(fake, full.folder, {
        input: totals.input + totals.cacheWrite + totals.cacheRead,
        output: totals.output,
      });
      return { ...revision, costUsd: { fullRun: fullUsd, revision: fakeCost(fake) } };
    } finally {
      await fs.rm(full.folder.dir, { recursive: true, force: true });
    }
  } finally {
    await fake.close();
  }
}

async function size(file: string): Promise<number | null> {
  return fs.stat(path.join(repo, file)).then(
    (s) => s.size,
    () => null,
  );
}

async function main(): Promise<void> {
  const sizes = await answerSizes(path.join(corpus, 'answers'));
  // Warm-up (JIT, file system), unpaced and not reported.
  const warm = await startFakeAnthropic({ port: 0 });
  try {
    const w = await runOnce(warm, 2, prd);
    await fs.rm(w.folder.dir, { recursive: true, force: true });
  } finally {
    await warm.close();
  }
  const scenarios: Record<string, unknown>[] = [];
  const padded = await startFakeAnthropic({ port: 0, ...PACING, padTo: sizes.chars });
  try {
    scenarios.push(await scenario(`fake model, answers padded to the corpus sizes (${sizes.source})`, prd, padded));
  } finally {
    await padded.close();
  }
  if (existsSync(path.join(corpus, 'answers')) && process.env.BENCH_CORPUS !== '0') {
    const recorded: ReplayAnswers = upgradeRecordedAnswers(await loadReplay(path.join(corpus, 'answers')));
    const replay = await startFakeAnthropic({ port: 0, ...PACING, replay: recorded });
    try {
      scenarios.push(await scenario('real answers replayed', path.join(corpus, 'PRD.md'), replay));
    } finally {
      await replay.close();
    }
  }
  // The headline figures: the real answers when they are there, else the padded fake.
  type Figures = { name: string; ratios: Record<string, number>; costUsd: Record<string, number> };
  const last = scenarios[scenarios.length - 1] as Figures;
  const revision = (await revisionFigures(prd)) as { ratios: Record<string, number>; costUsd: Record<string, number> };
  // What a real model's revision would send for the same edit, estimated on the corpus's answers.
  const corpusRevision = existsSync(corpus) ? await corpusRevisionEstimate(corpus) : undefined;
  const primary: Figures = {
    name: last.name,
    ratios: {
      ...last.ratios,
      ...revision.ratios,
      ...(corpusRevision ? { revisionOutputOverFullRunCorpusEstimate: corpusRevision.ratio } : {}),
    },
    costUsd: { ...last.costUsd, revision: revision.costUsd.revision, fullRunBeforeRevision: revision.costUsd.fullRun },
  };
  const price = priceOf(BENCH_MODEL);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    primary: primary.name,
    revisionFrom: "the fake model's own answers (not padded), one-line PRD edit",
    ratios: primary.ratios,
    costUsd: primary.costUsd,
    model: BENCH_MODEL,
    prices: { date: PRICES_DATE, perMillionTokens: price.price },
    streaming: {
      tokensPerSecond: TOKENS_PER_SECOND,
      timeScale: TIME_SCALE,
      modelLatencyMs: MODEL_LATENCY_MS,
      answerSizes: sizes,
    },
    scenarios,
    revision,
    corpusRevision,
    activation: await measureActivation(repo),
    bundleBytes: {
      extension: await size('dist/extension.js'),
      extensionHost: await size('dist/extension-host.js'),
      anthropicSdk: await size('dist/anthropic-sdk.js'),
      cli: await size('dist/cli.js'),
      webview: await size('dist/webview.js'),
      webviewRenderer: await size('dist/webview-diagrams.js'),
      webviewMermaid: await size('dist/webview-mermaid.js'),
      markdownPreview: await size('dist/markdownPreview.js'),
    },
    preview: process.env.BENCH_PREVIEW === '0' ? null : await measurePreview(repo),
  };
  await fs.mkdir(path.join(repo, 'bench', 'results'), { recursive: true });
  await fs.writeFile(path.join(repo, 'bench', 'results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  const r = primary.ratios;
  const c = primary.costUsd;
  process.stdout.write(
    [
      '',
      `${primary.name}, ${BENCH_MODEL} at the prices of ${PRICES_DATE}:`,
      `  wall / step-level critical path ${r.wallOverStepCriticalPath}, wall / sequential ${r.wallOverSequential}`,
      `  full-price-equivalent input / naive ${r.fullPriceInputOverNaive} (naive without the C4 model file: ${r.fullPriceInputOverNaiveDocsOnly}; one call a step, as the sequential run: ${r.fullPriceInputOverNaiveOneCallPerStep})`,
      `  cost per run ${formatUsd(c.perRun)} (naive layout ${formatUsd(c.naivePerRun)})`,
      `  revision after a one-line PRD edit (fake model): output / full run ${r.revisionOutputOverFullRun}, ${formatUsd(c.revision)} against ${formatUsd(c.fullRunBeforeRevision)}${r.revisionOutputOverFullRunCorpusEstimate !== undefined ? `; corpus estimate ${r.revisionOutputOverFullRunCorpusEstimate}` : ''}`,
      `  activation (harness, median of ${result.activation.harness.runs}) ${result.activation.harness.totalMs} ms (max ${result.activation.harness.maxTotalMs}); extension.js ${result.bundleBytes.extension} bytes, extension-host.js ${result.bundleBytes.extensionHost} bytes`,
      ...result.activation.hostChecks.map(
        (h) =>
          `  activation in VS Code ${h.vscode ?? h.target} (host checks, ${h.samples} fresh hosts): Archflow's modules and activate() median ${h.own?.median ?? h.ms} ms, max ${h.own?.max ?? h.ms} ms; first line to activate() returned median ${h.loadAndActivate?.median ?? '-'} ms; command sent to activate() returned median ${h.commandToActivated?.median ?? '-'} ms, max ${h.commandToActivated?.max ?? '-'} ms`,
      ),
      'bench/results/latest.json written.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
