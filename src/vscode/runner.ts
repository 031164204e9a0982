/**
 * Runs the workflow for a PRD: builds the engine from settings and secrets, reserves the output
 * folder in the host session and feeds it the engine's events (the tree, the preview, the live
 * output and the progress notification with its Cancel button follow the session), and reports
 * the outcome.
 */
import * as vscode from 'vscode';
import {
  type Plan,
  type ResolveResult,
  type RevisionNote,
  type RunOptions,
  type RunSummary,
  StepError,
  type WorkflowEngine,
} from '../core/engine';
import type { EngineEvent } from '../core/events';
import { type ModelConnection, createWorkflow } from '../core/factory';
import { LlmError } from '../core/llm/types';
import { readPrd } from '../core/prd';
import { PRICES_DATE, formatUsd } from '../core/pricing';
import { readSnapshot, readWorkflowView } from '../core/snapshot';
import { estimateText } from '../core/spend';
import { LAYOUT, type StepId, stepById, stepTitle, stepWithBlock } from '../core/steps';
import {
  type OutputFolder,
  outputFolderOf,
  readBaseUrl,
  readEngineSettings,
  readProvider,
  setProvider,
} from './config';
import { VSCODE_LM_PROVIDER, availableChatModels, createVscodeLmClient } from './lmClient';
import { type ConflictPrompts, announceBeside } from './conflicts';
import { type ExtensionLog, errorMessage } from './log';
import { RunNotification } from './runNotification';
import type { ApiKeyStore } from './secrets';
import type { SessionRun } from './session/run';
import type { HostSession } from './session/session';
import { explainUntrusted } from './trust';
import { APPROVAL_VOID_CONTINUE, approvalKeptText, approvalVoidQuestion, resolvedText } from './messages';

/** The button that runs although the estimate passes archflow.budget. */
const BUDGET_RUN = 'Run Anyway';

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
  /**
   * False for a caller that is not a person at a command (a language model tool): what would be a
   * question (no key, already running, untrusted) is thrown as an error, and the outcome is returned
   * without waiting for the user to close its notification.
   */
  interactive?: boolean;
  /** Aborts the run, as its Cancel button does (a tool call's cancellation). */
  signal?: AbortSignal;
  /** Comments and change requests addressed to steps: those steps are revised (issue 8). */
  notes?: Partial<Record<StepId, RevisionNote[]>>;
  /** Run the engine's resolve loop (Resolve Security Findings) instead of the steps. */
  resolve?: { rounds: number };
  /** Called with the outcome before it is reported (so a comment is resolved before the message waits). */
  onFinished?: (outcome: RunOutcome) => Promise<void>;
  /** Sees every engine event of the run (the chat participant's progress lines). */
  onEvent?: (event: EngineEvent) => void;
}

export interface RunnerDeps {
  extensionUri: vscode.Uri;
  log: ExtensionLog;
  secrets: ApiKeyStore;
  session: HostSession;
  conflicts: ConflictPrompts;
  /** The interactive "Set API Key" flow; true when a key was stored. */
  setApiKey: () => Promise<boolean>;
}

/** What a finished run leaves to report (after its folder is released, so Retry can run again). */
export interface RunOutcome {
  output: OutputFolder;
  /** The request as it ran, to repeat on Retry. */
  request: RunRequest;
  summary: RunSummary;
  failures: Failure[];
  /** What the resolve loop did, for a resolve request. */
  resolved?: ResolveResult;
  /** Files a run kept for the user with the proposal written beside them. */
  kept: { file: string; besideFile?: string }[];
}

export interface Failure {
  step?: StepId;
  message: string;
  /** An LlmErrorKind when the engine knows it ('auth' offers Set API Key). */
  kind?: string;
  /** The error, for the extension's wording of its remedy. */
  error?: Error;
}

const NO_KEY =
  "No Anthropic API key. Set one with 'Archflow: Set API Key' or the ANTHROPIC_API_KEY environment variable.";
const NO_KEY_FOR_TOOL =
  "No Anthropic API key is set. Ask the user to run 'Archflow: Set API Key' (or to set ANTHROPIC_API_KEY), then try again.";
const UNTRUSTED_FOR_TOOL =
  'The workspace is in Restricted Mode: Archflow does not call the model or write files until the user trusts it (Manage Workspace Trust).';
const NO_MODELS =
  "'archflow.provider' is 'vscode-lm', but VS Code offers no language model. Install and sign in to an extension that provides chat models (such as GitHub Copilot), or set 'archflow.provider' to 'anthropic' and set an API key.";
const SET_API_KEY = 'Set API Key';
const USE_VSCODE_LM = "Use VS Code's Models";
const SHOW_LOG = 'Show Log';
const RETRY = 'Retry';
const OPEN_BUDGET = 'Open Budget Setting';
const OPEN_ARCHITECTURE = `Open ${LAYOUT.architecture}`;

/** Whether a failure is a bad or missing key (401), which Set API Key can fix. */
export function isAuthFailure(failure: { message: string; kind?: string }): boolean {
  if (failure.kind !== undefined) return failure.kind === 'auth';
  return /\b401\b|authentication_error/i.test(failure.message);
}

export class Runner {
  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Runs `request` on the PRD and resolves with its outcome (undefined when it did not run: the user
   * declined, or every step is up to date). User-facing problems become messages (thrown errors when
   * the request is not interactive); programming errors throw.
   */
  async run(prd: vscode.Uri, request: RunRequest): Promise<RunOutcome | undefined> {
    const interactive = request.interactive ?? true;
    if (!vscode.workspace.isTrusted) {
      if (!interactive) throw new Error(UNTRUSTED_FOR_TOOL);
      await explainUntrusted();
      return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(prd);
    if (!folder) throw new Error('The PRD is not inside an open workspace folder.');
    const output = outputFolderOf(folder);
    const { session } = this.deps;
    const run = session.reserve(output);
    if (!run && !interactive) {
      throw new Error(`Archflow is already running in ${output.relative}. Wait for that run to finish, or cancel it.`);
    }
    if (!run) {
      const choice = await vscode.window.showInformationMessage(
        `Archflow is already running in ${output.relative}. Wait for it to finish or cancel it.`,
        'Cancel Run',
      );
      if (choice === 'Cancel Run') session.runIn(output)?.cancel();
      return undefined;
    }
    let outcome: RunOutcome | undefined;
    try {
      outcome = await this.prepareAndRun(prd, run, request);
    } finally {
      run.end();
    }
    if (!outcome) return undefined;
    if (request.onFinished) {
      await request.onFinished(outcome).catch((err: unknown) => {
        this.deps.log.warn(`After the run: ${errorMessage(err)}`);
      });
    }
    if (interactive) await this.report(prd, outcome);
    else {
      this.report(prd, outcome).then(undefined, (err: unknown) => {
        this.deps.log.warn(`Could not report the run: ${errorMessage(err)}`);
      });
    }
    return outcome;
  }

  private async prepareAndRun(prd: vscode.Uri, run: SessionRun, request: RunRequest): Promise<RunOutcome | undefined> {
    const { log } = this.deps;
    const { output } = run;
    const interactive = request.interactive ?? true;
    const connection = await this.connection(interactive);
    if (!connection) return undefined;
    // Fails early, before any notification, with the core's message (empty, binary or huge PRD).
    await readPrd(prd.fsPath);
    const engine = this.createEngine(prd, output, connection);

    let withPrerequisites = request.withPrerequisites ?? false;
    const plan = await engine.plan(request.steps);
    if (request.confirm) {
      const answer = await request.confirm(plan);
      if (!answer) return undefined;
      withPrerequisites = answer.withPrerequisites;
    } else if (
      request.steps === 'all' &&
      plan.run.length === 0 &&
      !request.resolve &&
      // A deleted ARCHITECTURE.md, ADR index or `.mmd` is written again by the run, and a derived file no
      // longer drawn (an old c4-deployment.mmd) removed, with no model call.
      (await readSnapshot(output.dir).then(
        (s) => (s.missingDerived ?? []).length === 0 && (s.obsoleteDerived ?? []).length === 0,
        () => true,
      ))
    ) {
      if (!interactive) {
        return {
          output,
          request,
          summary: { done: [], failed: [], skipped: [], cancelled: false, revised: [], addressed: [] },
          failures: [],
          kept: [],
        };
      }
      await this.reportUpToDate(output);
      return undefined;
    }

    // The expected tokens and dollars, in the progress notification's title (no question asked),
    // unless the run is expected to pass archflow.budget: then a person decides first.
    const shown = await this.withEstimate(engine, request, withPrerequisites, connection, output, interactive);
    if (!shown) return undefined;

    log.info(
      `Run "${request.title}" on ${vscode.workspace.asRelativePath(prd)} → ${output.relative}` +
        ` (steps: ${request.steps === 'all' ? 'all' : request.steps.join(', ')}${withPrerequisites ? ', with prerequisites' : ''})`,
    );
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    request.signal?.addEventListener('abort', abort, { once: true });
    if (request.signal?.aborted) controller.abort();
    run.start(controller);
    try {
      const { summary, failures, resolved, kept } = await this.execute(
        engine,
        run,
        shown,
        withPrerequisites,
        controller,
      );
      // Retry from the outcome's notification is a person's request again.
      const again = {
        ...request,
        confirm: undefined,
        withPrerequisites,
        interactive: undefined,
        signal: undefined,
        onEvent: undefined,
      };
      return { output, request: again, summary, failures, resolved, kept };
    } finally {
      request.signal?.removeEventListener('abort', abort);
    }
  }

  /**
   * Who answers this run. `archflow.provider` = `vscode-lm`: VS Code's language models. Else the
   * Anthropic key; without one, VS Code's models when it offers any (a person is asked first and
   * the choice is saved; a tool or the chat participant uses them and the log says so), else
   * Set API Key.
   */
  private async connection(interactive: boolean): Promise<ModelConnection | undefined> {
    const { log } = this.deps;
    const lm: ModelConnection = { provider: 'client', client: createVscodeLmClient() };
    if (readProvider() === 'vscode-lm') {
      if ((await availableChatModels()).length > 0) return lm;
      if (!interactive) throw new Error(NO_MODELS);
      await vscode.window.showErrorMessage(`Archflow: ${NO_MODELS}`);
      return undefined;
    }
    const found = await this.deps.secrets.get();
    if (found) return { provider: 'anthropic', apiKey: found.key, baseURL: readBaseUrl() };
    const models = await availableChatModels();
    if (!interactive) {
      if (models.length === 0) throw new Error(NO_KEY_FOR_TOOL);
      log.info(`No Anthropic API key: this run uses ${VSCODE_LM_PROVIDER}.`);
      return lm;
    }
    if (models.length > 0) {
      const names = [...new Set(models.map((m) => m.name))].slice(0, 3).join(', ');
      const choice = await vscode.window.showInformationMessage(
        `Archflow: no Anthropic API key is set. Use ${VSCODE_LM_PROVIDER} instead (${names})? The choice is saved in the setting 'archflow.provider'.`,
        USE_VSCODE_LM,
        SET_API_KEY,
      );
      if (choice === USE_VSCODE_LM) {
        await setProvider('vscode-lm');
        log.info(`'archflow.provider' set to 'vscode-lm'.`);
        return lm;
      }
      if (choice !== SET_API_KEY) return undefined;
    } else {
      const choice = await vscode.window.showErrorMessage(NO_KEY, SET_API_KEY);
      if (choice !== SET_API_KEY) return undefined;
    }
    if (!(await this.deps.setApiKey())) return undefined;
    const key = (await this.deps.secrets.get())?.key;
    return key ? { provider: 'anthropic', apiKey: key, baseURL: readBaseUrl() } : undefined;
  }

  /**
   * The request with its expected cost in the title ("Design Architecture — expected $1.22"), or
   * undefined when the estimate passes archflow.budget and the person does not go on. VS Code's
   * language models have no list price: their runs show no estimate.
   */
  private async withEstimate(
    engine: WorkflowEngine,
    request: RunRequest,
    withPrerequisites: boolean,
    connection: ModelConnection,
    output: OutputFolder,
    interactive: boolean,
  ): Promise<RunRequest | undefined> {
    if (connection.provider !== 'anthropic' || request.resolve) return request;
    const estimate = await engine.estimate(request.steps, withPrerequisites).catch(() => undefined);
    if (!estimate || estimate.steps.length === 0) return request;
    this.deps.log.info(`Expected: ${estimateText(estimate)} (prices of ${PRICES_DATE}).`);
    const budget = readEngineSettings(output.folder).budget;
    if (budget && estimate.usd > budget.usd && interactive) {
      const choice = await vscode.window.showWarningMessage(
        `This run is expected to cost ${formatUsd(estimate.usd)}, more than archflow.budget (${formatUsd(budget.usd)}).`,
        {
          modal: true,
          detail: `Expected: ${estimateText(estimate)}. The run stops before a model call that could pass the budget; the documents written until then are kept.`,
        },
        BUDGET_RUN,
      );
      if (choice !== BUDGET_RUN) return undefined;
    }
    return { ...request, title: `${request.title} — expected ${formatUsd(estimate.usd)}` };
  }

  private createEngine(prd: vscode.Uri, output: OutputFolder, connection: ModelConnection): WorkflowEngine {
    const { extensionUri, log, conflicts } = this.deps;
    return createWorkflow({
      outputDir: output.dir,
      prdPath: prd.fsPath,
      connection,
      prompts: {
        builtinDir: vscode.Uri.joinPath(extensionUri, 'prompts').fsPath,
        overrideDir: vscode.Uri.joinPath(output.folder.uri, '.archflow', 'prompts').fsPath,
      },
      // VS Code's models cache nothing and may count requests against a plan: the steps
      // stay one call a step there (docs/adr/0014, docs/adr/0017).
      settings: {
        ...readEngineSettings(output.folder),
        ...(connection.provider === 'client' ? { partConcurrency: 0 } : {}),
      },
      resolveConflict: conflicts.resolverFor(output),
      log,
      // Every revision of an existing document is reviewed as a diff before it replaces it.
      reviewRevisions: true,
      // Every run of the extension (Design Architecture, one step, agent-mode tools) asks first.
      confirmApprovalVoid: async ({ approval, reason }) => {
        const q = approvalVoidQuestion(approval, reason);
        const choice = await vscode.window.showWarningMessage(
          q.message,
          { modal: true, detail: q.detail },
          APPROVAL_VOID_CONTINUE,
        );
        const go = choice === APPROVAL_VOID_CONTINUE;
        log.info(go ? `Continuing: ${q.message}` : `Run not started: the approval by ${approval.name} is kept.`);
        return go;
      },
    });
  }

  private async execute(
    engine: WorkflowEngine,
    run: SessionRun,
    request: RunRequest,
    withPrerequisites: boolean,
    controller: AbortController,
  ): Promise<{ summary: RunSummary; failures: Failure[]; resolved?: ResolveResult; kept: RunOutcome['kept'] }> {
    const { log } = this.deps;
    const kept: RunOutcome['kept'] = [];
    const onEvent = (event: EngineEvent): void => {
      logEvent(log, event);
      run.apply(event);
      request.onEvent?.(event);
      if (event.type === 'file-kept') {
        kept.push({ file: event.file, besideFile: event.besideFile });
        // Said at once, not after the run: the user sees where the proposal went while they review.
        if (event.besideFile) void announceBeside(run.output, event.file, event.besideFile);
      }
    };
    try {
      if (request.resolve) {
        const rounds = request.resolve.rounds;
        const resolved = await this.withRunProgress(request, run, controller, () =>
          engine.resolve({ rounds, signal: controller.signal, onEvent }),
        );
        const revised = [...new Set(resolved.rounds.flatMap((r) => r.revised))];
        const failed = resolved.failed ?? [];
        const cancelled = (resolved.cancelled ?? false) || controller.signal.aborted;
        const summary: RunSummary = { done: revised, failed, skipped: [], cancelled, revised, addressed: [] };
        return { summary, failures: failed, resolved, kept };
      }
      const options: RunOptions = {
        steps: request.steps,
        withPrerequisites,
        signal: controller.signal,
        onEvent,
        ...(request.notes ? { notes: request.notes } : {}),
      };
      const summary = await this.withRunProgress(request, run, controller, () => engine.run(options));
      return { summary, failures: summary.failed, kept };
    } catch (err) {
      const summary: RunSummary = {
        done: [],
        failed: [],
        skipped: [],
        cancelled: controller.signal.aborted,
        revised: [],
        addressed: [],
      };
      if (summary.cancelled) return { summary, failures: [], kept };
      log.failure('Run failed', err);
      const kind = err instanceof LlmError || err instanceof StepError ? err.kind : undefined;
      const step = err instanceof StepError ? err.step : undefined;
      const error = err instanceof Error ? err : undefined;
      return { summary, failures: [{ step, message: errorMessage(err), kind, error }], kept };
    }
  }

  /** The progress notification of a run, whose Cancel aborts the HTTP request at once (finished steps are kept). */
  private withRunProgress<T>(
    request: RunRequest,
    run: SessionRun,
    controller: AbortController,
    work: () => Promise<T>,
  ): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Archflow: ${request.title}`, cancellable: true },
        async (progress, token) => {
          const onCancel = token.onCancellationRequested(() => controller.abort());
          const notification = new RunNotification(this.deps.session, run, progress);
          try {
            return await work();
          } finally {
            onCancel.dispose();
            notification.dispose();
          }
        },
      ),
    );
  }

  private async report(prd: vscode.Uri, { output, request, summary, failures, resolved }: RunOutcome): Promise<void> {
    const { log } = this.deps;
    if (summary.cancelled) {
      log.info('Run cancelled.');
      await vscode.window.showInformationMessage(
        'Archflow: run cancelled. Finished steps are kept; run again to continue where it stopped.',
      );
      return;
    }
    if (summary.declined === 'approval') {
      await vscode.window.showInformationMessage(approvalKeptText());
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
      const budget = failed.some((f) => f.kind === 'budget');
      const choice = await vscode.window.showErrorMessage(
        `Archflow: ${where}: ${first.error ? errorMessage(first.error) : first.message}${more}${skipped}`,
        RETRY,
        ...(auth ? [SET_API_KEY] : []),
        ...(budget ? [OPEN_BUDGET] : []),
        SHOW_LOG,
      );
      if (choice === RETRY) await this.run(prd, request);
      else if (choice === OPEN_BUDGET)
        await vscode.commands.executeCommand('workbench.action.openSettings', 'archflow.budget');
      else if (choice === SET_API_KEY && (await this.deps.setApiKey())) await this.run(prd, request);
      else if (choice === SHOW_LOG) log.show();
      return;
    }
    if (resolved) await this.reportResolved(output, resolved);
    else await this.reportDone(prd, output, request, summary);
  }

  /** The end of Resolve Security Findings: the verdict, what was resolved, what is still open, the tokens. */
  private async reportResolved(output: OutputFolder, r: ResolveResult): Promise<void> {
    const t = resolvedText(r);
    const text =
      r.verdict === 'pass'
        ? `Archflow: ${t.verdict}. Resolved: ${t.resolved}. Still open: ${t.open}. Used ${t.tokens}.`
        : `Archflow: ${t.verdict}. Resolved: ${t.resolved}. Still open: ${t.open}. Used ${t.tokens}. Open the findings to fix them by hand, or run Resolve Security Findings again.`;
    this.deps.log.info(text);
    const target = vscode.Uri.joinPath(output.uri, stepWithBlock('findings').document);
    const openLabel = `Open ${stepWithBlock('findings').document}`;
    const show = r.verdict === 'pass' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(text, openLabel, SHOW_LOG);
    if (choice === openLabel) await vscode.commands.executeCommand('vscode.open', target);
    else if (choice === SHOW_LOG) this.deps.log.show();
  }

  private async reportDone(
    prd: vscode.Uri,
    output: OutputFolder,
    request: RunRequest,
    summary: RunSummary,
  ): Promise<void> {
    const single = request.steps !== 'all' && request.steps.length === 1 ? request.steps[0] : undefined;
    // One step ran: the steps that read it are stale now; the message says so and offers to update them.
    const stale =
      single && summary.done.includes(single)
        ? (await readWorkflowView(output.dir).catch(() => undefined))?.steps
            .filter((s) => s.id > single && s.status === 'stale')
            .map((s) => s.id)
        : undefined;
    const target = single
      ? vscode.Uri.joinPath(output.uri, stepById(single).document)
      : vscode.Uri.joinPath(output.uri, LAYOUT.architecture);
    const openLabel = single ? `Open ${stepById(single).document}` : OPEN_ARCHITECTURE;
    const exists = await fileExists(target);
    const regenerated = summary.regenerated ?? [];
    const staleText = stale?.length
      ? ` ${stale.length === 1 ? `Step ${stale[0]} reads it and is` : `Steps ${stale.slice(0, -1).join(', ')} and ${stale.at(-1)} read it and are`} stale now.`
      : '';
    const update = stale?.length ? (stale.length === 1 ? 'Update Step' : 'Update Them') : undefined;
    const text =
      single && summary.done.length === 1
        ? `Archflow: ${stepTitle(single)} is done.${staleText}`
        : summary.done.length === 0 && regenerated.length > 0
          ? `Archflow: every step is up to date; wrote the missing files again without a model call: ${regenerated.join(', ')}.`
          : `Archflow: ${summary.done.length} step${summary.done.length === 1 ? '' : 's'} done${exists && !single ? `; ${LAYOUT.architecture} is in ${output.relative}` : ''}.`;
    const choice = await vscode.window.showInformationMessage(
      text,
      ...(update ? [update] : []),
      ...(exists ? [openLabel] : []),
      SHOW_LOG,
    );
    if (choice === openLabel) await vscode.commands.executeCommand('vscode.open', target);
    else if (choice === SHOW_LOG) this.deps.log.show();
    else if (choice && choice === update && single && stale) {
      // Each stale step is revised from its document, with what changed upstream.
      await this.run(prd, { title: `Update the steps after ${stepTitle(single)}`, steps: stale });
    }
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
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Logs what the engine does not log itself (it logs runs, retries, repairs, results and conflicts). */
function logEvent(log: ExtensionLog, event: EngineEvent): void {
  if (event.type === 'step-started') log.info(`${stepTitle(event.step)} started`);
  else if (event.type === 'file-written') log.info(`Wrote ${event.file}`);
}
