/**
 * Retries, backoff and an idle watchdog around any model client: an LlmClient wrapping an
 * LlmClient. The wrapped client knows nothing of retries; the caller sees one stream per call.
 */
import { LlmError, type LlmChunk, type LlmClient, type LlmRequest } from './types';

/** Bounded, cancellable retries of a call. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Abort a stream that sends nothing for this long. */
  idleTimeoutMs: number;
}

/** Four attempts, 2 s doubling up to a minute, two minutes of silence before a stream is given up. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 2000,
  maxDelayMs: 60_000,
  idleTimeoutMs: 120_000,
};

/** The defaults overridden by the finite numbers of `partial` only (an undefined field keeps its default). */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const overrides = Object.entries(partial).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...Object.fromEntries(overrides) };
  policy.maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  return policy;
}

/** The wait before attempt `attempt + 1`: what the provider asked for, else exponential; both capped. */
export function retryDelay(policy: RetryPolicy, attempt: number, error: LlmError): number {
  if (error.retryAfterSec !== undefined) return Math.min(error.retryAfterSec * 1000, policy.maxDelayMs);
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

/** Waits `ms`, or rejects at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal, provider: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new LlmError('cancelled', { provider }));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new LlmError('cancelled', { provider }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wraps `inner`: a stream that sends nothing for `idleTimeoutMs` is aborted (a `timeout`), and a
 * retryable failure is tried again after a backoff, up to `maxAttempts` in all, announced by a
 * `restart` chunk. A failure that retries did not cure says how many attempts were made. A `done`
 * chunk is passed on as it is, whatever its stop reason: a cut-off answer would be cut again.
 */
export function withRetries(inner: LlmClient, policy: RetryPolicy): LlmClient {
  const provider = inner.provider;
  async function* stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmChunk> {
    for (let attempt = 1; ; attempt++) {
      const watchdog = new AbortController();
      const onAbort = (): void => watchdog.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let idle: NodeJS.Timeout | undefined;
      let timedOut = false;
      const arm = (): void => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => {
          timedOut = true;
          watchdog.abort();
        }, policy.idleTimeoutMs);
      };
      let failure: LlmError;
      try {
        arm();
        for await (const chunk of inner.stream(request, watchdog.signal)) {
          arm();
          yield chunk;
          if (chunk.type === 'done') return;
        }
        failure = new LlmError('stream-dropped', { provider }, 'The answer stream ended without a final message.');
      } catch (err) {
        failure = err instanceof LlmError ? err : new LlmError('stream-dropped', { provider, cause: String(err) });
      } finally {
        if (idle) clearTimeout(idle);
        signal.removeEventListener('abort', onAbort);
      }
      if (signal.aborted) throw new LlmError('cancelled', { provider });
      if (timedOut) {
        const usage = failure.facts.usage;
        failure = new LlmError('timeout', { provider, idleMs: policy.idleTimeoutMs, ...(usage ? { usage } : {}) });
      }
      if (!failure.retryable) throw failure;
      if (attempt >= policy.maxAttempts) throw failure.with({ attempts: attempt });
      const delayMs = retryDelay(policy, attempt, failure);
      yield { type: 'restart', attempt: attempt + 1, delayMs, reason: failure };
      await sleep(delayMs, signal, provider);
    }
  }
  return { provider, stream };
}
