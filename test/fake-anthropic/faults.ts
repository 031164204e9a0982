/** Injected faults: the rules a test sets, checked when they arrive as JSON, and used up request by request. */
import type { StepPart } from '../../src/core/sectionParts';

/** Kinds of injected faults. */
export type FaultKind = 'status' | 'drop' | 'stall' | 'cut' | 'max-tokens' | 'malformed' | 'sse-error' | 'open-finding';

/** Every fault kind, as the control endpoint and --faults accept them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'status',
  'drop',
  'stall',
  'cut',
  'max-tokens',
  'malformed',
  'sse-error',
  // Not a transport fault: the security review's answer gains an open high finding (answers/revise.ts).
  'open-finding',
];

/**
 * A fault rule. Rules are tried in order; the first one that matches the request's step (any
 * step when `step` is omitted) and has uses left applies, and one use is consumed.
 */
export interface FaultRule {
  kind: FaultKind;
  /** Only requests of this step (1-8); any request when omitted. */
  step?: number;
  /**
   * Only requests of this part of a step written in parts: 'decisions', 'summary', 'adrs' (any
   * group of ADRs) or 'adr:<key>' (the group with that ADR); 'outline', 'sections' (any group of
   * sections) or 'section:<title>' (the group with that section); a rule without it matches every
   * request of its step, parts included.
   */
  part?: string;
  /** How many matching requests the rule applies to; every one when omitted. */
  times?: number;
  /** `status`: the HTTP status (429, 500, 529, …). */
  status?: number;
  /** `status`: seconds for the `retry-after` header. */
  retryAfter?: number;
  /** `status` / `sse-error`: the error type; derived from the status when omitted. */
  errorType?: string;
  /** `status` / `sse-error`: the error message. */
  message?: string;
  /** `stall`: how long to stay silent after message_start; until the client aborts when omitted. */
  ms?: number;
  /** `cut` / `max-tokens` / `sse-error`: characters of text sent before the fault (default: half). */
  afterChars?: number;
  /** `cut`: destroy the socket instead of ending the response cleanly. */
  abrupt?: boolean;
}

/** A rule with its remaining uses (`null`: unlimited), as the control endpoint lists it. */
export type FaultRuleState = FaultRule & { remaining: number | null };

/** Checks fault rules (from JSON); throws naming the first problem. */
export function parseFaultRules(input: unknown): FaultRule[] {
  const list = Array.isArray(input) ? input : (input as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(list)) throw new Error('Fault rules must be a JSON array (or {"faults": [...]}).');
  return list.map((x, i) => {
    if (typeof x !== 'object' || x === null) throw new Error(`Fault rule ${i} must be an object.`);
    const r = x as Record<string, unknown>;
    if (!FAULT_KINDS.includes(r.kind as FaultKind))
      throw new Error(`Fault rule ${i}: kind must be one of ${FAULT_KINDS.join(', ')}.`);
    const int = (k: string, min: number): void => {
      if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isInteger(r[k]) || (r[k] as number) < min)) {
        throw new Error(`Fault rule ${i}: ${k} must be an integer ≥ ${min}.`);
      }
    };
    int('step', 1);
    int('times', 1);
    int('ms', 0);
    int('afterChars', 0);
    if (r.retryAfter !== undefined && (typeof r.retryAfter !== 'number' || r.retryAfter < 0)) {
      throw new Error(`Fault rule ${i}: retryAfter must be a number of seconds ≥ 0.`);
    }
    if (r.kind === 'status') {
      if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 400 || r.status > 599) {
        throw new Error(`Fault rule ${i}: a status fault needs "status" between 400 and 599.`);
      }
    }
    for (const k of ['errorType', 'message', 'part'] as const) {
      if (r[k] !== undefined && typeof r[k] !== 'string') throw new Error(`Fault rule ${i}: ${k} must be a string.`);
    }
    return { ...(r as unknown as FaultRule) };
  });
}

/** The rules in force and their remaining uses. */
export class FaultBook {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  /** Replaces the rules (checked first; throws on a bad rule and keeps the old ones). */
  set(list: FaultRule[]): void {
    this.rules = parseFaultRules(list).map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule for `step` (and `part`) with uses left, one use consumed; undefined when none applies. */
  take(step: number | null, part?: StepPart): FaultRule | undefined {
    const partMatches = (want: string | undefined): boolean => {
      if (want === undefined) return true;
      if (!part) return false;
      if (part.kind === 'sections')
        return want === 'sections' || (want.startsWith('section:') && part.titles.includes(want.slice(8)));
      if (part.kind !== 'adrs') return want === part.kind;
      return want === 'adrs' || (want.startsWith('adr:') && part.keys.includes(want.slice(4)));
    };
    const hit = this.rules.find(
      (r) => r.remaining > 0 && (r.rule.step === undefined || r.rule.step === step) && partMatches(r.rule.part),
    );
    if (hit) hit.remaining--;
    return hit?.rule;
  }

  /** The rules with their remaining uses. */
  list(): FaultRuleState[] {
    return this.rules.map((r) => ({ ...r.rule, remaining: Number.isFinite(r.remaining) ? r.remaining : null }));
  }
}

/** How the request log names a part: 'decisions', 'summary', 'adrs:<key>,<key>…', 'outline', 'sections:<title>|<title>…'. */
export function partName(part: StepPart): string {
  if (part.kind === 'sections') return `sections:${part.titles.join('|')}`;
  return part.kind === 'adrs' ? `adrs:${part.keys.join(',')}` : part.kind;
}
