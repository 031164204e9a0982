/**
 * A fake Anthropic Messages API: a real HTTP server on 127.0.0.1 that streams SSE like the real
 * API, answers every Archflow step for any PRD (answers/), simulates prompt caching
 * (promptCache.ts) and injects faults on demand (faults.ts). This file starts it and is the
 * surface tests use; routes.ts says which module answers which path.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultRule, FaultRuleState } from './faults';
import type { ReplayAnswers } from './replay';
import type { RecordedRequest, UsageTotals } from './requestLog';
import { usageTotals } from './requestLog';
import { createRoutes } from './routes';
import { FakeServerState } from './state';

export { errorTypeFor } from './errors';
export { FAULT_KINDS, parseFaultRules, type FaultKind, type FaultRule } from './faults';
export { loadReplay, type ReplayAnswers } from './replay';
export type { RecordedRequest, RecordedUsage, RequestOutcome, UsageTotals } from './requestLog';

export interface FakeAnthropicOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Only 127.0.0.1 is allowed. */
  host?: string;
  /** Accepted API keys. Default: any non-empty key that does not start with "bad". */
  validKeys?: string[];
  /** Delay between text deltas in ms (default 0). */
  chunkDelayMs?: number;
  /** Characters per text delta (default 80). */
  chunkSize?: number;
  /** Output tokens a second, paced from the first delta (replaces chunkDelayMs; see state.ts). */
  tokensPerSecond?: number;
  /** Target characters of the fake model's full answer per step (padding.ts). */
  padTo?: Partial<Record<number, number>>;
  /** Delay before message_start (time to first byte) in ms (default 0). */
  latencyMs?: number;
  /** Initial fault rules. */
  faults?: FaultRule[];
  /** Smallest cacheable prefix in tokens (default 1024). */
  minCacheTokens?: number;
  /** Called with one line per request (for the CLI's --verbose). */
  log?: (line: string) => void;
  /**
   * Recorded answers by step (see loadReplay): sent instead of the fake model's, faults and
   * `max_tokens` still apply; a repair of that step gets the same text again.
   */
  replay?: ReplayAnswers;
  /** Every error quotes the request's key and authorization headers (a hostile endpoint); request ids carry the key. */
  echoKey?: boolean;
}

export interface FakeAnthropic {
  /** http://127.0.0.1:<port> — use as the SDK's baseURL. */
  readonly url: string;
  readonly port: number;
  /** Every request received since start or the last reset, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Fault rules with their remaining uses. */
  readonly faults: readonly FaultRuleState[];
  /** Replaces the fault rules. */
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  /** Forgets requests, the prompt cache and the fault rules. */
  reset(): void;
  /** Sum of the usage of every recorded request. */
  usageTotals(): UsageTotals;
  /** Stops listening and ends every open connection (stalled streams included). */
  close(): Promise<void>;
}

/** Starts the fake server; resolves once it listens. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`The fake Anthropic server only listens on 127.0.0.1 (got ${host}).`);
  const state = new FakeServerState(
    {
      chunkSize: Math.max(1, options.chunkSize ?? 80),
      chunkDelayMs: Math.max(0, options.chunkDelayMs ?? 0),
      latencyMs: Math.max(0, options.latencyMs ?? 0),
      tokensPerSecond: options.tokensPerSecond,
      padTo: options.padTo,
      validKeys: options.validKeys,
      log: options.log,
      replay: options.replay,
      echoKey: options.echoKey,
    },
    options.minCacheTokens ?? 1024,
  );
  state.faults.set(options.faults ?? []);

  const server = http.createServer(createRoutes(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults.list();
    },
    setFaults: (rules) => state.faults.set(rules),
    clearFaults: () => state.faults.clear(),
    reset: () => state.reset(),
    usageTotals: () => usageTotals(state.requests),
    close: () =>
      new Promise<void>((resolve) => {
        for (const a of state.open) a.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
