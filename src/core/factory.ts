/**
 * The one composition of the workflow: the model client (a provider's, or one given), wrapped in
 * retries and the idle watchdog, the prompt files, and the engine. The extension, the CLI, the
 * benchmark and the tests all build their engine here.
 */
import { type EngineOptions, type EngineSettings, WorkflowEngine } from './engine';
import type { ConflictResolver } from './events';
import { createAnthropicClient } from './llm/anthropicClient';
import { type RetryPolicy, resolveRetryPolicy, withRetries } from './llm/resilient';
import type { LlmClient } from './llm/types';
import { type Logger, redactedLogger } from './log';
import { registerSecret } from './redact';
import { FilePromptSource, type PromptSource } from './prompts';

/** Which model provider answers, and how to reach it. */
export type ModelConnection =
  | { provider: 'anthropic'; apiKey: string; /** Endpoint override; the SDK default when empty. */ baseURL?: string }
  /** A client built elsewhere (tests: the scripted model). */
  | { provider: 'client'; client: LlmClient };

/** Everything a host knows about a run it wants. */
export interface WorkflowOptions {
  outputDir: string;
  prdPath: string;
  connection: ModelConnection;
  /** The shipped prompts folder, and the folder of per-workspace overrides (optional). */
  prompts: { builtinDir: string; overrideDir?: string } | PromptSource;
  settings: EngineSettings;
  retry?: Partial<RetryPolicy>;
  resolveConflict: ConflictResolver;
  /** Ask before a revision replaces any existing step document (see EngineOptions). */
  reviewRevisions?: boolean;
  log: Logger;
  now?: () => Date;
  /** Asked before a run voids an approval of ARCHITECTURE.md (see EngineOptions). */
  confirmApprovalVoid?: EngineOptions['confirmApprovalVoid'];
}

/** The provider's client for a connection. */
export function createLlmClient(connection: ModelConnection): LlmClient {
  switch (connection.provider) {
    case 'anthropic':
      // Every text Archflow keeps or shows from now on is scrubbed of this key.
      registerSecret(connection.apiKey);
      return createAnthropicClient(
        connection.baseURL ? { apiKey: connection.apiKey, baseURL: connection.baseURL } : { apiKey: connection.apiKey },
      );
    case 'client':
      return connection.client;
  }
}

/** Builds the engine for a PRD and an output folder. */
export function createWorkflow(options: WorkflowOptions): WorkflowEngine {
  const prompts =
    'read' in options.prompts
      ? options.prompts
      : new FilePromptSource(options.prompts.builtinDir, options.prompts.overrideDir);
  return new WorkflowEngine({
    outputDir: options.outputDir,
    prdPath: options.prdPath,
    llm: withRetries(createLlmClient(options.connection), resolveRetryPolicy(options.retry)),
    prompts,
    settings: options.settings,
    resolveConflict: options.resolveConflict,
    reviewRevisions: options.reviewRevisions,
    log: redactedLogger(options.log),
    now: options.now,
    confirmApprovalVoid: options.confirmApprovalVoid,
  });
}
