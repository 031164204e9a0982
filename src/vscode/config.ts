/** Archflow settings, read at the moment they are needed (never cached, so edits apply to the next run). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_TOKENS,
  DEFAULT_PART_CONCURRENCY,
  DEFAULT_MODEL,
  DEFAULT_OUTPUT_FOLDER,
  DEFAULT_RESOLVE_ROUNDS,
} from '../core/config';
import type { EngineSettings } from '../core/engine';
import { AGENTS, type AgentId } from '../core/steps';

const SECTION = 'archflow';

/** The output folder of one workspace folder. */
export interface OutputFolder {
  folder: vscode.WorkspaceFolder;
  uri: vscode.Uri;
  /** File system path, for the core. */
  dir: string;
  /** As the user wrote it, normalised ("docs/architecture"). */
  relative: string;
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : fallback;
  return Math.min(max, Math.max(min, n));
}

/** The engine settings that apply to files of `folder` (folder settings override user settings). */
export function readEngineSettings(folder: vscode.WorkspaceFolder | undefined): EngineSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const model = cfg.get<string>('model', DEFAULT_MODEL).trim() || DEFAULT_MODEL;
  const rawAgents = cfg.get<unknown>('agentModels', {});
  const agentModels: Partial<Record<AgentId, string>> = {};
  if (rawAgents && typeof rawAgents === 'object') {
    for (const [agent, value] of Object.entries(rawAgents as Record<string, unknown>)) {
      if ((AGENTS as readonly string[]).includes(agent) && typeof value === 'string' && value.trim()) {
        agentModels[agent as AgentId] = value.trim();
      }
    }
  }
  return {
    model,
    agentModels,
    maxTokens: clampInt(cfg.get('maxTokens'), 1024, 1_000_000, DEFAULT_MAX_TOKENS),
    concurrency: clampInt(cfg.get('concurrency'), 1, 8, DEFAULT_CONCURRENCY),
    partConcurrency: clampInt(cfg.get('partConcurrency'), 0, 8, DEFAULT_PART_CONCURRENCY),
    ...readBudget(cfg),
  };
}

/** `archflow.budget`: dollars a run may spend; empty, 0 or not a number means no budget. */
function readBudget(cfg: vscode.WorkspaceConfiguration): Pick<EngineSettings, 'budget'> {
  const raw = cfg.get<unknown>('budget');
  const usd = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(usd) && usd > 0 ? { budget: { usd, setting: 'archflow.budget' } } : {};
}

/** Rounds of Resolve Security Findings (`archflow.resolveRounds`, 1-10, default 2). */
export function readResolveRounds(folder: vscode.WorkspaceFolder | undefined): number {
  return clampInt(
    vscode.workspace.getConfiguration(SECTION, folder?.uri).get('resolveRounds'),
    1,
    10,
    DEFAULT_RESOLVE_ROUNDS,
  );
}

/** Who answers the agents: the Anthropic API (with a key) or VS Code's language models. */
export type ProviderSetting = 'anthropic' | 'vscode-lm';

/** The `archflow.provider` setting (an unknown value counts as the default, `anthropic`). */
export function readProvider(): ProviderSetting {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('provider', 'anthropic');
  return value === 'vscode-lm' ? 'vscode-lm' : 'anthropic';
}

/** Sets `archflow.provider` in the user's settings. */
export async function setProvider(value: ProviderSetting): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('provider', value, vscode.ConfigurationTarget.Global);
}

/** The roles whose approval the approval criterion requires (`archflow.requiredApprovals`; empty: any one). */
export function readRequiredApprovals(folder: vscode.WorkspaceFolder | undefined): string[] {
  const raw = vscode.workspace.getConfiguration(SECTION, folder?.uri).get<unknown>('requiredApprovals', []);
  return Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string' && r.trim() !== '') : [];
}

/**
 * The API endpoint. Only the user's own (global) value of `archflow.anthropic.baseUrl` counts:
 * the setting has application scope so that a workspace cannot send the user's key elsewhere,
 * and reading `globalValue` keeps that true even if a workspace file sets it anyway.
 */
export function readBaseUrl(): string | undefined {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string>('anthropic.baseUrl');
  const fromSettings = inspected?.globalValue?.trim();
  const value = fromSettings || process.env.ANTHROPIC_BASE_URL?.trim() || undefined;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${describeBaseUrlSource(fromSettings)} is not a valid URL: "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${describeBaseUrlSource(fromSettings)} must be an http(s) URL, not "${url.protocol}".`);
  }
  return value;
}

function describeBaseUrlSource(fromSettings: string | undefined): string {
  return fromSettings ? "The setting 'archflow.anthropic.baseUrl'" : 'ANTHROPIC_BASE_URL';
}

/**
 * Checks the `archflow.outputFolder` value and returns it normalised with forward slashes.
 * Throws a user-facing error for an absolute path or one that leaves the workspace folder.
 * (Symlinks inside the folder are checked by the core when it writes.)
 */
export function normaliseOutputFolder(setting: string): string {
  const raw = setting.trim() || DEFAULT_OUTPUT_FOLDER;
  const what = `The setting 'archflow.outputFolder' ("${raw}")`;
  if (path.posix.isAbsolute(raw) || path.win32.isAbsolute(raw) || raw.startsWith('~')) {
    throw new Error(`${what} must be a path relative to the workspace folder, such as "${DEFAULT_OUTPUT_FOLDER}".`);
  }
  const normalised = path.posix.normalize(raw.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new Error(`${what} leaves the workspace folder. Archflow only writes inside the workspace.`);
  }
  if (normalised === '.' || normalised === '') {
    throw new Error(`${what} must name a folder inside the workspace folder, not the workspace folder itself.`);
  }
  return normalised;
}

/** The output folder of a workspace folder, from its `archflow.outputFolder` setting. */
export function outputFolderOf(folder: vscode.WorkspaceFolder): OutputFolder {
  const setting = vscode.workspace
    .getConfiguration(SECTION, folder.uri)
    .get<string>('outputFolder', DEFAULT_OUTPUT_FOLDER);
  const relative = normaliseOutputFolder(setting);
  const uri = vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
  return { folder, uri, dir: uri.fsPath, relative };
}

/** Whether a configuration change affects what the tree shows. */
export function affectsOutputFolder(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.outputFolder`);
}
