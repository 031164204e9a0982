/**
 * The workflow engine, a conductor: it plans a run, takes the folder's lock, runs the steps as a
 * DAG and keeps archflow.json. Running an agent (agentStep.ts), retrying calls (llm/resilient.ts),
 * writing files (writer.ts) and building derived files (derived/) are the jobs of other units.
 */
import * as path from 'node:path';
import { DEFAULT_PART_CONCURRENCY, runAdrParts } from './agentParts';
import { runSectionParts } from './agentSections';
import { hasSectionGroups } from './sectionParts';
import { type CallTally, runAgentStep } from './agentStep';
import { costOf } from './pricing';
import { type Budget, type RunEstimate, callCost, checkBudget, estimateRun, expectedOutput } from './spend';
import { CacheMirror } from './callEstimate';
import { HAND_EDIT_VOIDING, approvalsOf, architectureHash, voidStaleApprovals } from './approval';
import { loadBundle } from './bundle';
import { DERIVED_WRITERS } from './derived';
import type { ConflictResolver, EngineEvent, WorkflowView } from './events';
import { blocksVerdict, computeVerdict, parseFindingsTable } from './findings';
import { hashText } from './hash';
import { LlmError, type LlmClient, type LlmRequest, type Usage, type UsageTotals, ZERO_USAGE } from './llm/types';
import type { Finding } from './model';
import { REVISION_PROMPT } from './prompts';
import {
  type RevisionChanges,
  type RevisionNote,
  hasChanges,
  lineDiff,
  readPrdSnapshot,
  readStoredAnswer,
  revisionBase,
  revisionText,
  writePrdSnapshot,
  writeStoredAnswer,
} from './revision';
import type { Logger } from './log';
import { readPrd } from './prd';
import type { PromptSource } from './prompts';
import { acquireRunLock } from './runLock';
import { RunFiles } from './runFiles';
import { RunState } from './runState';
import { runDag } from './scheduler';
import { type Approval, type StepRecord, deriveView, loadState } from './state';
import { StepError } from './stepError';
import { stepFiles } from './stepFiles';
import { type RunPrd, gatherStepInputs } from './stepInputs';
import {
  type AgentId,
  LAYOUT,
  STEP_IDS,
  type StepDef,
  type StepId,
  downstreamOf,
  stepById,
  stepTitle,
  stepWithBlock,
  upstreamOf,
} from './steps';
import { ArtifactStore } from './store';
import { FileWriter } from './writer';
import { FsError } from './fsError';

export { DEFAULT_RETRY, type RetryPolicy, resolveRetryPolicy } from './llm/resilient';
export { readWorkflowView } from './snapshot';
export { resetRun } from './state';
export { StepError } from './stepError';
export { besideName } from './writer';
export type { RevisionNote } from './revision';

/** Settings the engine reads (each host fills them from its own configuration). */
export interface EngineSettings {
  model: string;
  agentModels?: Partial<Record<AgentId, string>>;
  maxTokens: number;
  concurrency: number;
  /**
   * Calls of a step written in parts that run at once (the decision step: its list, then the
   * summary and groups of ADRs, docs/adr/0014; steps 1-7: their outline, then groups of sections,
   * docs/adr/0017). 0 writes every step in one call. Default DEFAULT_PART_CONCURRENCY; 0 whatever it
   * says when `concurrency` is 1: one call at a time is what that setting asks for.
   */
  partConcurrency?: number;
  /** Dollars a run may spend at list price (spend.ts); a call that could pass it is not made. */
  budget?: Budget;
}

export interface EngineOptions {
  /** Absolute path of the output folder (e.g. <workspace>/docs/architecture). */
  outputDir: string;
  /** Absolute path of the PRD. */
  prdPath: string;
  /** The model port, retries and idle watchdog included (see factory.ts). */
  llm: LlmClient;
  prompts: PromptSource;
  settings: EngineSettings;
  resolveConflict: ConflictResolver;
  /**
   * Ask the resolver before a revision replaces any existing step document (reason 'revision'),
   * not only a hand-edited one. A revision not accepted leaves the step as it was.
   */
  reviewRevisions?: boolean;
  log: Logger;
  now?: () => Date;
  /**
   * Asked BEFORE a run that would change an approved ARCHITECTURE.md (its plan runs a step while an
   * approval of the current content stands): `reason` names the run. false = the run does not start and
   * nothing is written. Without it the run goes on (the voiding is recorded in archflow.json either way).
   */
  confirmApprovalVoid?: (info: { approval: Approval; reason: string }) => Promise<boolean>;
}

export interface RunOptions {
  /** Steps to run; 'all' runs every step that is not done and up to date. */
  steps: StepId[] | 'all';
  /** Also run missing or stale prerequisites of the requested steps. */
  withPrerequisites?: boolean;
  signal: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
  /** Comments, change requests and findings addressed to a step: a step with notes is revised even if up to date. */
  notes?: Partial<Record<StepId, RevisionNote[]>>;
  /**
   * Also revise the steps downstream of the requested ones; such a step whose inputs are unchanged
   * when its turn comes (its upstream revisions changed nothing, or were not accepted) is not called.
   */
  downstream?: boolean;
  /** Write the documents anew instead of revising them (a step still reads its previous document where its row says). */
  fresh?: boolean;
}

/** A step that failed: the host-neutral message, the error's kind, and the error for the host to word. */
export interface StepFailure {
  step: StepId;
  message: string;
  kind?: string;
  error?: Error;
}

export interface RunSummary {
  done: StepId[];
  failed: StepFailure[];
  skipped: StepId[];
  cancelled: boolean;
  /** Steps whose existing document was revised, and the revision accepted. */
  revised: StepId[];
  /** Ids of the notes that accepted revisions answered. */
  addressed: string[];
  /** Steps that were revised with nothing to change, or not called because nothing changed for them. */
  unchanged?: StepId[];
  /** The user kept the approval (confirmApprovalVoid said no): the run did not start. */
  declined?: 'approval';
  /** Approvals this run voided (their `voided` says by what and when). */
  voidedApprovals?: Approval[];
  /** Derived files that were missing and were written again (no step had to run for them). */
  regenerated?: string[];
}

/** One round of `resolve`: the steps revised, and the blocking findings before and after. */
export interface ResolveRound {
  round: number;
  revised: StepId[];
  findingsBefore: string[];
  findingsAfter: string[];
}

/** What `resolve` did: the verdict at the end, its rounds, what it cost. */
export interface ResolveResult {
  verdict: 'pass' | 'fail';
  rounds: ResolveRound[];
  /** Blocking findings open at the start and closed at the end. */
  resolved: string[];
  /** Blocking findings still open. */
  open: string[];
  /** All input tokens (cache reads and writes included) and output tokens of the rounds. */
  usage: { inputTokens: number; outputTokens: number };
  /** A round's provider did not report its usage (VS Code's language models): the counts are not the cost. */
  usageUnknown?: boolean;
  /** A round's run failed or was cancelled: the loop stopped there. */
  failed?: StepFailure[];
  cancelled?: boolean;
}

/** How one step ended. */
type StepOutcome = 'written' | 'revised' | 'unchanged' | 'declined';

export interface Plan {
  run: StepId[];
  /** Prerequisites of requested steps that are not done and up to date. */
  missingPrerequisites: StepId[];
}

/** What one run shares between its steps. */
interface RunContext {
  prd: RunPrd;
  files: RunFiles;
  state: RunState;
  writer: FileWriter;
  signal: AbortSignal;
  emit: (event: EngineEvent) => void;
  notes: Partial<Record<StepId, RevisionNote[]>>;
  /** Steps in the plan only as downstream of others: not called when nothing changed for them. */
  ifChanged: Set<StepId>;
  outcomes: Map<StepId, StepOutcome>;
  fresh: boolean;
  /** Dollars spent by the steps of this run that finished (done or failed), at list price. */
  spentUsd: number;
  /** The prompt cache as this run's calls left it: what a next call will read from it. */
  cache: CacheMirror;
  /** The calls let through and not yet ended, with what each was expected to cost. */
  inFlight: Map<LlmRequest, { step: StepId; usd: number; output: number }>;
}

/** The steps `steps` asks for given their status: all not done, or those named (and their missing prerequisites). */
function planOf(view: WorkflowView, steps: StepId[] | 'all', withPrerequisites: boolean): Plan {
  const status = new Map(view.steps.map((s) => [s.id, s.status]));
  if (steps === 'all') return { run: STEP_IDS.filter((id) => status.get(id) !== 'done'), missingPrerequisites: [] };
  const requested = new Set(steps);
  const missing = new Set<StepId>();
  for (const id of requested) {
    for (const up of upstreamOf(id)) if (!requested.has(up) && status.get(up) !== 'done') missing.add(up);
  }
  const missingPrerequisites = STEP_IDS.filter((id) => missing.has(id));
  const run = STEP_IDS.filter((id) => requested.has(id) || (withPrerequisites && missing.has(id)));
  return { run, missingPrerequisites };
}

function isCancel(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof LlmError && err.kind === 'cancelled');
}

/** Runs the workflow for one PRD and output folder; build it with `createWorkflow` (factory.ts). */
export class WorkflowEngine {
  readonly store: ArtifactStore;
  private readonly running = new Set<StepId>();
  /** The state of the run in progress, so `view()` during a run sees what it recorded. */
  private runState: RunState | undefined;

  constructor(readonly options: EngineOptions) {
    this.store = new ArtifactStore(options.outputDir);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The current status of every step, derived from archflow.json and the files on disk. */
  async view(): Promise<WorkflowView> {
    const prd = await readPrd(this.options.prdPath).catch(() => undefined);
    const state = this.runState?.current ?? (await loadState(this.store));
    const view = await deriveView(this.store, state, prd?.text, this.running);
    return { ...view, prdPath: this.options.prdPath };
  }

  /** What a run of `steps` would do. */
  async plan(steps: StepId[] | 'all', withPrerequisites = false): Promise<Plan> {
    return planOf(await this.view(), steps, withPrerequisites);
  }

  /**
   * What a run of `steps` is expected to use and cost (spend.ts): from the PRD's size, the steps
   * the run would call, and what each used last time (archflow.json).
   */
  async estimate(steps: StepId[] | 'all', withPrerequisites = false): Promise<RunEstimate> {
    const prd = await readPrd(this.options.prdPath);
    const state = this.runState?.current ?? (await loadState(this.store));
    const plan = await this.plan(steps, withPrerequisites);
    const { settings } = this.options;
    return estimateRun(
      prd.text.length,
      plan.run,
      state,
      (id) => settings.agentModels?.[stepById(id).agent] || settings.model,
    );
  }

  /** Runs the planned steps as a DAG, at most `settings.concurrency` at once. */
  async run(options: RunOptions): Promise<RunSummary> {
    const emit = (e: EngineEvent): void => {
      try {
        options.onEvent?.(e);
      } catch (err) {
        this.options.log.warn(`event listener failed: ${(err as Error).message}`);
      }
    };
    // The PRD is read and checked once; every step and the staleness check use this text.
    const text = (await readPrd(this.options.prdPath)).text;
    const prd: RunPrd = { name: path.basename(this.options.prdPath), text, hash: hashText(text) };
    const release = await acquireRunLock(this.store, this.now());
    let summary: RunSummary;
    try {
      // Holding the lock, no other run writes here: temporary files are a killed run's leftovers.
      const leftovers = await this.store.removeLeftovers();
      if (leftovers.length > 0)
        this.options.log.info(`Removed leftovers of an interrupted run: ${leftovers.join(', ')}.`);
      summary = await this.runLocked(options, prd, emit);
    } finally {
      this.runState = undefined;
      await release();
    }
    // After the lock is gone: whoever reacts to the end of the run finds the folder at rest.
    const { done, failed, skipped, cancelled } = summary;
    emit({ type: 'run-finished', done, failed: failed.map((f) => f.step), skipped, cancelled });
    return summary;
  }

  private async runLocked(options: RunOptions, prd: RunPrd, emit: (e: EngineEvent) => void): Promise<RunSummary> {
    const { log } = this.options;
    const files = new RunFiles(this.store);
    const state = await RunState.load(files, () => this.now());
    this.runState = state;
    const view = await deriveView(files, state.current, prd.text, this.running);
    const plan = planOf(view, options.steps, options.withPrerequisites ?? false);
    const notes = options.notes ?? {};
    const ifChanged = new Set<StepId>();
    const withNotes = STEP_IDS.filter((id) => (notes[id]?.length ?? 0) > 0);
    const extra = new Set<StepId>(withNotes.filter((id) => !plan.run.includes(id)));
    if (options.downstream) {
      for (const id of [...plan.run, ...extra])
        for (const d of downstreamOf(id))
          if (!plan.run.includes(d) && !extra.has(d) && !withNotes.includes(d)) {
            extra.add(d);
            ifChanged.add(d);
          }
    }
    if (extra.size > 0) plan.run = STEP_IDS.filter((id) => plan.run.includes(id) || extra.has(id));
    // A prerequisite this run revises anyway (as a downstream step) is not missing.
    const missing = plan.missingPrerequisites.filter((id) => !plan.run.includes(id));
    if (!options.withPrerequisites && missing.length > 0 && options.steps !== 'all') {
      const names = missing.map((s) => stepTitle(s)).join(', ');
      // The requested steps are in the plan, so it has a first step: the one the error is about.
      throw new StepError(
        plan.run[0]!,
        'prerequisites',
        `Run ${names} first: the requested step needs their documents.`,
        { missing },
      );
    }
    const architectureBefore = await files.read(LAYOUT.architecture);
    const hashBefore = architectureBefore === undefined ? undefined : architectureHash(architectureBefore);
    const standing = approvalsOf(state.current).filter((a) => !a.voided && a.documentHash === hashBefore);
    const reason = `the run of ${plan.run.map((s) => stepTitle(s)).join(', ')}`;
    if (plan.run.length > 0 && standing.length > 0 && this.options.confirmApprovalVoid) {
      const approval = standing[standing.length - 1]!;
      if (!(await this.options.confirmApprovalVoid({ approval, reason }))) {
        log.info(`Run not started: the approval by ${approval.name} (${approval.role}) is kept.`);
        return {
          done: [],
          failed: [],
          skipped: [],
          cancelled: false,
          declined: 'approval',
          revised: [],
          addressed: [],
        };
      }
    }
    const prdRel = path.relative(this.options.outputDir, this.options.prdPath).split(path.sep).join('/');
    await state.update((s) => {
      s.prd = { path: prdRel, hash: prd.hash };
      // A hand edit since the approval voided it: the history says so now that Archflow sees it.
      voidStaleApprovals(s, hashBefore, HAND_EDIT_VOIDING, this.now());
    });
    // The next run tells each step what changed in the PRD since it ran.
    await writePrdSnapshot(files, prd.hash, prd.text);
    emit({ type: 'run-started', steps: plan.run });
    log.info(`Run started: ${plan.run.map((s) => `step ${s}`).join(', ') || 'nothing to do'} (PRD ${prdRel}).`);

    const writer = new FileWriter({ files, hashes: state, resolveConflict: this.options.resolveConflict, log, emit });
    const outcomes = new Map<StepId, StepOutcome>();
    const run: RunContext = {
      prd,
      files,
      state,
      writer,
      signal: options.signal,
      emit,
      notes,
      ifChanged,
      outcomes,
      fresh: options.fresh ?? false,
      spentUsd: 0,
      cache: new CacheMirror(() => this.now().getTime()),
      inFlight: new Map(),
    };
    const failures = new Map<StepId, StepFailure>();
    const result = await runDag(
      plan.run.map((id) => ({ id, needs: stepById(id).needs })),
      this.options.settings.concurrency,
      async (id) => {
        try {
          await this.runStep(id, run);
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          const cancelled = isCancel(err, options.signal);
          const message = cancelled ? 'Cancelled.' : error.message;
          const kind = err instanceof LlmError || err instanceof StepError ? err.kind : undefined;
          failures.set(id, { step: id, message, kind, error });
          if (cancelled) log.info(`${stepTitle(id)} was cancelled.`);
          else log.error(`${stepTitle(id)} failed: ${message}`);
          // The system's own code, for whoever reads the log in detail.
          if (err instanceof FsError) log.info(`${stepTitle(id)}: ${err.logText}`);
          emit({ type: 'step-failed', step: id, message, error });
          throw err;
        }
      },
      options.signal,
    );
    // After steps ran every derived file is rebuilt; otherwise only the missing ones are written again.
    const regenerated = await this.writeDerived(run, result.done.length === 0).catch((err: Error) => {
      log.error(`Could not assemble the documents: ${err.message}`);
      return [] as string[];
    });
    if (result.done.length === 0 && regenerated.length > 0) {
      log.info(`Wrote the missing derived files again: ${regenerated.join(', ')}.`);
    }
    const architectureAfter = await files.read(LAYOUT.architecture);
    const hashAfter = architectureAfter === undefined ? undefined : architectureHash(architectureAfter);
    let voidedApprovals: Approval[] = [];
    if (hashAfter !== hashBefore) {
      await state.update((s) => {
        voidedApprovals = voidStaleApprovals(s, hashAfter, reason, this.now());
      });
      for (const a of voidedApprovals) log.warn(`The approval by ${a.name} (${a.role}) was voided by ${reason}.`);
    }
    const cancelled = options.signal.aborted;
    log.info(
      `Run finished: done ${result.done.join(', ') || '-'}; failed ${result.failed.join(', ') || '-'}; skipped ${result.skipped.join(', ') || '-'}${cancelled ? ' (cancelled)' : ''}.`,
    );
    const revised = result.done.filter((id) => outcomes.get(id) === 'revised');
    return {
      done: result.done,
      failed: result.failed.map((step) => failures.get(step) ?? { step, message: 'failed' }),
      skipped: result.skipped,
      cancelled,
      revised,
      addressed: revised.flatMap((id) => (notes[id] ?? []).flatMap((n) => (n.id ? [n.id] : []))),
      unchanged: result.done.filter((id) => outcomes.get(id) === 'unchanged'),
      ...(voidedApprovals.length > 0 ? { voidedApprovals } : {}),
      ...(result.done.length === 0 && regenerated.length > 0 ? { regenerated } : {}),
    };
  }

  /** One step: its inputs, its agent, its files, its record. */
  private async runStep(id: StepId, run: RunContext): Promise<void> {
    try {
      await this.runStepOnce(id, run);
    } finally {
      const t = this.tallies.get(id);
      if (t) run.spentUsd += costOf(t.tally.usage, t.model);
      this.tallies.delete(id);
    }
  }

  /** Each running step's calls so far and its model: added to the run's spend when it ends. */
  private readonly tallies = new Map<StepId, { tally: CallTally; model: string }>();

  private async runStepOnce(id: StepId, run: RunContext): Promise<void> {
    const { settings, log } = this.options;
    const def = stepById(id);
    const started = this.now();
    const model = settings.agentModels?.[def.agent] || settings.model;
    const tally: CallTally = { usage: ZERO_USAGE, attempts: 0 };
    this.tallies.set(id, { tally, model });
    const inputs = await gatherStepInputs(def, run.files, run.prd, run.state.current);
    // From disk: the user's version, edited or not, is the base of the revision.
    const current = await run.files.readFresh(def.document);
    const changes = current === undefined || run.fresh ? undefined : await this.changesFor(def, inputs.inputs, run);
    if (changes && !hasChanges(changes) && run.ifChanged.has(id)) {
      log.info(`${stepTitle(id)}: nothing changed in its inputs; not revised.`);
      run.outcomes.set(id, 'unchanged');
      return;
    }
    this.running.add(id);
    run.emit({ type: 'step-started', step: id, attempt: 1 });
    try {
      let revision: { base: string; text: string } | undefined;
      if (current !== undefined && changes) {
        const base = revisionBase(current, await readStoredAnswer(run.files, def));
        const prompt = (await this.options.prompts.read(REVISION_PROMPT)).text;
        revision = { base: base.text, text: revisionText(def, base, changes, prompt) };
        // The current document is the revision's base; it is not sent twice.
        inputs.upstream = inputs.upstream.filter((d) => d.step !== id);
        log.info(
          `${stepTitle(id)}: revising ${def.document}${base.edited.length ? ` (your edits of ${base.edited.join(', ')} are the base)` : ''}.`,
        );
      }
      const request = { prd: run.prd, model, maxTokens: settings.maxTokens, revision };
      const deps = {
        llm: this.options.llm,
        prompts: this.options.prompts,
        log,
        emit: run.emit,
        signal: run.signal,
        // The budget: before each call (every part's too), what the run spent, what its calls
        // still running are expected to cost, and what this call is expected to cost, its input
        // as the cache will bill it (callEstimate.ts).
        beforeCall: (request: LlmRequest, used: UsageTotals) => {
          const budget = settings.budget;
          if (!budget) return;
          const last = run.state.current.steps[String(id) as `${StepId}`]?.usage;
          const running = [...this.tallies].filter(([s]) => s !== id);
          const flying = [...run.inFlight.values()];
          const spent =
            run.spentUsd +
            costOf(used, model) +
            running.reduce((n, [, t]) => n + costOf(t.tally.usage, t.model), 0) +
            flying.reduce((n, c) => n + c.usd, 0);
          const reserved = flying.filter((c) => c.step === id).reduce((n, c) => n + c.output, 0);
          const output = expectedOutput(id, last && !last.unknown ? last.output : undefined, used.output, reserved);
          const usd = callCost(request.model, run.cache.forecast(request), output);
          checkBudget(budget, id, spent, usd);
          run.inFlight.set(request, { step: id, usd, output });
        },
        afterCall: (request: LlmRequest, usage: Usage | undefined) => {
          run.inFlight.delete(request);
          if (usage) run.cache.record(request, usage);
        },
      };
      const parts = settings.concurrency <= 1 ? 0 : (settings.partConcurrency ?? DEFAULT_PART_CONCURRENCY);
      // A revision answers only the sections it changes: it stays one call.
      const inParts = revision === undefined && parts > 0;
      const answer =
        inParts && def.blocks.includes('adrs')
          ? await runAdrParts(def, inputs, request, deps, tally, parts)
          : inParts && hasSectionGroups(def)
            ? await runSectionParts(def, inputs, request, deps, tally, parts)
            : await runAgentStep(def, inputs, request, deps, tally);
      if (run.signal.aborted) throw new LlmError('cancelled', { provider: this.options.llm.provider });
      const today = this.now().toISOString().slice(0, 10);
      const out = await stepFiles(answer.parsed, run.state.current.adrs, today, (rel) => run.files.read(rel));
      const rendered = out.files.get(def.document) ?? '';
      const outcome = await this.acceptRevision(def, revision !== undefined, answer.changed, current, rendered, run);
      run.outcomes.set(id, outcome);
      if (outcome === 'declined') {
        // Nothing of this answer is written: the step stays as it was, for its downstream too.
        log.info(`${stepTitle(id)}: the revision was not accepted; ${def.document} stays as it is.`);
        run.emit({ type: 'step-done', step: id, usage: tally.usage, files: [] });
        return;
      }
      if (outcome === 'unchanged') out.files.clear();
      if (out.adrs && outcome !== 'unchanged') {
        const adrs = out.adrs;
        await run.state.update((s) => {
          for (const r of adrs) {
            const i = s.adrs.findIndex((a) => a.number === r.number);
            const entry = { key: r.key, number: r.number, title: r.title, file: r.file, date: r.date };
            if (i >= 0) s.adrs[i] = entry;
            else s.adrs.push(entry);
          }
          s.adrs.sort((a, b) => a.number - b.number);
        });
      }
      const review = this.options.reviewRevisions && revision !== undefined;
      const written = await run.writer.write(out.files, {
        step: id,
        // A revision's document was asked about already (or needed no question).
        accepted: outcome === 'revised' ? new Set([def.document]) : undefined,
        review: review ? new Set([...out.files.keys()].filter((f) => f !== LAYOUT.c4Model)) : undefined,
      });
      if (outcome !== 'unchanged')
        await writeStoredAnswer(run.files, def, { answer: answer.parsed.text, written: rendered });
      const finished = this.now();
      const previous = run.state.current.steps[id];
      const record: StepRecord = {
        status: 'done',
        inputs: inputs.inputs,
        files: outcome === 'unchanged' && previous ? previous.files : written,
        model: answer.model,
        usage: tally.usage,
        attempts: tally.attempts,
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        durationMs: finished.getTime() - started.getTime(),
      };
      const findings = outcome === 'unchanged' ? undefined : answer.parsed.review;
      await run.state.update((s) => {
        s.steps[id] = record;
        if (findings) {
          const review = findings;
          const open: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
          for (const f of review.findings) if (f.status === 'open') open[f.severity]++;
          s.security = { verdict: review.verdict, open };
        }
      });
      const u = tally.usage;
      log.info(
        u.unknown
          ? `${stepTitle(id)} done in ${record.durationMs} ms: token usage unknown (the provider does not report it) (${answer.model}).`
          : `${stepTitle(id)} done in ${record.durationMs} ms: ${u.input} input, ${u.output} output, ${u.cacheRead} cache read, ${u.cacheWrite} cache write tokens (${answer.model}).`,
      );
      run.emit({ type: 'step-done', step: id, usage: tally.usage, files: written });
    } catch (err) {
      if (!isCancel(err, run.signal)) await this.recordFailure(id, run, err as Error, { model, started, tally });
      throw err;
    } finally {
      this.running.delete(id);
    }
  }

  /** What changed for a step with a document since it ran: the PRD diff, changed upstream documents, its notes. */
  private async changesFor(def: StepDef, now: Record<string, string>, run: RunContext): Promise<RevisionChanges> {
    const before = run.state.current.steps[def.id]?.inputs ?? {};
    let prdDiff: RevisionChanges['prdDiff'];
    if (def.reads.prd && before.PRD !== run.prd.hash) {
      const old = before.PRD ? await readPrdSnapshot(run.files, before.PRD) : undefined;
      prdDiff = (old !== undefined ? lineDiff(old, run.prd.text) : undefined) ?? 'substantial';
    }
    const upstreamChanged = Object.keys(now).filter((k) => k !== 'PRD' && before[k] !== now[k]);
    return { prdDiff, upstreamChanged, notes: run.notes[def.id] ?? [] };
  }

  /**
   * Whether a step's answer replaces its document. A first run writes it; a revision that changes
   * nothing leaves it; with `reviewRevisions` the resolver is asked before a revision replaces it
   * (a hand-edited document is asked about by the writer in any case).
   */
  private async acceptRevision(
    def: StepDef,
    revising: boolean,
    changed: string[] | undefined,
    current: string | undefined,
    proposed: string,
    run: RunContext,
  ): Promise<StepOutcome> {
    if (!revising || current === undefined) return 'written';
    if ((changed?.length ?? 0) === 0 || current === proposed) return 'unchanged';
    const userEdited = !run.state.known(def.document).includes(hashText(current));
    if (!this.options.reviewRevisions && !userEdited) return 'revised';
    const conflict = {
      file: def.document,
      current,
      proposed,
      step: def.id,
      userEdited,
      reason: 'revision' as const,
    };
    const choice = await run.writer.ask(conflict);
    if (choice === 'overwrite') return 'revised';
    await run.writer.decline(conflict, choice);
    return 'declined';
  }

  /** The findings of the security review as its document on disk states them. */
  async findings(): Promise<Finding[]> {
    const text = await this.store.read(stepWithBlock('findings').document);
    return text === undefined ? [] : parseFindingsTable(text);
  }

  /**
   * The resolve loop: the open critical and high findings go as notes to the steps each names;
   * those steps and their downstream are revised, and the security review reviews again with its
   * previous findings. At most `rounds` rounds; it stops early when the verdict passes or a round
   * changes nothing. Nothing is approved.
   */
  async resolve(opts: {
    rounds: number;
    signal: AbortSignal;
    onEvent?: (e: EngineEvent) => void;
  }): Promise<ResolveResult> {
    const review = stepWithBlock('findings');
    const usage = { inputTokens: 0, outputTokens: 0 };
    let usageUnknown = false;
    const onEvent = (e: EngineEvent): void => {
      if (e.type === 'step-done') {
        usage.inputTokens += e.usage.input + e.usage.cacheRead + e.usage.cacheWrite;
        usage.outputTokens += e.usage.output;
        if (e.usage.unknown) usageUnknown = true;
      }
      opts.onEvent?.(e);
    };
    const blockingIds = (fs: Finding[]): string[] => fs.filter(blocksVerdict).map((f) => f.id);
    let findings = await this.findings();
    const initial = blockingIds(findings);
    const rounds: ResolveRound[] = [];
    const result = (extra: Partial<ResolveResult> = {}): ResolveResult => {
      const open = blockingIds(findings);
      return {
        verdict: findings.length > 0 || open.length === 0 ? computeVerdict(findings) : 'fail',
        rounds,
        resolved: initial.filter((id) => !open.includes(id)),
        open,
        usage,
        ...(usageUnknown ? { usageUnknown } : {}),
        ...extra,
      };
    };
    for (let round = 1; round <= opts.rounds; round++) {
      const blocking = findings.filter(blocksVerdict);
      if (blocking.length === 0) break;
      const notes: Partial<Record<StepId, RevisionNote[]>> = {};
      for (const f of blocking) {
        for (const n of f.steps ?? []) {
          const s = STEP_IDS.find((x) => x === n);
          if (s === undefined || s === review.id) continue;
          (notes[s] ??= []).push({
            id: f.id,
            text: `Security finding ${f.id} (${f.severity}${f.element ? `, element \`${f.element}\`` : ''}): ${f.title}. Recommendation: ${f.recommendation || 'see the security review'}. Write the control into this document, in the section where it belongs, so that the security review can cite it as evidence.`,
          });
        }
      }
      notes[review.id] = [
        {
          text: `Review again: the steps named by ${blocking.map((f) => f.id).join(', ')} were asked to add their controls. Keep every finding id; mark a finding mitigated (with its evidence) only when a design document now contains the control; keep it open otherwise.`,
        },
      ];
      const targets = STEP_IDS.filter((id) => notes[id] !== undefined);
      const summary = await this.run({ steps: targets, downstream: true, notes, signal: opts.signal, onEvent });
      findings = await this.findings();
      rounds.push({
        round,
        revised: summary.revised,
        findingsBefore: blocking.map((f) => f.id),
        findingsAfter: blockingIds(findings),
      });
      if (summary.failed.length > 0 || summary.cancelled)
        return result({ failed: summary.failed, cancelled: summary.cancelled });
      if (summary.revised.filter((id) => id !== review.id).length === 0) break;
    }
    return result();
  }

  /** A failed re-run keeps the previous good run: its documents still serve the steps after it. */
  private async recordFailure(
    id: StepId,
    run: RunContext,
    err: Error,
    at: { model: string; started: Date; tally: CallTally },
  ): Promise<void> {
    const finished = this.now();
    await run.state.update((s) => {
      const prev = s.steps[id];
      const error = err.message;
      s.steps[id] =
        prev?.status === 'done'
          ? {
              ...prev,
              lastError: error,
              lastErrorAt: finished.toISOString(),
              // The failed re-run's tokens were billed too.
              lastErrorUsage: at.tally.usage,
              lastErrorAttempts: at.tally.attempts,
            }
          : {
              status: 'failed',
              inputs: prev?.inputs ?? {},
              files: prev?.files ?? [],
              model: at.model,
              usage: at.tally.usage,
              attempts: at.tally.attempts,
              startedAt: at.started.toISOString(),
              finishedAt: finished.toISOString(),
              durationMs: finished.getTime() - at.started.getTime(),
              error,
            };
    });
  }

  /**
   * Rebuilds every derived file from the design as the run left it, writer by writer; with `onlyMissing`
   * writes only the derived files that do not exist (a deleted `.mmd`, index or ARCHITECTURE.md) or still
   * hold an older version Archflow wrote, and leaves edited ones alone. In both cases a derived file no longer
   * drawn (the single `c4-deployment.mmd` of before) is removed when it holds a version Archflow wrote.
   * Returns the files that were missing.
   */
  private async writeDerived(run: RunContext, onlyMissing = false): Promise<string[]> {
    const missing: string[] = [];
    // Nothing to derive from a folder where no step has produced anything yet.
    if (onlyMissing && !Object.values(run.state.current.steps).some((r) => r?.status === 'done')) return missing;
    for (const [i, writer] of DERIVED_WRITERS.entries()) {
      const bundle = await loadBundle(run.files);
      if (i === 0 && bundle.c4Errors.length > 0) {
        this.options.log.warn(
          `${bundle.c4Errors.slice(0, 3).join(' ')} The diagrams were not regenerated and none was removed; fix the file, then run again.`,
        );
      }
      const view = await deriveView(run.files, run.state.current, run.prd.text, this.running);
      const out = await writer.produce({
        bundle,
        view: { ...view, prdPath: this.options.prdPath },
        prdName: run.prd.name,
        list: (dir) => run.files.list(dir),
      });
      const files = new Map<string, string>();
      for (const [rel, text] of out.files) {
        const now = await run.files.read(rel);
        if (now === undefined) missing.push(rel);
        // Without steps, a file is also redrawn when it still holds an older version of Archflow's own
        // (the model changed since): a user's edit is left alone (check reports it).
        const ours = now !== undefined && now !== text && run.state.known(rel).includes(hashText(now));
        if (now === undefined || ours || !onlyMissing) files.set(rel, text);
      }
      // A file no longer drawn goes in both cases when it holds a version Archflow wrote; an edited one stays.
      for (const rel of out.obsolete ?? []) await run.writer.removeIfOurs(rel);
      await run.writer.write(files);
    }
    return missing;
  }
}
