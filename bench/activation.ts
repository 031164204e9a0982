/**
 * Activation time of the extension (SPEC §10), reported, never asserted:
 * - from the host checks' report when one is in .test-output/e2e/<target>/host-checks.json: real
 *   VS Code in code-server, N activations each in a fresh extension host (the window reloaded in
 *   between); per sample, on the host's performance.now() from the moment archflow.refresh is sent
 *   (test/e2e/hostChecks/fixture.ts ActivationSample): the bundle's first and last lines, activate()
 *   called and returned, the command returned. `own` (the bundle's module evaluation plus activate():
 *   Archflow's code, synchronous) is the figure of the target; `loadAndActivate` (first line to
 *   activate() returned) adds VS Code's wait for the extension's context between the two, and
 *   `commandToActivated` everything from the command sent (VS Code resolving the activation, reading
 *   and compiling dist/extension.js). Median and maximum of each, with the machine's load average.
 * - always in a harness here: a fresh Node process loads dist/extension.js with a stand-in `vscode`
 *   module (every member a no-op) and calls activate(): Archflow's own part without VS Code's, and
 *   whether activation loaded the workflow host (dist/extension-host.js) or the SDK.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The child: a `vscode` whose every member is a callable, constructible no-op, then the timings. */
const HARNESS = String.raw`
const Module = require('node:module');
const make = () => {
  const fn = function () { return proxy; };
  const proxy = new Proxy(fn, {
    get: (_t, key) => (key === 'then' ? (a, b) => Promise.resolve(undefined).then(a, b) : key === Symbol.toPrimitive ? () => '' : key === Symbol.iterator ? function* () {} : proxy),
    set: () => true,
    defineProperty: () => true,
    apply: () => proxy,
    construct: () => proxy,
  });
  return proxy;
};
const NAMES = 'CancellationError CancellationTokenSource ChatFollowup ChatResponseFileTree Comment CommentMode CommentThreadCollapsibleState CommentThreadState ConfigurationTarget Disposable EventEmitter InputBoxValidationSeverity LanguageModelChatMessage LanguageModelError LanguageModelTextPart LanguageModelToolResult Location MarkdownString Position ProgressLocation Range RelativePattern StatusBarAlignment TextEditorRevealType ThemeColor ThemeIcon TreeItem TreeItemCollapsibleState Uri ViewColumn commands comments env extensions languages lm chat window workspace version'.split(' ');
const stub = Object.fromEntries(NAMES.map((n) => [n, make()]));
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
const t0 = performance.now();
const ext = require(process.argv[1]);
const t1 = performance.now();
let ok = true, error = '';
try { ext.activate(make()); } catch (e) { ok = false; error = String(e && e.message || e); }
const t2 = performance.now();
const sdk = Object.keys(require.cache).some((k) => k.includes('anthropic-sdk') || k.includes('@anthropic-ai'));
const host = Object.keys(require.cache).some((k) => k.endsWith('extension-host.js'));
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, ok, error, sdkLoaded: sdk, hostLoaded: host }));
`;

/** The harness's fresh processes. */
const HARNESS_RUNS = 9;

/** One activation in a real extension host, ms from archflow.refresh sent (test/e2e/hostChecks/fixture.ts). */
interface HostSample {
  firstLine: number;
  activated: number;
  commandDone: number;
  loadAndActivate: number;
  /** Absent in reports from before the bundle's last line was marked. */
  own?: number;
  load1?: number;
}

/** Median and maximum of N samples, ms. */
interface Spread {
  median: number;
  max: number;
}

export interface ActivationFigures {
  /** Median of HARNESS_RUNS fresh processes, ms (and the maximum of the total). */
  harness: {
    runs: number;
    requireMs: number;
    activateMs: number;
    totalMs: number;
    maxTotalMs: number;
    activateCompleted: boolean;
    sdkLoaded: boolean;
    /** Whether activate() loaded dist/extension-host.js (it must not: the first use does). */
    hostLoaded: boolean;
    error?: string;
  };
  /**
   * From host-checks.json of each VS Code the e2e tests ran, when present: `ms` is the median of
   * `own` (Archflow's module evaluation plus activate(), in a real extension host); the spreads are
   * over `samples` activations, each in a fresh extension host.
   */
  hostChecks: {
    target: string;
    vscode?: string;
    ms: number | null;
    samples: number;
    own?: Spread;
    loadAndActivate?: Spread;
    commandToActivated?: Spread;
    commandToFirstLine?: Spread;
    commandRoundTrip?: Spread;
    /** The machine's 1-minute load average during the samples (2 cores). */
    load1?: Spread;
    detail: string;
  }[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  const m = s.length % 2 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2;
  return +m.toFixed(1);
}

function spread(values: number[]): Spread {
  return { median: median(values), max: +Math.max(...values).toFixed(1) };
}

async function fromHostChecks(repo: string): Promise<ActivationFigures['hostChecks']> {
  const root = path.join(repo, '.test-output', 'e2e');
  if (!existsSync(root)) return [];
  const out: ActivationFigures['hostChecks'] = [];
  for (const target of await fs.readdir(root)) {
    const file = path.join(root, target, 'host-checks.json');
    const report = await fs
      .readFile(file, 'utf8')
      .then(
        (t) =>
          JSON.parse(t) as {
            vscodeVersion?: string;
            checks?: { name: string; detail: string }[];
            activations?: HostSample[];
          },
      )
      .catch(() => undefined);
    const check = report?.checks?.find((c) => /activat/.test(c.name) && /\d+ ms/.test(c.detail));
    if (!check) continue;
    const samples = report?.activations ?? [];
    if (samples.length === 0) {
      // An older report: one activation, "loading its modules and activate() took N ms".
      const ms = /and activate\(\) took ([\d.]+) ms/.exec(check.detail);
      out.push({
        target,
        vscode: report?.vscodeVersion,
        ms: ms ? Number(ms[1]) : null,
        samples: 0,
        detail: check.detail,
      });
      continue;
    }
    const own = samples.every((a) => a.own !== undefined) ? spread(samples.map((a) => a.own ?? 0)) : undefined;
    const loadAndActivate = spread(samples.map((a) => a.loadAndActivate));
    const loads = samples.flatMap((a) => (a.load1 === undefined ? [] : [a.load1]));
    out.push({
      target,
      vscode: report?.vscodeVersion,
      ms: (own ?? loadAndActivate).median,
      samples: samples.length,
      ...(own ? { own } : {}),
      loadAndActivate,
      commandToActivated: spread(samples.map((a) => a.activated)),
      commandToFirstLine: spread(samples.map((a) => a.firstLine)),
      commandRoundTrip: spread(samples.map((a) => a.commandDone)),
      ...(loads.length > 0 ? { load1: spread(loads) } : {}),
      detail: check.detail,
    });
  }
  return out;
}

export async function measureActivation(repo: string): Promise<ActivationFigures> {
  const bundle = path.join(repo, 'dist', 'extension.js');
  const runs: {
    requireMs: number;
    activateMs: number;
    ok: boolean;
    error: string;
    sdkLoaded: boolean;
    hostLoaded: boolean;
  }[] = [];
  for (let i = 0; i < HARNESS_RUNS; i++) {
    const out = execFileSync(process.execPath, ['-e', HARNESS, bundle], { encoding: 'utf8', cwd: repo });
    runs.push(JSON.parse(out) as (typeof runs)[number]);
  }
  const requireMs = median(runs.map((r) => r.requireMs));
  const activateMs = median(runs.map((r) => r.activateMs));
  const totals = runs.map((r) => r.requireMs + r.activateMs);
  return {
    harness: {
      runs: runs.length,
      requireMs,
      activateMs,
      totalMs: median(totals),
      maxTotalMs: +Math.max(...totals).toFixed(1),
      activateCompleted: runs.every((r) => r.ok),
      sdkLoaded: runs.some((r) => r.sdkLoaded),
      hostLoaded: runs.some((r) => r.hostLoaded),
      ...(runs.some((r) => !r.ok) ? { error: runs.find((r) => !r.ok)?.error } : {}),
    },
    hostChecks: await fromHostChecks(repo),
  };
}
