/**
 * The settings the host checks expect to see, written into the user and workspace settings by
 * whoever starts VS Code for them (code-server or desktop). No `vscode` import: both sides use it.
 */

/** Environment variable naming the JSON file the checks write; the checks run only when it is set. */
export const HOST_CHECKS_OUT_ENV = 'ARCHFLOW_HOST_CHECKS_OUT';

/** A base URL nobody listens on: the checks only read settings, they never call the model. */
export const USER_BASE_URL = 'http://127.0.0.1:9/user-settings';

/** User settings (settings.json of the user data folder). */
export const USER_SETTINGS = {
  'archflow.model': 'claude-host-checks',
  'archflow.agentModels': { 'observability-engineer': 'claude-host-checks-fast' },
  'archflow.concurrency': 3,
  'archflow.partConcurrency': 2,
  'archflow.maxTokens': 2048,
  'archflow.budget': 5,
  'archflow.anthropic.baseUrl': USER_BASE_URL,
};

/** Workspace settings (.vscode/settings.json): maxTokens overrides the user's; baseUrl must be ignored. */
export const WORKSPACE_SETTINGS = {
  'archflow.maxTokens': 4096,
  'archflow.anthropic.baseUrl': 'http://127.0.0.1:9/a-workspace-must-not-set-this',
};

/** What Archflow must read from the two files above. */
export const EXPECTED_SETTINGS = {
  outputFolder: 'docs/architecture',
  baseUrl: USER_BASE_URL,
  // Not set in either file: the default provider.
  provider: 'anthropic',
  engine: {
    model: 'claude-host-checks',
    agentModels: { 'observability-engineer': 'claude-host-checks-fast' },
    maxTokens: 4096,
    concurrency: 3,
    partConcurrency: 2,
    budget: { usd: 5, setting: 'archflow.budget' },
  },
};

/** One check's result. */
export interface HostCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the checks write to the file named by ARCHFLOW_HOST_CHECKS_OUT. */
export interface HostCheckReport {
  vscodeVersion: string;
  appHost: string;
  /** Which chat / language model API functions this VS Code offers extensions. */
  api: Record<string, boolean>;
  /** Probe registrations the running VS Code refused, by API name, with its message. */
  refused?: Record<string, string>;
  ok: boolean;
  checks: HostCheck[];
  /** The activation the checks caused (archflow.refresh), when Archflow activated. */
  activation?: ActivationSample;
  finishedAt: string;
}

/** Environment variable: how many activations to measure in all (the host restarts between them). */
export const HOST_CHECKS_ACTIVATIONS_ENV = 'ARCHFLOW_HOST_CHECKS_ACTIVATIONS';

/**
 * One activation of Archflow in a fresh extension host, in ms on the host's performance.now():
 * from the moment the host checks execute archflow.refresh (which activates Archflow) to
 * - `firstLine`: the bundle's first line runs (VS Code resolving the activation, reading and
 *   compiling dist/extension.js);
 * - `lastLine`: its last line ran (the bundle's modules evaluated);
 * - `activateStarted` / `activated`: activate() called / returned (VS Code loads the extension's
 *   context, its storage, in parallel with the module and calls activate() once both are ready);
 * - `commandDone`: the command returned (activation plus archflow.refresh itself, which loads the
 *   workflow host on first use).
 */
export interface ActivationSample {
  firstLine: number;
  lastLine: number;
  activateStarted: number;
  activated: number;
  commandDone: number;
  /** activated - firstLine: the bundle's first line to activate() returned, VS Code's wait included. */
  loadAndActivate: number;
  /** (lastLine - firstLine) + (activated - activateStarted): Archflow's own code, the figure SPEC §10 targets. */
  own: number;
  /** The machine's 1-minute load average then (the times are wall clock, on a shared machine). */
  load1?: number;
}

/** The samples the host checks wrote, one line of JSON each, next to the report. */
export function activationsFile(reportFile: string): string {
  return `${reportFile}.activations.jsonl`;
}
