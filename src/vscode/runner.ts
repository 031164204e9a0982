/**
 * Runs the workflow for a PRD: builds the engine from settings and secrets, shows progress with
 * a Cancel button, streams model output, feeds the tree, and reports the outcome.
 */
import * as vscode from 'vscode';
import { type Plan, type RunSummary, StepError, type WorkflowEngine } from '../core/engine';
import type { EngineEvent } from '../core/events';
import { createWorkflow } from '../core/factory';
import { LlmError } from '../core/llm/types';
import { readPrd } from '../core/prd';
import { LAYOUT, type StepId, stepById, stepTitle } from '../core/steps';
import { type OutputFolder, outputFolderOf, readBaseUrl, readEngineSettings } from './config';
import type { ConflictPrompts } from './conflicts';
import { setContextKey } from './contextKeys';
import type { LiveOutput } from './liveOutput';
import { type ExtensionLog, errorMessage } from './log';
import type { ProgressTree } from './progressTree';
import type { ApiKeyStore } from './secrets';
import { explainUntrusted } from './trust';

/** What a command asks the runner to do. */
export interface RunRequest {
  /** Shown in the progress notification ("Design Architecture", "Step 3 — Service Design"). */
  title: string;
  steps: StepId[] | 'all';
  withPrerequisites?: boolean;
  /**
   * Asked after planning and before anything runs (the prerequisites question); returning
   * undefined stops quietly.
   */
  confirm?: (plan: Plan) => Promise<{ withPrerequisites: boolean } | undefined>;
}

export interface RunnerDeps {
  extensionUri: vscode.Uri;
  log: ExtensionLog;
  secrets: ApiKeyStore;
  tree: ProgressTree;
  live: LiveOutput;
  conflicts: ConflictPrompts;
  /** The interactive "Set API Key" flow; true when a key was stored. */
  setApiKey: () => Promise<boolean>;
}

interface ActiveRun {
  output: OutputFolder;
  /** Set once the run itself starts (before that the entry only reserves the folder). */
  controller?: AbortController;
}

/** What a finished run leaves to report (after its folder is released, so Retry can run again). */
interface Outcome {
  output: OutputFolder;
  /** The request as it ran, to repeat on Retry. */
  request: RunRequest;
  summary: RunSummary;
  failures: Failure[];
}

interface Failure {
  step?: StepId;
  message: string;
  /** An LlmErrorKind when the engine knows it ('auth' offers Set API Key). */
  kind?: string;
  /** The error, for the extension's wording of its remedy. */
  error?: Error;
}

const NO_KEY =
  "No Anthropic API key. Set one with 'Archflow: Set API Key' or the ANTHROPIC_API_KEY environment variable.";
const SET_API_KEY = 'Set API Key';
const SHOW_LOG = 'Show Log';
const RETRY = 'Retry';
const OPEN_ARCHITECTURE = `Open ${LAYOUT.architecture}`;

/** Whether a failure is a bad or missing key (401), which Set API Key can fix. */
export function isAuthFailure(failure: { message: string; kind?: string }): boolean {
  if (failure.kind !== undefined) return failure.kind === 'auth';
  return /\b401\b|authentication_error/i.test(failure.message);
}

export class Runner {
  /** Runs by output folder URI: one run at a time per output folder. */
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Whether a run is in progress anywhere. */
  isRunning(): boolean {
    return [...this.active.values()].some((r) => r.controller !== undefined);
  }

  /** Whether a run is in progress (or being prepared) in `output`. */
  isBusy(output: OutputFolder): boolean {
    return this.active.has(output.uri.toString());
  }

  /** Cancels every run in progress; the number of runs cancelled. */
  cancelAll(): number {
    let n = 0;
    for (const run of this.active.values()) {
      if (run.controller && !run.controller.signal.aborted) {
        run.controller.abort();
        n++;
      }
    }
    return n;
  }

  /** Runs `request` on the PRD; user-facing problems become messages, programming errors throw. */
  async run(prd: vscode.Uri, request: RunRequest): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      await explainUntrusted();
      return;
    }
    const folder = vscode.workspace.getWorkspaceFolder(prd);
    if (!folder) throw new Error('The PRD is not inside an open workspace folder.');
    const output = outputFolderOf(folder);
    const key = output.uri.toString();
    if (this.active.has(key)) {
      const choice = await vscode.window.showInformationMessage(
        `Archflow is already running in ${output.relative}. Wait for it to finish or cancel it.`,
        'Cancel Run',
      );
      if (choice === 'Cancel Run') this.active.get(key)?.controller?.abort();
      return;
    }
    const entry: ActiveRun = { output };
    this.active.set(key, entry);
    let outcome: Outcome | undefined;
    try {
      outcome = await this.prepareAndRun(prd, output, entry, request);
    } finally {
      this.active.delete(key);
      this.updateRunningKey();
    }
    if (outcome) await this.report(prd, outcome);
  }

  private async prepareAndRun(
    prd: vscode.Uri,
    output: OutputFolder,
    entry: ActiveRun,
    request: RunRequest,
  ): Promise<Outcome | undefined> {
    const { log } = this.deps;
    const apiKey = await this.apiKey();
    if (!apiKey) return undefined;
    // Fails early, before any notification, with the core's message (empty, binary or huge PRD).
    await readPrd(prd.fsPath);
    const engine = this.createEngine(prd, output, apiKey);

    let withPrerequisites = request.withPrerequisites ?? false;
    const plan = await engine.plan(request.steps);
    if (request.confirm) {
      const answer = await request.confirm(plan);
      if (!answer) return undefined;
      withPrerequisites = answer.withPrerequisites;
    } else if (request.steps === 'all' && plan.run.length === 0) {
      await this.reportUpToDate(output);
      return undefined;
    }

    log.info(
      `Run "${request.title}" on ${vscode.workspace.asRelativePath(prd)} → ${output.relative}` +
        ` (steps: ${request.steps === 'all' ? 'all' : request.steps.join(', ')}${withPrerequisites ? ', with prerequisites' : ''})`,
    );
    const controller = new AbortController();
    entry.controller = controller;
    this.updateRunningKey();
    const { summary, failures } = await this.execute(engine, output, request, withPrerequisites, controller);
    return { output, request: { ...request, confirm: undefined, withPrerequisites }, summary, failures };
  }

  private async apiKey(): Promise<string | undefined> {
    const found = await this.deps.secrets.get();
    if (found) return found.key;
    const choice = await vscode.window.showErrorMessage(NO_KEY, SET_API_KEY);
    if (choice !== SET_API_KEY || !(await this.deps.setApiKey())) return undefined;
    return (await this.deps.secrets.get())?.key;
  }

  private createEngine(prd: vscode.Uri, output: OutputFolder, apiKey: string): WorkflowEngine {
    const { extensionUri, log, conflicts } = this.deps;
    const baseURL = readBaseUrl();
    return createWorkflow({
      outputDir: output.dir,
      prdPath: prd.fsPath,
      connection: { provider: 'anthropic', apiKey, baseURL },
      prompts: {
        builtinDir: vscode.Uri.joinPath(extensionUri, 'prompts').fsPath,
        overrideDir: vscode.Uri.joinPath(output.folder.uri, '.archflow', 'prompts').fsPath,
      },
      settings: readEngineSettings(output.folder),
      resolveConflict: conflicts.resolverFor(output),
      log,
    });
  }

  private async execute(
    engine: WorkflowEngine,
    output: OutputFolder,
    request: RunRequest,
    withPrerequisites: boolean,
    controller: AbortController,
  ): Promise<{ summary: RunSummary; failures: Failure[] }> {
    const { tree, live, log } = this.deps;
    const shown = (): boolean => tree.current()?.output.uri.toString() === output.uri.toString();
    tree.follow(output);
    tree.setRunActive(true);
    live.beginRun();
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Archflow: ${request.title}`, cancellable: true },
        async (progress, token) => {
          // Cancel aborts the HTTP request at once; the engine keeps finished steps.
          const onCancel = token.onCancellationRequested(() => controller.abort());
          const tracker = new ProgressTracker(progress);
          try {
            return await engine.run({
              steps: request.steps,
              withPrerequisites,
              signal: controller.signal,
              onEvent: (event) => {
                logEvent(log, event);
                // A cancelled step is reported as failed by the engine; to the user it is just stopped.
                const cancelled = controller.signal.aborted;
                live.applyEvent(event, cancelled);
                if (cancelled && event.type === 'step-failed') return;
                tracker.apply(event);
                if (shown()) tree.applyEvent(event);
              },
            });
          } finally {
            onCancel.dispose();
          }
        },
      );
      return { summary, failures: summary.failed };
    } catch (err) {
      const summary: RunSummary = { done: [], failed: [], skipped: [], cancelled: controller.signal.aborted };
      if (summary.cancelled) return { summary, failures: [] };
      log.failure('Run failed', err);
      const kind = err instanceof LlmError || err instanceof StepError ? err.kind : undefined;
      const step = err instanceof StepError ? err.step : undefined;
      const error = err instanceof Error ? err : undefined;
      return { summary, failures: [{ step, message: errorMessage(err), kind, error }] };
    } finally {
      if (shown()) tree.setRunActive(false);
    }
  }

  private async report(prd: vscode.Uri, { output, request, summary, failures }: Outcome): Promise<void> {
    const { log } = this.deps;
    if (summary.cancelled) {
      log.info('Run cancelled.');
      await vscode.window.showInformationMessage(
        'Archflow: run cancelled. Finished steps are kept; run again to continue where it stopped.',
      );
      return;
    }
    const failed = failures;
    const first = failed[0];
    if (first) {
      const where = first.step ? `${stepTitle(first.step)} failed` : 'the run failed';
      const more = failed.length > 1 ? ` (${failed.length - 1} more step${failed.length > 2 ? 's' : ''} failed.)` : '';
      const skipped =
        summary.skipped.length > 0
          ? ` Not run: step${summary.skipped.length > 1 ? 's' : ''} ${summary.skipped.join(', ')}.`
          : '';
      const auth = failed.some(isAuthFailure);
      const choice = await vscode.window.showErrorMessage(
        `Archflow: ${where}: ${first.error ? errorMessage(first.error) : first.message}${more}${skipped}`,
        RETRY,
        ...(auth ? [SET_API_KEY] : []),
        SHOW_LOG,
      );
      if (choice === RETRY) await this.run(prd, request);
      else if (choice === SET_API_KEY && (await this.deps.setApiKey())) await this.run(prd, request);
      else if (choice === SHOW_LOG) log.show();
      return;
    }
    await this.reportDone(output, request, summary);
  }

  private async reportDone(output: OutputFolder, request: RunRequest, summary: RunSummary): Promise<void> {
    const single = request.steps !== 'all' && request.steps.length === 1 ? request.steps[0] : undefined;
    const target = single
      ? vscode.Uri.joinPath(output.uri, stepById(single).document)
      : vscode.Uri.joinPath(output.uri, LAYOUT.architecture);
    const openLabel = single ? `Open ${stepById(single).document}` : OPEN_ARCHITECTURE;
    const exists = await fileExists(target);
    const text =
      single && summary.done.length === 1
        ? `Archflow: ${stepTitle(single)} is done.`
        : `Archflow: ${summary.done.length} step${summary.done.length === 1 ? '' : 's'} done${exists && !single ? `; ${LAYOUT.architecture} is in ${output.relative}` : ''}.`;
    const choice = await vscode.window.showInformationMessage(text, ...(exists ? [openLabel] : []), SHOW_LOG);
    if (choice === openLabel) await vscode.commands.executeCommand('vscode.open', target);
    else if (choice === SHOW_LOG) this.deps.log.show();
  }

  private async reportUpToDate(output: OutputFolder): Promise<void> {
    const target = vscode.Uri.joinPath(output.uri, LAYOUT.architecture);
    const exists = await fileExists(target);
    const choice = await vscode.window.showInformationMessage(
      'Archflow: every step is done and up to date. To run a step again, use Re-run in the Workflow view.',
      ...(exists ? [OPEN_ARCHITECTURE] : []),
    );
    if (choice === OPEN_ARCHITECTURE) await vscode.commands.executeCommand('vscode.open', target);
  }

  private updateRunningKey(): void {
    setContextKey('archflow.running', this.isRunning(), this.deps.log);
  }
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The first sentence of an error message, for the narrow progress notification. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  const sentence = end > 0 ? text.slice(0, end) : text;
  return sentence.length > 100 ? `${sentence.slice(0, 99)}…` : sentence;
}

/** Turns engine events into the progress notification's message and bar. */
class ProgressTracker {
  private total = 0;
  private finished = 0;
  private readonly running = new Set<StepId>();

  constructor(private readonly progress: vscode.Progress<{ message?: string; increment?: number }>) {}

  apply(event: EngineEvent): void {
    switch (event.type) {
      case 'run-started':
        this.total = event.steps.length;
        this.report(`${this.total} step${this.total === 1 ? '' : 's'} to run`);
        break;
      case 'step-started':
        this.running.add(event.step);
        this.report(this.runningText());
        break;
      case 'step-done':
      case 'step-failed':
        this.running.delete(event.step);
        this.finished++;
        this.report(this.runningText(), this.total > 0 ? 100 / this.total : undefined);
        break;
      case 'step-retry':
        this.report(
          `${stepTitle(event.step)}: retrying in ${Math.ceil(event.delayMs / 1000)}s (${firstSentence(event.reason)})`,
        );
        break;
      case 'step-repair':
        this.report(`${stepTitle(event.step)}: asking the agent to fix its output`);
        break;
      case 'step-text':
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        break;
    }
  }

  private runningText(): string {
    const count = this.total > 0 ? ` (${this.finished}/${this.total} done)` : '';
    if (this.running.size === 0) return `Finishing…${count}`;
    return `${[...this.running].map((s) => stepTitle(s)).join(' · ')}${count}`;
  }

  private report(message: string, increment?: number): void {
    this.progress.report(increment === undefined ? { message } : { message, increment });
  }
}

/** Logs what the engine does not log itself (it logs runs, retries, repairs, results and conflicts). */
function logEvent(log: ExtensionLog, event: EngineEvent): void {
  if (event.type === 'step-started') log.info(`${stepTitle(event.step)} started`);
  else if (event.type === 'file-written') log.info(`Wrote ${event.file}`);
}
