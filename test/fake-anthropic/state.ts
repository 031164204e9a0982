/** What one fake server holds between requests: its settings, the request log, faults, prompt cache and open streams. */
import { FaultBook } from './faults';
import { PromptCache } from './promptCache';
import type { ReplayAnswers } from './replay';
import type { RecordedRequest } from './requestLog';

/** The options the request handlers read, with defaults applied. */
export interface ServerSettings {
  chunkSize: number;
  chunkDelayMs: number;
  latencyMs: number;
  /**
   * Output tokens a second (four characters a token): deltas are sent on a schedule from the first
   * one, so the stream keeps this rate whatever the timers' jitter. Replaces `chunkDelayMs`.
   */
  tokensPerSecond?: number;
  /** Target length in characters of the fake model's full answer of a step (padding.ts); replays and revisions are not padded. */
  padTo?: Partial<Record<number, number>>;
  /** Accepted keys; undefined: any non-empty key that does not start with "bad". */
  validKeys?: string[];
  log?: (line: string) => void;
  /** Recorded answers that replace the fake model's, by step. */
  replay?: ReplayAnswers;
  /**
   * A hostile endpoint: every error it sends (HTTP error bodies, SSE error events) quotes the
   * request's key and authorization headers, and its request ids carry the key.
   */
  echoKey?: boolean;
}

/** The state shared by the request handlers of one server. */
export class FakeServerState {
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultBook();
  readonly cache: PromptCache;
  /** One controller per answer being written, so close() can end stalled streams. */
  readonly open = new Set<AbortController>();
  /** Requests numbered so far; request and message ids are made from it. */
  counter = 0;

  constructor(
    readonly settings: ServerSettings,
    minCacheTokens: number,
  ) {
    this.cache = new PromptCache({ minTokens: minCacheTokens });
  }

  /** Numbers a new request: `req_fake_000001`, … */
  nextRequestId(): string {
    return `req_fake_${String(++this.counter).padStart(6, '0')}`;
  }

  /** Forgets requests, the prompt cache and the fault rules. */
  reset(): void {
    this.requests.length = 0;
    this.cache.clear();
    this.faults.clear();
  }
}
