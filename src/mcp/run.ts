/**
 * How the MCP server runs the workflow: the CLI's engine (ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from
 * the environment, as `archflow design`), progress on stderr and as MCP progress notifications.
 */
import * as path from 'node:path';
import { readWorkflowView } from '../core/engine';
import { createWorkflow } from '../core/factory';
import { retryFromEnv } from '../cli/retryEnv';
import type { EngineEvent } from '../core/events';
import type { EngineSettings } from '../core/engine';
import type { Logger } from '../core/log';
import { stepTitle } from '../core/steps';
import { resolveInside } from '../core/tools/paths';
import { ToolInputError, type ToolRunOutcome, type ToolRunRequest } from '../core/tools/types';

export interface McpRunOptions {
  outputDir: string;
  /** PRD paths from a tool call are resolved against this folder and must stay inside it. */
  root: string;
  /** The PRD given with --prd. */
  defaultPrd?: string;
  settings: EngineSettings;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** How far a run is, for MCP progress notifications. */
export interface RunProgressNote {
  finished: number;
  planned: number;
  message: string;
}

const NO_KEY =
  "ANTHROPIC_API_KEY is not set in the Archflow MCP server's environment. Add it to the server's env in the MCP " +
  'client configuration (e.g. `claude mcp add archflow -e ANTHROPIC_API_KEY=sk-ant-… -- node …/dist/cli.js mcp`) and restart the server.';

/** The PRD of a call: the one named (inside the root), else --prd, else the one archflow.json records. */
async function prdOf(request: ToolRunRequest, options: McpRunOptions): Promise<string> {
  if (request.prd) return resolveInside(options.root, request.prd, 'The PRD', "the MCP server's working folder");
  if (options.defaultPrd) return options.defaultPrd;
  const recorded = (await readWorkflowView(options.outputDir)).prdPath;
  if (recorded) return recorded;
  throw new ToolInputError(
    'Name the PRD: give "prd" (a Markdown file inside the project), or start the server with --prd <file>.',
  );
}

/** One line on stderr per event a person watching the server's log wants. */
function eventLine(e: EngineEvent): string | undefined {
  switch (e.type) {
    case 'run-started':
      return e.steps.length
        ? `running ${e.steps.map((s) => `step ${s}`).join(', ')}`
        : 'every step is done and up to date';
    case 'step-started':
      return `▶ ${stepTitle(e.step)}`;
    case 'step-retry':
      return `↻ ${stepTitle(e.step)}: retrying in ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}`;
    case 'step-repair':
      return `⚠ ${stepTitle(e.step)}: asking the agent to repair its output`;
    case 'step-done':
      return `✔ ${stepTitle(e.step)}: ${e.files.join(', ')}`;
    case 'step-failed':
      return `✖ ${stepTitle(e.step)}: ${e.message}`;
    case 'file-kept':
      return `kept your edit of ${e.file}${e.besideFile ? `; Archflow's version is in ${e.besideFile}` : ''}`;
    case 'step-progress':
      return `… ${stepTitle(e.step)}: ${e.text}`;
    case 'step-text':
    case 'file-written':
    case 'run-finished':
      return undefined;
  }
}

/** Runs `request` with the CLI's engine; throws (a sentence for the model) when it cannot start. */
export async function runForMcp(
  request: ToolRunRequest,
  signal: AbortSignal,
  options: McpRunOptions,
  onProgress: (note: RunProgressNote) => void,
): Promise<ToolRunOutcome> {
  const apiKey = options.env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey) throw new Error(NO_KEY);
  const prdPath = await prdOf(request, options);
  const engine = createWorkflow({
    outputDir: options.outputDir,
    prdPath,
    connection: { provider: 'anthropic', apiKey, baseURL: options.env.ANTHROPIC_BASE_URL || undefined },
    // As `archflow design`: the shipped prompts, overridden by .archflow/prompts of the working folder.
    prompts: {
      builtinDir: path.join(__dirname, '..', 'prompts'),
      overrideDir: path.join(options.root, '.archflow', 'prompts'),
    },
    settings: options.settings,
    retry: retryFromEnv(options.env),
    // An MCP client cannot be asked: an edited file stays, Archflow's version goes beside it.
    resolveConflict: async () => 'beside',
    log: options.log,
  });
  let planned = 0;
  let finished = 0;
  const summary = await engine.run({
    steps: request.steps,
    withPrerequisites: request.withPrerequisites,
    signal,
    onEvent: (e) => {
      const line = eventLine(e);
      if (line) options.log.info(line);
      if (e.type === 'run-started') planned = e.steps.length;
      if (e.type === 'step-done' || e.type === 'step-failed') finished++;
      if (line && e.type !== 'file-kept') onProgress({ finished, planned, message: line });
    },
  });
  return { summary, outputDir: options.outputDir, prdPath };
}
