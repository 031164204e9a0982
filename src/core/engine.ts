/** The workflow engine: plans and runs steps as a DAG, writes their files, keeps archflow.json. */
import * as path from 'node:path';
import { assignNumbers } from './adr/numbering';
import { markSuperseded, renderAdr } from './adr/render';
import { renderAdrIndex } from './adr/index';
import { adrNumberText } from './adr/slug';
import { assembleArchitecture } from './assemble';
import { evaluateExitCriteria, renderExitCriteria } from './exitCriteria';
import { adrRecordsOf, loadBundle } from './bundle';
import { renderC4Views } from './c4/mermaid';
import type { ConflictResolver, EngineEvent, WorkflowView } from './events';
import { hashText } from './hash';
import { LlmError, type LlmClient, type LlmRequest, type Usage, ZERO_USAGE, addUsage } from './llm/types';
import type { Logger } from './log';
import type { C4Model } from './model';
import { readPrd } from './prd';
import { type ContextDocument, type PromptSource, buildStepRequest, repairTurnText } from './prompts';
import { parseRequirementsTable } from './requirements';
import { acquireRunLock } from './runLock';
import { runDag } from './scheduler';
import { SerialQueue } from './serialQueue';
import { type ArchflowState, type StepRecord, currentInputs, deriveView, loadState, serializeState } from './state';
import { type ParsedStep, parseStepOutput, renderStepDocument } from './stepOutput';
import { type AgentId, LAYOUT, STEP_IDS, type StepId, stepById, stepTitle, upstreamOf } from './steps';
import { ArtifactStore } from './store';

/** Settings the engine reads (from VS Code settings or CLI flags). */
export interface EngineSettings {
  model: string;
  agentModels?: Partial<Record<AgentId, string>>;
  maxTokens: number;
  concurrency: number;
}

/** Bounded, cancellable step-level retries. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Abort a stream that sends nothing for this long. */
  idleTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 2000,
  maxDelayMs: 60_000,
  idleTimeoutMs: 120_000,
};

/** The defaults overridden by the finite numbers of `partial` only (an undefined field keeps its default). */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const overrides = Object.entries(partial).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...Object.fromEntries(overrides) };
  policy.maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  return policy;
}

export interface EngineOptions {
  /** Absolute path of the output folder (e.g. <workspace>/docs/architecture). */
  outputDir: string;
  /** Absolute path of the PRD. */
  prdPath: string;
  llm: LlmClient;
  prompts: PromptSource;
  settings: EngineSettings;
  retry?: Partial<RetryPolicy>;
  resolveConflict: ConflictResolver;
  log: Logger;
  now?: () => Date;
}

export interface RunOptions {
  /** Steps to run; 'all' runs every step that is not done and up to date. */
  steps: StepId[] | 'all';
  /** Also run missing or stale prerequisites of the requested steps. */
  withPrerequisites?: boolean;
  signal: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
}

export interface RunSummary {
  done: StepId[];
  failed: { step: StepId; message: string; kind?: string }[];
  skipped: StepId[];
  cancelled: boolean;
}

export interface Plan {
  run: StepId[];
  /** Prerequisites of requested steps that are not done and up to date. */
  missingPrerequisites: StepId[];
}

/** A step failed; the message names the cause and what to do. */
export class StepError extends Error {
  constructor(
    readonly step: StepId,
    message: string,
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** Waits `ms`, or rejects at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new LlmError('cancelled', 'Cancelled.'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new LlmError('cancelled', 'Cancelled.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** "foo.md" → "foo.archflow-proposed.md": where a new version goes when the user keeps theirs. */
export function besideName(rel: string): string {
  const ext = path.posix.extname(rel);
  return `${rel.slice(0, rel.length - ext.length)}.archflow-proposed${ext}`;
}

const KEEP_HASHES = 8;

export class WorkflowEngine {
  readonly store: ArtifactStore;
  private readonly retry: RetryPolicy;
  private readonly stateLock = new SerialQueue();
  private readonly conflictLock = new SerialQueue();
  private readonly running = new Set<StepId>();
  private state: ArchflowState | undefined;

  constructor(readonly options: EngineOptions) {
    this.store = new ArtifactStore(options.outputDir);
    this.retry = resolveRetryPolicy(options.retry);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The current status of every step, derived from archflow.json and the files on disk. */
  async view(): Promise<WorkflowView> {
    const prd = await readPrd(this.options.prdPath).catch(() => undefined);
    const state = this.state ?? (await loadState(this.store));
    const view = await deriveView(this.store, state, prd?.text, this.running);
    return { ...view, prdPath: this.options.prdPath };
  }

  /** What a run of `steps` would do. */
  async plan(steps: StepId[] | 'all', withPrerequisites = false): Promise<Plan> {
    const view = await this.view();
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

  /** Runs the planned steps as a DAG, at most `settings.concurrency` at once. */
  async run(options: RunOptions): Promise<RunSummary> {
    const emit = (e: EngineEvent): void => {
      try {
        options.onEvent?.(e);
      } catch (err) {
        this.options.log.warn(`event listener failed: ${(err as Error).message}`);
      }
    };
    const prd = await readPrd(this.options.prdPath);
    const release = await acquireRunLock(this.store, this.now());
    let summary: RunSummary;
    try {
      summary = await this.runLocked(options, prd.text, emit);
    } finally {
      await release();
    }
    // After the lock is gone: whoever reacts to the end of the run finds the folder at rest.
    const { done, failed, skipped, cancelled } = summary;
    emit({ type: 'run-finished', done, failed: failed.map((f) => f.step), skipped, cancelled });
    return summary;
  }

  private async runLocked(options: RunOptions, prdText: string, emit: (e: EngineEvent) => void): Promise<RunSummary> {
    this.state = await loadState(this.store);
    const plan = await this.plan(options.steps, options.withPrerequisites ?? false);
    if (!options.withPrerequisites && plan.missingPrerequisites.length > 0 && options.steps !== 'all') {
      const names = plan.missingPrerequisites.map((s) => stepTitle(s)).join(', ');
      throw new StepError(
        plan.run[0] ?? 1,
        `Run ${names} first: the requested step needs their documents.`,
        'prerequisites',
      );
    }
    const prdHash = hashText(prdText);
    const prdRel = path.relative(this.options.outputDir, this.options.prdPath).split(path.sep).join('/');
    await this.updateState((s) => {
      s.prd = { path: prdRel, hash: prdHash };
    });
    emit({ type: 'run-started', steps: plan.run });
    this.options.log.info(
      `Run started: ${plan.run.map((s) => `step ${s}`).join(', ') || 'nothing to do'} (PRD ${prdRel}).`,
    );

    const failures = new Map<StepId, { message: string; kind?: string }>();
    const result = await runDag(
      plan.run.map((id) => ({ id, needs: stepById(id).needs })),
      this.options.settings.concurrency,
      async (id) => {
        try {
          await this.runStep(id, prdText, prdHash, options.signal, emit);
        } catch (err) {
          const cancelled = options.signal.aborted || (err instanceof LlmError && err.kind === 'cancelled');
          const message = cancelled ? 'Cancelled.' : (err as Error).message;
          const kind = err instanceof LlmError ? err.kind : err instanceof StepError ? err.kind : undefined;
          failures.set(id, { message, kind });
          if (cancelled) this.options.log.info(`${stepTitle(id)} was cancelled.`);
          else this.options.log.error(`${stepTitle(id)} failed: ${message}`);
          emit({ type: 'step-failed', step: id, message });
          throw err;
        }
      },
      options.signal,
    );
    if (result.done.length > 0) {
      await this.writeDerived(emit).catch((err: Error) => {
        this.options.log.error(`Could not assemble the documents: ${err.message}`);
        failures.set(8, { message: `Assembling ARCHITECTURE.md failed: ${err.message}` });
      });
    }
    const cancelled = options.signal.aborted;
    this.options.log.info(
      `Run finished: done ${result.done.join(', ') || '-'}; failed ${result.failed.join(', ') || '-'}; skipped ${result.skipped.join(', ') || '-'}${cancelled ? ' (cancelled)' : ''}.`,
    );
    return {
      done: result.done,
      failed: result.failed.map((step) => ({ step, ...(failures.get(step) ?? { message: 'failed' }) })),
      skipped: result.skipped,
      cancelled,
    };
  }

  private async updateState(mutate: (s: ArchflowState) => void): Promise<void> {
    await this.stateLock.run(async () => {
      const s = this.state ?? (await loadState(this.store));
      // Approvals are recorded by other commands (panel, CLI) while a run goes on: keep theirs.
      const onDisk = await loadState(this.store).catch(() => undefined);
      if (onDisk) s.approvals = onDisk.approvals;
      mutate(s);
      s.updatedAt = this.now().toISOString();
      this.state = s;
      await this.store.write(LAYOUT.state, serializeState(s));
    });
  }

  /** Gathers the documents a step reads; throws when one is missing. */
  private async upstreamDocuments(id: StepId): Promise<ContextDocument[]> {
    const docs: ContextDocument[] = [];
    for (const n of stepById(id).needs) {
      const d = stepById(n);
      const text = await this.store.read(d.document);
      if (text === undefined)
        throw new StepError(id, `${stepTitle(id)} needs ${d.document}; run ${stepTitle(n)} first.`, 'prerequisites');
      docs.push({ name: d.document, text, step: n });
    }
    if (id === 1) {
      // A re-run keeps the requirement ids that later documents and ADRs already cite.
      const previous = await this.store.read(stepById(1).document);
      if (previous !== undefined) docs.push({ name: stepById(1).document, text: previous, step: 1 });
    }
    if (id >= 3) {
      const model = await this.store.read(LAYOUT.c4Model);
      if (model !== undefined) docs.push({ name: LAYOUT.c4Model, text: model });
    }
    return docs;
  }

  private async currentC4(): Promise<C4Model | undefined> {
    return (await loadBundle(this.store)).c4;
  }

  private async runStep(
    id: StepId,
    prdText: string,
    prdHash: string,
    signal: AbortSignal,
    emit: (e: EngineEvent) => void,
  ): Promise<void> {
    const def = stepById(id);
    const started = this.now();
    this.running.add(id);
    emit({ type: 'step-started', step: id, attempt: 1 });
    let usage: Usage = ZERO_USAGE;
    let attempts = 0;
    const model = this.options.settings.agentModels?.[def.agent] || this.options.settings.model;
    try {
      const upstream = await this.upstreamDocuments(id);
      const inputs = await currentInputs(this.store, id, prdHash);
      const state = this.state!;
      const request = await buildStepRequest(this.options.prompts, {
        step: id,
        prdName: path.basename(this.options.prdPath),
        prdText,
        upstream,
        existingDecisions:
          id === 8 ? state.adrs.map((a) => ({ key: a.key, number: a.number, title: a.title })) : undefined,
        model,
        maxTokens: this.options.settings.maxTokens,
      });
      const ctx = {
        c4: id >= 2 ? await this.currentC4() : undefined,
        requirementIds: new Set(
          id >= 2 && upstream.length ? parseRequirementsTable(upstream[0].text).map((r) => r.id) : [],
        ),
      };
      const first = await this.call(request, id, signal, emit);
      usage = addUsage(usage, first.usage);
      attempts += first.attempts;
      let result = parseStepOutput(id, first.text, ctx);
      let usedModel = first.model;
      if (!result.parsed) {
        this.options.log.warn(
          `${stepTitle(id)}: output did not validate; asking for a repair: ${result.errors.join(' | ')}`,
        );
        emit({ type: 'step-repair', step: id, errors: result.errors });
        const repair: LlmRequest = {
          ...request,
          turns: [
            ...request.turns,
            { role: 'assistant', content: [{ text: first.text }] },
            { role: 'user', content: [{ text: repairTurnText(result.errors) }] },
          ],
        };
        const second = await this.call(repair, id, signal, emit);
        usage = addUsage(usage, second.usage);
        attempts += second.attempts;
        usedModel = second.model;
        result = parseStepOutput(id, second.text, ctx);
      }
      if (!result.parsed) {
        throw new StepError(
          id,
          `The agent's answer for ${stepTitle(id)} did not follow the required format, even after one repair round: ${result.errors.slice(0, 8).join(' ')}${result.errors.length > 8 ? ` (and ${result.errors.length - 8} more)` : ''} Run the step again; if it keeps failing, check a prompt override in .archflow/prompts/.`,
          'malformed',
        );
      }
      for (const w of result.parsed.warnings) this.options.log.warn(`${stepTitle(id)}: ${w}`);
      if (signal.aborted) throw new LlmError('cancelled', 'Cancelled.');
      const files = await this.outputsOf(result.parsed);
      const written = await this.writeFiles(files, emit);
      const finished = this.now();
      const record: StepRecord = {
        status: 'done',
        inputs,
        files: written,
        model: usedModel,
        usage,
        attempts,
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        durationMs: finished.getTime() - started.getTime(),
      };
      await this.updateState((s) => {
        s.steps[id] = record;
        if (result.parsed!.review) {
          const open: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
          for (const f of result.parsed!.review.findings) if (f.status === 'open') open[f.severity]++;
          s.security = { verdict: result.parsed!.review.verdict, open };
        }
      });
      this.options.log.info(
        `${stepTitle(id)} done in ${record.durationMs} ms: ${usage.input} input, ${usage.output} output, ${usage.cacheRead} cache read, ${usage.cacheWrite} cache write tokens (${usedModel}).`,
      );
      emit({ type: 'step-done', step: id, usage, files: written });
    } catch (err) {
      const cancelled = signal.aborted || (err instanceof LlmError && err.kind === 'cancelled');
      if (!cancelled) {
        const finished = this.now();
        await this.updateState((s) => {
          const prev = s.steps[id];
          const error = (err as Error).message;
          // A failed re-run keeps the previous good run: its documents still serve the steps after it.
          s.steps[id] =
            prev?.status === 'done'
              ? { ...prev, lastError: error, lastErrorAt: finished.toISOString() }
              : {
                  status: 'failed',
                  inputs: prev?.inputs ?? {},
                  files: prev?.files ?? [],
                  model,
                  usage,
                  attempts,
                  startedAt: started.toISOString(),
                  finishedAt: finished.toISOString(),
                  durationMs: finished.getTime() - started.getTime(),
                  error,
                };
        });
      }
      throw err;
    } finally {
      this.running.delete(id);
    }
  }

  /**
   * One model call with bounded, cancellable retries and an idle watchdog. Text is streamed to
   * listeners as it arrives; a cut-off answer (max_tokens) is not retried: it would be cut again.
   */
  private async call(
    request: LlmRequest,
    id: StepId,
    signal: AbortSignal,
    emit: (e: EngineEvent) => void,
  ): Promise<{ text: string; usage: Usage; model: string; attempts: number }> {
    let usage: Usage = ZERO_USAGE;
    for (let attempt = 1; ; attempt++) {
      const watchdog = new AbortController();
      const onAbort = (): void => watchdog.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let idle: NodeJS.Timeout | undefined;
      let timedOut = false;
      const arm = (): void => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => {
          timedOut = true;
          watchdog.abort();
        }, this.retry.idleTimeoutMs);
      };
      let text = '';
      try {
        arm();
        for await (const chunk of this.options.llm.stream(request, watchdog.signal)) {
          arm();
          if (chunk.type === 'text') {
            text += chunk.text;
            emit({ type: 'step-text', step: id, text: chunk.text });
          } else {
            usage = addUsage(usage, chunk.usage);
            if (chunk.stopReason === 'max_tokens') {
              throw new LlmError(
                'max-tokens',
                `The answer for ${stepTitle(id)} was cut off at the output limit (archflow.maxTokens = ${request.maxTokens} tokens). Raise archflow.maxTokens (or --max-tokens) and run the step again.`,
              );
            }
            return { text, usage, model: chunk.model, attempts: attempt };
          }
        }
        throw new LlmError('stream-dropped', 'The answer stream ended without a final message.');
      } catch (err) {
        let e = err instanceof LlmError ? err : new LlmError('stream-dropped', (err as Error).message);
        if (signal.aborted) throw new LlmError('cancelled', 'Cancelled.');
        if (timedOut) {
          e = new LlmError(
            'timeout',
            `The Anthropic API sent nothing for ${Math.round(this.retry.idleTimeoutMs / 1000)} s while answering ${stepTitle(id)}. Check your network, then run the step again.`,
          );
        }
        if (!e.retryable || attempt >= this.retry.maxAttempts) {
          if (e.retryable) {
            throw new LlmError(e.kind, `${e.message} (gave up after ${attempt} attempts)`, e.retryAfterSec);
          }
          throw e;
        }
        const backoff = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
        const delay = e.retryAfterSec !== undefined ? Math.min(e.retryAfterSec * 1000, this.retry.maxDelayMs) : backoff;
        this.options.log.warn(`${stepTitle(id)}: attempt ${attempt} failed (${e.kind}); retrying in ${delay} ms.`);
        emit({ type: 'step-retry', step: id, attempt: attempt + 1, delayMs: delay, reason: e.message });
        await sleep(delay, signal);
      } finally {
        if (idle) clearTimeout(idle);
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  /** The files a validated step writes, relative to the output folder. */
  private async outputsOf(parsed: ParsedStep): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    const def = stepById(parsed.step);
    if (parsed.c4) files.set(LAYOUT.c4Model, JSON.stringify(parsed.c4, null, 2) + '\n');
    if (parsed.adrs) {
      const today = this.now().toISOString().slice(0, 10);
      const records = assignNumbers(parsed.adrs, this.state!.adrs, today);
      for (const r of records) files.set(r.file, renderAdr(r, [...records, ...this.state!.adrs]));
      // A new decision superseding one this run left out: the old file links forward too.
      for (const r of records) {
        const old = this.state!.adrs.find((a) => a.number === r.supersedesNumber);
        if (!old || records.some((x) => x.number === old.number)) continue;
        const text = await this.store.read(old.file);
        if (text !== undefined) files.set(old.file, markSuperseded(text, r, this.state!.adrs));
      }
      const links = records
        .map((r) => `- [ADR ${adrNumberText(r.number)}: ${r.title}](${encodeURI(r.file)}) — ${r.status}`)
        .join('\n');
      files.set(def.document, renderStepDocument(parsed, links));
      await this.updateState((s) => {
        for (const r of records) {
          const i = s.adrs.findIndex((a) => a.number === r.number);
          const entry = { key: r.key, number: r.number, title: r.title, file: r.file, date: r.date };
          if (i >= 0) s.adrs[i] = entry;
          else s.adrs.push(entry);
        }
        s.adrs.sort((a, b) => a.number - b.number);
      });
    } else {
      files.set(def.document, renderStepDocument(parsed));
    }
    return files;
  }

  /**
   * Writes files, asking before replacing content the user changed since Archflow wrote it. The
   * new hashes are recorded before the files are written, so a crash between the two never makes
   * Archflow's own file look like a user's edit. Returns the files now holding Archflow's version.
   */
  private async writeFiles(files: Map<string, string>, emit: (e: EngineEvent) => void): Promise<string[]> {
    const written: string[] = [];
    for (const [rel, content] of files) {
      const current = await this.store.read(rel);
      if (current === content) {
        written.push(rel);
        continue;
      }
      const known = this.state?.files[rel]?.hashes ?? [];
      if (current !== undefined && !known.includes(hashText(current))) {
        const choice = await this.conflictLock.run(() =>
          this.options.resolveConflict({ file: rel, current, proposed: content }),
        );
        if (choice === 'keep') {
          this.options.log.info(`Kept your edited ${rel}; Archflow's new version was discarded.`);
          emit({ type: 'file-kept', file: rel });
          written.push(rel);
          continue;
        }
        if (choice === 'beside') {
          const beside = besideName(rel);
          await this.store.write(beside, content);
          this.options.log.info(`Kept your edited ${rel}; wrote Archflow's new version to ${beside}.`);
          emit({ type: 'file-kept', file: rel, besideFile: beside });
          written.push(rel);
          continue;
        }
      }
      await this.updateState((s) => {
        const rec = s.files[rel] ?? { hashes: [] };
        rec.hashes = [hashText(content), ...rec.hashes.filter((h) => h !== hashText(content))].slice(0, KEEP_HASHES);
        s.files[rel] = rec;
      });
      await this.store.write(rel, content);
      emit({ type: 'file-written', file: rel });
      written.push(rel);
    }
    return written;
  }

  /** Regenerates what is derived from the files on disk: the .mmd views, the ADR index, ARCHITECTURE.md. */
  private async writeDerived(emit: (e: EngineEvent) => void): Promise<void> {
    const bundle = await loadBundle(this.store);
    const files = new Map<string, string>();
    const wanted = new Set<string>();
    if (bundle.c4 && bundle.c4Errors.length === 0) {
      for (const v of renderC4Views(bundle.c4)) {
        if (v.level === 2 && bundle.c4.containers.length === 0) continue;
        files.set(v.file, v.text + '\n');
      }
    }
    for (const f of files.keys()) wanted.add(f);
    // Component views of containers no longer detailed: remove them if they are still Archflow's.
    for (const name of await this.store.list('diagrams')) {
      const rel = `diagrams/${name}`;
      if (!name.startsWith('c4-component-') || !name.endsWith('.mmd') || wanted.has(rel)) continue;
      const text = await this.store.read(rel);
      if (text !== undefined && this.state?.files[rel]?.hashes.includes(hashText(text))) await this.store.remove(rel);
    }
    if (bundle.adrs.length) files.set(LAYOUT.adrIndex, renderAdrIndex(adrRecordsOf(bundle)));
    await this.writeFiles(files, emit);
    const fresh = await loadBundle(this.store);
    const doc = assembleArchitecture(fresh, {
      prdName: path.basename(this.options.prdPath),
      exitCriteria: renderExitCriteria(evaluateExitCriteria(fresh, await this.view())),
    });
    await this.writeFiles(new Map([[LAYOUT.architecture, doc]]), emit);
  }
}

/** Reads the workflow view of an output folder without an engine (for the tree and `status`). */
export async function readWorkflowView(
  outputDir: string,
  running: ReadonlySet<StepId> = new Set(),
): Promise<WorkflowView> {
  const store = new ArtifactStore(outputDir);
  const state = await loadState(store);
  const prdPath = state.prd ? path.resolve(outputDir, state.prd.path) : undefined;
  const prd = prdPath ? await readPrd(prdPath).catch(() => undefined) : undefined;
  return deriveView(store, state, prd?.text, running);
}

/** Forgets the step records of archflow.json; documents, file hashes, ADR numbers and approvals stay. */
export async function resetRun(outputDir: string): Promise<void> {
  const store = new ArtifactStore(outputDir);
  const state = await loadState(store);
  state.steps = {};
  delete state.security;
  await store.write(LAYOUT.state, serializeState(state));
}
