/**
 * What a model call will cost, forecast before it is sent (the budget check, docs/adr/0016): its
 * input split as the provider's prompt cache will bill it, from what this run has sent so far.
 *
 * The run keeps a mirror of the cache: the prefixes its requests marked (`cache` blocks) and the
 * provider reported as cached (the usage's cache reads and writes), each with the provider's
 * lifetime (5 minutes, refreshed by every read). A new request reads the longest mirrored prefix
 * that ends at one of its block boundaries up to its last breakpoint, writes from there to its last
 * breakpoint, and pays full price for the rest — the rules of Anthropic's prompt caching. Tokens
 * are counted from characters at the ratio the provider's own counts showed on the run's earlier
 * calls (4 characters a token before the first). A provider that reports no cache (or no usage)
 * is forecast at full price for every token.
 */
import { createHash } from 'node:crypto';
import type { LlmRequest, Usage } from './llm/types';

/** The input side of a forecast, in tokens. */
export interface InputForecast {
  input: number;
  cacheWrite: number;
  cacheRead: number;
}

/** The provider's cache lifetime (Anthropic's default, refreshed by each read). */
export const CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * A mirrored prefix is trusted for less than the provider keeps it: a call that takes long to
 * start, or a clock that differs, must not turn a forecast read into a billed write.
 */
const TTL_MARGIN_MS = 30 * 1000;

/** Characters a token before the provider has counted one of the run's requests. */
const DEFAULT_CHARS_PER_TOKEN = 4;

interface Boundary {
  hash: string;
  /** Characters from the request's start to the end of this block. */
  chars: number;
  breakpoint: boolean;
}

function boundaries(request: LlmRequest): Boundary[] {
  const out: Boundary[] = [];
  let h = createHash('sha256').update(`model:${request.model}`).digest('hex');
  let chars = 0;
  const add = (role: string, message: number, block: { text: string; cache?: boolean }): void => {
    h = createHash('sha256').update(h).update(`\u0000${role}:${message}\u0000`).update(block.text).digest('hex');
    chars += block.text.length;
    out.push({ hash: h, chars, breakpoint: block.cache === true });
  };
  for (const b of request.system) add('system', 0, b);
  request.turns.forEach((t, i) => t.content.forEach((b) => add(t.role, i + 1, b)));
  return out;
}

/** The cache mirror of one run. */
export class CacheMirror {
  /** Prefix hash → when the provider drops it (ms). */
  private readonly entries = new Map<string, number>();
  private tokensPerChar = 1 / DEFAULT_CHARS_PER_TOKEN;
  /** undefined: no call reported yet; false: the provider reported no cache (or no usage). */
  private caches: boolean | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** How the provider will bill the input of `request`, from what the run sent before it. */
  forecast(request: LlmRequest): InputForecast {
    const bounds = boundaries(request);
    const total = this.tokens(bounds.at(-1)?.chars ?? 0);
    const last = bounds.map((b) => b.breakpoint).lastIndexOf(true);
    if (last < 0 || this.caches === false) return { input: total, cacheWrite: 0, cacheRead: 0 };
    const now = this.now();
    let hit = -1;
    for (let i = last; i >= 0; i--) {
      const expiry = this.entries.get(bounds[i].hash);
      if (expiry !== undefined && expiry - TTL_MARGIN_MS > now) {
        hit = i;
        break;
      }
    }
    const cacheRead = hit >= 0 ? this.tokens(bounds[hit].chars) : 0;
    // A prefix too short for the provider's minimum is billed as input; counting it as a write
    // (1.25 ×) never forecasts less than the bill.
    const cacheWrite = this.tokens(bounds[last].chars) - cacheRead;
    return { input: total - cacheRead - cacheWrite, cacheWrite, cacheRead };
  }

  /** What the provider billed for `request`: learns the token ratio and which prefixes it cached. */
  record(request: LlmRequest, usage: Usage): void {
    if (usage.unknown) {
      this.caches = false;
      return;
    }
    const bounds = boundaries(request);
    const chars = bounds.at(-1)?.chars ?? 0;
    const cached = (usage.cacheRead ?? 0) + (usage.cacheWrite ?? 0);
    const total = usage.input + cached;
    if (chars > 0 && total > 0) this.tokensPerChar = total / chars;
    if (usage.cacheRead === undefined && usage.cacheWrite === undefined) {
      this.caches = false;
      return;
    }
    if (cached > 0) this.caches = true;
    // Every marked prefix within what the provider cached is there now, for another lifetime.
    const expiry = this.now() + CACHE_TTL_MS;
    for (const b of bounds) {
      if (b.breakpoint && this.tokens(b.chars) <= cached * 1.01 + 1) this.entries.set(b.hash, expiry);
    }
  }

  private tokens(chars: number): number {
    return Math.ceil(chars * this.tokensPerChar);
  }
}
