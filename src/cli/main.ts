/** The headless command line: the same engine as the extension, for CI pipelines, tests and benchmarks. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ApprovalError, recordApproval } from '../core/approval';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODEL,
  DEFAULT_OUTPUT_FOLDER,
  DEFAULT_RESOLVE_ROUNDS,
} from '../core/config';
import type { RunSummary } from '../core/engine';
import { PRICES_DATE, formatUsd } from '../core/pricing';
import { type RunEstimate, designCost, designCostText, estimateText, stepCost } from '../core/spend';
import type { ConflictResolver, EngineEvent } from '../core/events';
import { type ExitReport, criterionState } from '../core/exitCriteria';
import { createWorkflow } from '../core/factory';
import type { Logger } from '../core/log';
import { describeUsage } from '../core/llm/types';
import { STEP_IDS, type StepId, parseStepId, stepById, stepTitle } from '../core/steps';
import { readSnapshot, readWorkflowView } from '../core/snapshot';
import {
  cliApprovalVoidWarning,
  cliApprovalVoidedLine,
  cliCriterionReasons,
  cliErrorText,
  cliKeptText,
  cliMissingDerivedLine,
  cliRegeneratedLine,
  cliResolveText,
} from './messages';
import { exportSvgViews } from './export';
import { retryFromEnv } from './retryEnv';
import { serveMcp } from '../mcp/command';

const USAGE = `Usage:
  archflow design <PRD.md> [--out <dir>] [--steps 1,3,…] [--concurrency N] [--model ID]
                           [--max-tokens N] [--with-prerequisites] [--yes] [--fresh] [--verbose]
                           [--budget <usd>] [--estimate] [--part-concurrency N]
  archflow resolve <dir> [--prd <PRD.md>] [--rounds N] [--yes]
  archflow revise <dir> --step N --comment <text> [--prd <PRD.md>] [--yes]
  archflow status <dir> [--json] [--required-approvals "CTO,Security lead"]
  archflow check <dir> [--json] [--required-approvals "CTO,Security lead"]
  archflow approve <dir> --name <name> --role <role> [--comment <text>] [--required-approvals …]
  archflow export <dir> [--format svg]
  archflow mcp [--dir <output folder>] [--prd <PRD.md>] [--model ID] [--max-tokens N] [--concurrency N]
                [--part-concurrency N]

Environment: ANTHROPIC_API_KEY (required for design), ANTHROPIC_BASE_URL (optional endpoint).
design prints the run's expected tokens and dollars first (at list price, from the PRD's size, the
steps to run and what they used last time); --estimate prints them per step and runs nothing.
--budget stops the run before a model call that could take its spend past that many dollars
(the documents written so far are kept).
design exits 0 only when every requested step is done. A step that already has a document is
revised (its document, your edits included, is the base; the PRD diff and the changed documents
are sent). Without --yes (or --force) a revision never replaces a document: Archflow writes it
beside it (*.archflow-proposed.md) and says so. --fresh writes the documents anew instead.
resolve sends the open critical and high security findings to the steps they name, revises those
steps and their downstream, and has the security review review again, for at most --rounds rounds
(default 2); it exits 0 only when the verdict passes. Nothing is approved.
revise sends --comment to step N's agent and revises that step and its downstream.
check evaluates the five exit criteria from the files on disk, one line each (met, or not met
with its reasons), then the design's consistency (references to documents, sections, elements,
ADRs and ids that do not exist, ids defined twice, ARCHITECTURE.md's eleven sections, the
deployment view); it exits 0 only when all five are met and there is no consistency error;
--json prints the whole report (criteria, allMet, the requirement traceability matrix as
"trace", and "consistency").
approve records the approval of ARCHITECTURE.md as it is now in archflow.json; any later
change to ARCHITECTURE.md voids it (archflow.json keeps every approval and what voided it).
design prints a warning line before a run that voids a standing approval, and runs on; run
approve again afterwards. --required-approvals lists the roles that must each approve the
current content (the archflow.requiredApprovals setting of VS Code); without it one approval
of any role meets the criterion. check reports each criterion as met (with its evidence), not
met, or not yet (its steps are not done or are stale); status names derived files that are
missing, which the next design writes again without calling the model.
export writes every C4 view as diagrams/<view>.svg (title, legend, the preview's layout); PNG is
exported from the preview panel or the "Archflow: Export Diagrams" command.
mcp serves Archflow's tools (run the workflow, exit criteria, open findings, C4 model, step
status) to an MCP client over stdio, for the output folder --dir (default docs/architecture);
the run tool uses ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL like design. Logs go to stderr.`;

/** A usage error: printed with the usage text, exit code 2. */
class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set([
  'out',
  'steps',
  'concurrency',
  'part-concurrency',
  'model',
  'max-tokens',
  'prompts',
  'name',
  'role',
  'comment',
  'format',
  'dir',
  'prd',
  'rounds',
  'step',
  'required-approvals',
  'budget',
]);

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    // Split at the first "=" only: a value such as --comment="p95=180 ms" keeps its own.
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const inline = eq < 0 ? undefined : a.slice(eq + 1);
    if (VALUE_FLAGS.has(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    } else {
      flags.set(name, true);
    }
  }
  return { positional, flags };
}

/** `--part-concurrency N` (0-8): calls of a step written in parts at once; 0 writes each step in one call. */
function partConcurrencyFlag(p: Parsed): { partConcurrency?: number } {
  return p.flags.has('part-concurrency') ? { partConcurrency: intFlag(p, 'part-concurrency', 0, 0, 8) } : {};
}

function intFlag(p: Parsed, name: string, fallback: number, min: number, max: number): number {
  const v = p.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function parseSteps(v: string | true | undefined): StepId[] | 'all' {
  if (v === undefined) return 'all';
  if (v === true) throw new UsageError('--steps needs a list such as 1,3');
  const ids = v.split(',').map((x) => {
    const id = parseStepId(x);
    if (!id) {
      throw new UsageError(`--steps: "${x}" is not a step number ${STEP_IDS[0]}-${STEP_IDS[STEP_IDS.length - 1]}`);
    }
    return id;
  });
  return [...new Set(ids)].sort();
}

/** Progress events already say what happened; the engine's log lines are for --verbose. */
function stderrLogger(verbose: boolean): Logger {
  return {
    info: (m) => (verbose ? process.stderr.write(`  ${m}\n`) : undefined),
    warn: (m) => process.stderr.write(`  warning: ${m}\n`),
    error: (m) => process.stderr.write(`  error: ${m}\n`),
  };
}

function progress(e: EngineEvent): void {
  const out = (s: string): boolean => process.stderr.write(s + '\n');
  switch (e.type) {
    case 'run-started':
      out(
        e.steps.length
          ? `archflow: running ${e.steps.map((s) => `step ${s}`).join(', ')}`
          : 'archflow: every step is done and up to date',
      );
      break;
    case 'step-started':
      out(`▶ ${stepTitle(e.step)} (${stepById(e.step).agent})`);
      break;
    case 'step-retry':
      out(`↻ ${stepTitle(e.step)}: retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt}): ${e.reason}`);
      break;
    case 'step-repair':
      out(
        `⚠ ${stepTitle(e.step)}: output failed validation, asking the agent to repair it (${e.errors.length} problem(s))`,
      );
      break;
    case 'step-progress':
      out(`… ${stepTitle(e.step)}: ${e.text}`);
      break;
    case 'step-done':
      out(
        `✔ ${stepTitle(e.step)}: ${e.files.join(', ')} (tokens in ${e.usage.input}, out ${e.usage.output}, cache read ${e.usage.cacheRead}, cache write ${e.usage.cacheWrite})`,
      );
      break;
    case 'step-failed':
      out(`✖ ${stepTitle(e.step)}: ${cliErrorText(e.error)}`);
      break;
    case 'file-kept':
      out(cliKeptText(e));
      break;
    case 'step-text':
    case 'file-written':
    case 'run-finished':
      break;
  }
}

/** The engine of a CLI command; undefined (after saying why) without an API key. */
function cliEngine(p: Parsed, outputDir: string, prd: string): ReturnType<typeof createWorkflow> | undefined {
  // An estimate calls no model: it needs no key.
  const apiKey = process.env.ANTHROPIC_API_KEY || (p.flags.has('estimate') ? 'none' : undefined);
  if (!apiKey) {
    process.stderr.write('archflow: ANTHROPIC_API_KEY is not set. Export your Anthropic API key and run again.\n');
    return undefined;
  }
  const yes = p.flags.has('force') || p.flags.has('yes');
  const resolveConflict: ConflictResolver = async () => (yes ? 'overwrite' : 'beside');
  const promptsDir = path.join(__dirname, '..', 'prompts');
  const overrideDir = path.resolve(String(p.flags.get('prompts') ?? '.archflow/prompts'));
  return createWorkflow({
    outputDir,
    prdPath: path.resolve(prd),
    connection: { provider: 'anthropic', apiKey, baseURL: process.env.ANTHROPIC_BASE_URL },
    prompts: { builtinDir: promptsDir, overrideDir },
    settings: {
      model: String(p.flags.get('model') ?? DEFAULT_MODEL),
      maxTokens: intFlag(p, 'max-tokens', DEFAULT_MAX_TOKENS, 1024, 128000),
      concurrency: intFlag(p, 'concurrency', DEFAULT_CONCURRENCY, 1, 8),
      ...partConcurrencyFlag(p),
      ...budgetFlag(p),
    },
    retry: retryFromEnv(),
    resolveConflict,
    reviewRevisions: !yes,
    log: stderrLogger(p.flags.has('verbose')),
    // The CLI asks nothing: it warns on stderr and the run goes on (approve again afterwards).
    confirmApprovalVoid: async ({ approval, reason }) => {
      process.stderr.write(cliApprovalVoidWarning(approval, reason) + '\n');
      return true;
    },
  });
}

/** `--budget <usd>`: dollars a run may spend; absent or empty: no budget. */
function budgetFlag(p: Parsed): { budget?: { usd: number; setting: string } } {
  const v = p.flags.get('budget');
  if (v === undefined || v === '') return {};
  const usd = Number(v);
  if (v === true || !Number.isFinite(usd) || usd <= 0)
    throw new UsageError('--budget must be a number of dollars above 0 (e.g. --budget 2.50)');
  return { budget: { usd, setting: '--budget' } };
}

/** "expected: about … tokens, $… (3 steps)". */
function cliEstimateLine(e: RunEstimate): string {
  return `expected: ${estimateText(e)} (${e.steps.length} step${e.steps.length === 1 ? '' : 's'}; prices of ${PRICES_DATE})`;
}

/** The PRD of an output folder's run: --prd, else the one archflow.json names. */
async function runPrd(p: Parsed, dir: string): Promise<string> {
  const given = textFlag(p, 'prd');
  if (given) return path.resolve(given);
  const view = await readWorkflowView(dir);
  if (!view.prdPath) {
    throw new UsageError(`${dir} has no run with a PRD yet: pass --prd <PRD.md> or run "archflow design" first`);
  }
  return path.resolve(dir, view.prdPath);
}

/** Runs `work` with Ctrl+C cancelling it. */
async function cancellable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('archflow: cancelling…\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function resolveFindings(p: Parsed): Promise<number> {
  const dir = await outputFolder(p);
  const engine = cliEngine(p, dir, await runPrd(p, dir));
  if (!engine) return 2;
  const rounds = intFlag(p, 'rounds', DEFAULT_RESOLVE_ROUNDS, 1, 10);
  const result = await cancellable((signal) => engine.resolve({ rounds, signal, onEvent: progress }));
  for (const line of cliResolveText(result, p.flags.has('force') || p.flags.has('yes')))
    process.stderr.write(line + '\n');
  if (result.cancelled) return 130;
  return result.verdict === 'pass' ? 0 : 1;
}

async function revise(p: Parsed): Promise<number> {
  const stepText = textFlag(p, 'step');
  const comment = textFlag(p, 'comment');
  const step = stepText === undefined ? undefined : parseStepId(stepText);
  if (step === undefined) throw new UsageError('revise needs --step N (a step number)');
  if (!comment?.trim()) throw new UsageError('revise needs --comment "<what to change>"');
  const dir = await outputFolder(p);
  const engine = cliEngine(p, dir, await runPrd(p, dir));
  if (!engine) return 2;
  const summary = await cancellable((signal) =>
    engine.run({
      steps: [step],
      downstream: true,
      notes: { [step]: [{ id: 'CLI-1', text: comment, author: 'command line' }] },
      signal,
      onEvent: progress,
    }),
  );
  const ok = summary.failed.length === 0 && !summary.cancelled;
  process.stderr.write(
    `archflow: ${ok ? 'done' : summary.cancelled ? 'cancelled' : 'failed'}; revised ${summary.revised.map((s) => `step ${s}`).join(', ') || 'nothing'}${summary.addressed.length ? ' (the comment was addressed)' : ''}\n`,
  );
  return summary.cancelled ? 130 : ok ? 0 : 1;
}

async function design(p: Parsed): Promise<number> {
  const prd = p.positional[1];
  if (!prd) throw new UsageError('design needs the path of a PRD');
  const outputDir = path.resolve(String(p.flags.get('out') ?? DEFAULT_OUTPUT_FOLDER));
  const maybe = cliEngine(p, outputDir, prd);
  if (!maybe) return 2;
  const engine = maybe;
  const steps = parseSteps(p.flags.get('steps'));
  const estimating = engine.estimate(steps, p.flags.has('with-prerequisites'));
  // Before a run the estimate is a courtesy: a folder it cannot read is the run's to report.
  const estimate = p.flags.has('estimate') ? await estimating : await estimating.catch(() => undefined);
  if (estimate && estimate.steps.length > 0) process.stderr.write(`archflow: ${cliEstimateLine(estimate)}\n`);
  if (estimate && p.flags.has('estimate')) {
    for (const s of estimate.steps) {
      const tokens = s.usage.input + s.usage.cacheRead + s.usage.cacheWrite;
      process.stdout.write(
        `${stepTitle(s.step)}: about ${tokens.toLocaleString('en-US')} input and ${s.usage.output.toLocaleString('en-US')} output tokens, ${formatUsd(s.usd)} (${s.from === 'history' ? 'as its last run' : 'typical'})\n`,
      );
    }
    process.stdout.write(`Total: ${estimateText(estimate)} (prices of ${PRICES_DATE}); nothing was run.\n`);
    return 0;
  }
  const summary: RunSummary = await cancellable((signal) =>
    engine.run({
      steps,
      withPrerequisites: p.flags.has('with-prerequisites'),
      fresh: p.flags.has('fresh'),
      signal,
      onEvent: progress,
    }),
  );
  for (const a of summary.voidedApprovals ?? []) process.stderr.write(cliApprovalVoidedLine(a) + '\n');
  if (summary.regenerated?.length) process.stderr.write(cliRegeneratedLine(summary.regenerated) + '\n');
  // Every planned step (the requested ones, plus prerequisites when asked) either finished or not.
  const ok = summary.failed.length === 0 && summary.skipped.length === 0 && !summary.cancelled;
  process.stderr.write(
    `archflow: ${summary.cancelled ? 'cancelled' : ok ? 'done' : 'failed'}; output in ${outputDir}\n`,
  );
  return summary.cancelled ? 130 : ok ? 0 : 1;
}

/** The roles of --required-approvals ("CTO,Security lead"); empty: one approval of any role suffices. */
function requiredApprovalsFlag(p: Parsed): string[] {
  const v = textFlag(p, 'required-approvals');
  return v === undefined
    ? []
    : v
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
}

const STATE_MARK = { met: '✔ met    ', unmet: '✖ not met', 'not-yet': '… not yet' } as const;

async function status(p: Parsed): Promise<number> {
  const dir = path.resolve(p.positional[1] ?? DEFAULT_OUTPUT_FOLDER);
  const snapshot = await readSnapshot(dir, { requiredApprovals: requiredApprovalsFlag(p) });
  const { view } = snapshot;
  const missing = snapshot.missingDerived ?? [];
  const approval = snapshot.report?.criteria.find((c) => c.id === 'approval');
  if (p.flags.has('json')) {
    process.stdout.write(JSON.stringify({ ...view, missingDerived: missing, approval }, null, 2) + '\n');
  } else {
    process.stdout.write(`Archflow run in ${dir}${view.prdPath ? ` (PRD ${view.prdPath})` : ''}\n`);
    for (const s of view.steps) {
      const u = s.usage
        ? s.usage.unknown
          ? ` — tokens ${describeUsage(s.usage)}`
          : ` — tokens in ${s.usage.input}, out ${s.usage.output}, cache read ${s.usage.cacheRead}, cache write ${s.usage.cacheWrite}`
        : '';
      const usd = stepCost(s);
      const cost = usd !== undefined ? `, ${formatUsd(usd)}` : '';
      process.stdout.write(
        `${s.status.padEnd(11)} ${stepTitle(s.id)}${u}${cost}${s.reason ? `\n            ${s.reason}` : ''}\n`,
      );
    }
    const spent = designCost(view.steps);
    if (spent) process.stdout.write(`Spent: ${designCostText(spent)}, the steps' last runs\n`);
    for (const f of missing) process.stdout.write(cliMissingDerivedLine(f) + '\n');
    if (approval) {
      process.stdout.write(`${STATE_MARK[criterionState(approval)]}  ${approval.title}\n`);
      for (const r of [...cliCriterionReasons(approval), ...(approval.evidence ?? [])])
        process.stdout.write(`           ${terminalText(r)}\n`);
    }
  }
  return view.steps.every((s) => s.status === 'done') && missing.length === 0 ? 0 : 1;
}

/** Text from the design files made safe for a terminal: no escape sequences or line breaks. */
function terminalText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** The output folder of `check` and `approve`; it must exist (a typo must not read as "nothing met"). */
async function outputFolder(p: Parsed): Promise<string> {
  const dir = path.resolve(p.positional[1] ?? DEFAULT_OUTPUT_FOLDER);
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new Error(`${dir} is not a folder. Pass the output folder of a run (default ${DEFAULT_OUTPUT_FOLDER}).`);
  }
  return dir;
}

/** Evaluates the exit criteria of an output folder from the files as they are on disk. */
async function exitReport(dir: string, requiredApprovals: string[]): Promise<ExitReport> {
  const { report } = await readSnapshot(dir, { always: true, requiredApprovals });
  return report!;
}

async function check(p: Parsed): Promise<number> {
  const { report, consistency = [] } = await readSnapshot(await outputFolder(p), {
    always: true,
    requiredApprovals: requiredApprovalsFlag(p),
  });
  const errors = consistency.filter((i) => i.level === 'error');
  if (p.flags.has('json')) {
    process.stdout.write(JSON.stringify({ ...report!, consistency }, null, 2) + '\n');
  } else {
    for (const c of report!.criteria) {
      process.stdout.write(`${STATE_MARK[criterionState(c)]}  ${c.title}\n`);
      for (const r of cliCriterionReasons(c)) process.stdout.write(`           ${terminalText(r)}\n`);
      for (const e of c.evidence ?? []) process.stdout.write(`           evidence: ${terminalText(e)}\n`);
    }
    const warnings = consistency.length - errors.length;
    process.stdout.write(
      `${errors.length ? '✖ errors ' : '✔ ok     '}  Consistency of the design (${errors.length} error(s), ${warnings} warning(s))\n`,
    );
    for (const i of consistency) {
      process.stdout.write(`           ${i.level === 'error' ? 'error' : 'warning'}: ${terminalText(i.message)}\n`);
    }
  }
  return report!.allMet && errors.length === 0 ? 0 : 1;
}

function textFlag(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

async function approve(p: Parsed): Promise<number> {
  const name = textFlag(p, 'name');
  const role = textFlag(p, 'role');
  if (name === undefined || role === undefined) throw new UsageError('approve needs --name and --role');
  const dir = await outputFolder(p);
  const approval = await recordApproval(dir, { name, role, comment: textFlag(p, 'comment') }).catch((err: unknown) => {
    // Bad input or nothing to approve: say so, exit 2 like other usage problems.
    if (err instanceof ApprovalError) return err;
    throw err;
  });
  if (approval instanceof ApprovalError) {
    process.stderr.write(`archflow: ${approval.message}\n`);
    return 2;
  }
  process.stdout.write(
    `Recorded the approval of ARCHITECTURE.md (${approval.documentHash.slice(0, 19)}…) by ${approval.name} (${approval.role}) on ${approval.date.slice(0, 10)}.\n`,
  );
  const open = (await exitReport(dir, requiredApprovalsFlag(p))).criteria.filter((c) => !c.met);
  if (open.length > 0) {
    process.stderr.write(
      `archflow: note: not met yet: ${open.map((c) => c.title).join('; ')}. Run "archflow check" for the reasons.\n`,
    );
  }
  return 0;
}

async function exportViews(p: Parsed): Promise<number> {
  const format = textFlag(p, 'format') ?? 'svg';
  if (format === 'png') {
    throw new UsageError(
      'PNG needs a browser to rasterise the diagrams, which the CLI does not ship: use --format svg, or export PNG from the preview panel ("Archflow: Export Diagrams")',
    );
  }
  if (format !== 'svg') throw new UsageError(`--format must be svg (or png from the preview), not "${format}"`);
  const dir = await outputFolder(p);
  const written = await exportSvgViews(dir);
  for (const w of written) process.stdout.write(`${w.file} (${w.elements} elements, ${w.ms} ms)\n`);
  return 0;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const p = parseArgs(argv);
    if (p.flags.has('help') || p.positional[0] === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (p.positional.length === 0) throw new UsageError('no command given');
    switch (p.positional[0]) {
      case 'design':
        return await design(p);
      case 'status':
        return await status(p);
      case 'resolve':
        return await resolveFindings(p);
      case 'revise':
        return await revise(p);
      case 'check':
        return await check(p);
      case 'approve':
        return await approve(p);
      case 'export':
        return await exportViews(p);
      case 'mcp':
        return await serveMcp({
          dir: textFlag(p, 'dir'),
          prd: textFlag(p, 'prd'),
          settings: {
            model: String(p.flags.get('model') ?? DEFAULT_MODEL),
            maxTokens: intFlag(p, 'max-tokens', DEFAULT_MAX_TOKENS, 1024, 128000),
            concurrency: intFlag(p, 'concurrency', DEFAULT_CONCURRENCY, 1, 8),
            ...partConcurrencyFlag(p),
          },
        });
      default:
        throw new UsageError(`unknown command "${p.positional[0]}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`archflow: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`archflow: ${cliErrorText(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`archflow: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
