/** The retry policy's test and benchmark knobs, read from the environment by the headless hosts. */
import type { RetryPolicy } from '../core/llm/resilient';

/** ARCHFLOW_RETRY_BASE_MS, ARCHFLOW_RETRY_MAX_MS, ARCHFLOW_RETRY_ATTEMPTS, ARCHFLOW_IDLE_TIMEOUT_MS (unset: the defaults). */
export function retryFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<RetryPolicy> {
  const n = (name: string): number | undefined => {
    const v = env[name];
    return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
  };
  return {
    baseDelayMs: n('ARCHFLOW_RETRY_BASE_MS'),
    maxDelayMs: n('ARCHFLOW_RETRY_MAX_MS'),
    maxAttempts: n('ARCHFLOW_RETRY_ATTEMPTS'),
    idleTimeoutMs: n('ARCHFLOW_IDLE_TIMEOUT_MS'),
  };
}
