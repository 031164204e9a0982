/**
 * The LLM port: the core's only view of a model provider, in the core's own words (no provider's
 * stop reasons or error types, no host's settings). Only anthropicClient.ts knows the SDK.
 */
import { redactSecrets, redactValue } from '../redact';

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

/**
 * Token usage of one call as the provider reports it. The cache counters are optional: a provider
 * without prompt caching, or one that does not say, leaves them out.
 */
export interface Usage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/**
 * Usage summed over calls, as archflow.json records it and events report it. A cache counter a
 * provider did not report counts as 0 here: no tokens were read from or written to a cache that
 * Archflow knows of, and totals stay plain numbers for every reader.
 */
export interface UsageTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Nothing used yet. */
export const ZERO_USAGE: UsageTotals = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** Adds one call's usage to a total (missing cache counters count as 0). */
export function addUsage(total: UsageTotals, call: Usage): UsageTotals {
  return {
    input: total.input + call.input,
    output: total.output + call.output,
    cacheRead: total.cacheRead + (call.cacheRead ?? 0),
    cacheWrite: total.cacheWrite + (call.cacheWrite ?? 0),
  };
}

/**
 * Why the model stopped: it finished (`end`), hit the output limit (`max-tokens`), hit a stop
 * sequence, declined to answer (`refusal`), or anything else a provider says (`other`).
 */
export type StopReason = 'end' | 'max-tokens' | 'stop-sequence' | 'refusal' | 'other';

/**
 * What a model call streams back, in order: text deltas, then exactly one `done`. A client that
 * starts the answer over (a retry after a broken stream) sends `restart` first: the text so far is
 * void, and the new attempt's text follows.
 */
export type LlmChunk =
  | { type: 'text'; text: string }
  | { type: 'restart'; attempt: number; delayMs: number; reason: LlmError }
  | { type: 'done'; stopReason: StopReason; usage: Usage; model: string };

/** A model client. Aborting `signal` aborts the request at once. */
export interface LlmClient {
  /** Who answers, as a sentence names it ("the Anthropic API"). */
  readonly provider: string;
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
  | 'too-large'
  | 'not-found'
  | 'cancelled';

/** What is known about a failed call; every field is optional. */
export interface LlmErrorFacts {
  /** Who answered, as a sentence names it ("the Anthropic API"). */
  provider?: string;
  /** The HTTP status, when there was one. */
  status?: number;
  /** Seconds the provider asked us to wait (retry-after). */
  retryAfterSec?: number;
  /** The provider's own words about the failure. */
  apiMessage?: string;
  /** The output limit an answer was cut off at (max-tokens), in tokens. */
  limit?: number;
  /** How long the answer stream sent nothing before it was given up (timeout), in ms. */
  idleMs?: number;
  /** Attempts made before giving up on a failure that retries did not cure. */
  attempts?: number;
  /** A lower-level cause, such as a network error's message. */
  cause?: string;
  /**
   * What the failed call used, as the API reported it before it failed (a stream cut after
   * message_start, an answer cut off at the output limit): billed, so the step's record counts it.
   */
  usage?: Usage;
  /** The failure came as an error event inside the answer stream, not as an HTTP status. */
  inStream?: boolean;
}

/** The kinds a second attempt of the same call may cure. */
const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set([
  'rate-limit',
  'overloaded',
  'server',
  'network',
  'stream-dropped',
  'timeout',
]);

/** " The API said: …." as a sentence of its own, or nothing when the API said nothing. */
export function apiSaid(apiMessage: string | null | undefined): string {
  const said = apiMessage?.trim();
  return said ? ` The API said: ${/[.!?]$/.test(said) ? said : `${said}.`}` : '';
}

/** The cause of a failure in words every host can show; the host adds its own remedy. */
export function describeLlmError(kind: LlmErrorKind, facts: LlmErrorFacts): string {
  const api = facts.provider ?? 'the model API';
  const Api = api.charAt(0).toUpperCase() + api.slice(1);
  const detail = apiSaid(facts.apiMessage);
  const status = facts.inStream
    ? ' (an error event in the answer stream)'
    : facts.status !== undefined
      ? ` (${facts.status})`
      : '';
  switch (kind) {
    case 'auth':
      return `${Api} rejected the API key${status}.${detail}`;
    case 'permission':
      return `The API key may not use this model or endpoint${status}.${detail}`;
    case 'not-found':
      return `The model or endpoint was not found${status}.${detail}`;
    case 'rate-limit':
      return `${Api} rate limit was reached${status}.${detail} Archflow waited and retried.`;
    case 'overloaded':
      return `${Api} is overloaded${status}.${detail} Archflow retried; try again in a few minutes.`;
    case 'server':
      return `${Api} failed${status}.${detail} Archflow retried; try again later.`;
    case 'network':
      return `Could not reach ${api}${facts.cause ? ` (${facts.cause})` : ''}.`;
    case 'stream-dropped':
      return `The answer stream broke${facts.cause ? ` (${facts.cause})` : ''}. Archflow retries; check your network if it persists.`;
    case 'timeout':
      return facts.idleMs !== undefined
        ? `${Api} sent nothing for ${facts.idleMs >= 1000 ? `${Math.round(facts.idleMs / 1000)} s` : `${facts.idleMs} ms`}. Check your network, then run the step again.`
        : `${Api} did not answer in time. Check your network or proxy, then run the step again.`;
    case 'max-tokens':
      return `The answer was cut off at the output limit${facts.limit !== undefined ? ` (${facts.limit} tokens)` : ''}.`;
    case 'bad-request':
      return `${Api} refused the request${status}.${detail}`;
    case 'too-large':
      return `${Api} refused the request as too large for the model${status}.${detail}`;
    case 'cancelled':
      return 'Cancelled.';
  }
}

/**
 * A failed model call: a kind and its facts. `message` is the cause in host-neutral words
 * (`describeLlmError`, or the client's own sentence); each host adds its remedy.
 */
export class LlmError extends Error {
  /** The cause without the attempts note. */
  readonly causeText: string;

  constructor(
    readonly kind: LlmErrorKind,
    readonly facts: LlmErrorFacts = {},
    cause?: string,
  ) {
    // An endpoint may echo the key in its words: none of them is kept.
    facts = redactValue(facts);
    const text = redactSecrets(cause ?? describeLlmError(kind, facts));
    super(facts.attempts !== undefined ? `${text} (gave up after ${facts.attempts} attempts)` : text);
    this.causeText = text;
    this.name = 'LlmError';
  }

  /** Seconds the server asked us to wait (retry-after), when it said. */
  get retryAfterSec(): number | undefined {
    return this.facts.retryAfterSec;
  }

  /** Whether trying the same call again may succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** The same failure with more facts (the attempts made, the step's limit). */
  with(facts: LlmErrorFacts): LlmError {
    return new LlmError(this.kind, { ...this.facts, ...facts }, this.causeText);
  }
}
