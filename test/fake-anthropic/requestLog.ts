/** The request log: one record per request as the fake saw it, the usage totals, and the --verbose line. */
import type { FaultKind } from './faults';
import type { InputUsage } from './promptCache';

/** Usage as reported to the client. */
export interface RecordedUsage extends InputUsage {
  output_tokens: number;
}

export type RequestOutcome =
  'in-progress' | 'complete' | 'max_tokens' | 'error-status' | 'dropped' | 'stalled' | 'cut' | 'sse-error' | 'aborted';

/** One request as the fake saw it. The API key itself is never recorded. */
export interface RecordedRequest {
  /** The `request-id` header sent back. */
  id: string;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  path: string;
  /** Step from `# Task: Step N`, or null. */
  step: number | null;
  /** The request was a repair turn. */
  repair: boolean;
  /** A part of a step in parts: 'decisions', 'summary' or 'adrs:<key>,<key>…'. */
  part?: string;
  model: string | null;
  stream: boolean;
  /** Whether an API key header (x-api-key or Authorization) was present. */
  apiKeyPresent: boolean;
  apiKeyAccepted: boolean;
  anthropicVersion: string | null;
  /** The parsed JSON body (undefined when it did not parse). */
  body: unknown;
  /** HTTP status sent (0 when the connection was dropped before a response). */
  status: number;
  fault?: FaultKind;
  outcome: RequestOutcome;
  usage?: RecordedUsage;
  stopReason?: string;
  durationMs?: number;
}

export interface UsageTotals extends RecordedUsage {
  requests: number;
}

/** Sum of the usage of every request that has one. */
export function usageTotals(log: readonly RecordedRequest[]): UsageTotals {
  const t: UsageTotals = {
    requests: 0,
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
  };
  for (const r of log) {
    if (!r.usage) continue;
    t.requests++;
    t.input_tokens += r.usage.input_tokens;
    t.cache_creation_input_tokens += r.usage.cache_creation_input_tokens;
    t.cache_read_input_tokens += r.usage.cache_read_input_tokens;
    t.output_tokens += r.usage.output_tokens;
  }
  return t;
}

/** One line for the CLI's --verbose: step, status, outcome, fault and usage of a finished request. */
export function logLine(record: RecordedRequest): string {
  const usage = record.usage
    ? ` in=${record.usage.input_tokens} cw=${record.usage.cache_creation_input_tokens} cr=${record.usage.cache_read_input_tokens} out=${record.usage.output_tokens}`
    : '';
  return `${record.time} ${record.id} step=${record.step ?? '-'}${record.part ? ` part=${record.part}` : ''}${record.repair ? ' repair' : ''} ${record.status || 'drop'} ${record.outcome}${record.fault ? ` fault=${record.fault}` : ''}${usage}`;
}
