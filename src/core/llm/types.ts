/** The LLM port: the core's only view of a model provider. Only anthropicClient.ts knows the SDK. */

/** One block of the user turn; `cache` marks the end of a prefix worth caching. */
export interface PromptBlock {
  text: string;
  cache?: boolean;
}

/** A conversation turn sent to the model. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: PromptBlock[];
}

/** Everything one model call needs. */
export interface LlmRequest {
  model: string;
  maxTokens: number;
  /** System prompt blocks (shared by every step so they cache). */
  system: PromptBlock[];
  turns: ChatTurn[];
}

/** Token usage of one call (or the sum of several). */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export const ZERO_USAGE: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** Adds two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

/** What a model call streams back, in order: text deltas, then exactly one `done`. */
export type LlmChunk =
  { type: 'text'; text: string } | { type: 'done'; stopReason: string; usage: Usage; model: string };

/** A model client. Aborting `signal` aborts the HTTP request at once. */
export interface LlmClient {
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmChunk>;
}

/** Why a model call failed, in terms the user can act on. */
export type LlmErrorKind =
  | 'auth'
  | 'permission'
  | 'rate-limit'
  | 'overloaded'
  | 'server'
  | 'network'
  | 'stream-dropped'
  | 'timeout'
  | 'max-tokens'
  | 'bad-request'
  | 'not-found'
  | 'cancelled';

/** A failed model call: `message` names the cause and the remedy. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    /** Seconds the server asked us to wait (retry-after), when it said. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }

  /** Whether trying the same call again may succeed. */
  get retryable(): boolean {
    return (
      this.kind === 'rate-limit' ||
      this.kind === 'overloaded' ||
      this.kind === 'server' ||
      this.kind === 'network' ||
      this.kind === 'stream-dropped' ||
      this.kind === 'timeout'
    );
  }
}
