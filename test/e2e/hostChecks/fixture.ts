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
  finishedAt: string;
}
