/**
 * Prompt-caching simulation. A cache entry is the hash of a prompt prefix that ends at a block
 * carrying `cache_control`. A request reads the longest cached prefix that ends at one of its
 * block boundaries (up to its last breakpoint), writes the prefixes of its breakpoints beyond
 * that, and pays full price for the rest — the accounting the real API reports in `usage`. As on
 * the real API, an entry a request writes is readable only once that request's response begins:
 * requests sent at the same moment with the same new prefix each write it.
 */
import { createHash } from 'node:crypto';
import type { FlatBlock } from './request';

/** Characters per token of the fake tokenizer. */
export const CHARS_PER_TOKEN = 4;

/** Tokens of a text under the fake tokenizer (about four characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The input side of `usage`. */
export interface InputUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface PromptCacheOptions {
  /** Prefixes shorter than this are never cached (the API's minimum is 1024 for most models). */
  minTokens?: number;
  /** Clock, for tests of expiry. */
  now?: () => number;
}

/** The cache entries of one server: prefix hashes and when they expire. */
export class PromptCache {
  /** Prefix hash → when it becomes readable and when it expires (ms since epoch). */
  private readonly entries = new Map<string, { from: number; expiry: number }>();
  private readonly minTokens: number;
  private readonly now: () => number;

  constructor(options: PromptCacheOptions = {}) {
    this.minTokens = options.minTokens ?? 1024;
    this.now = options.now ?? Date.now;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Accounts a request's input tokens and updates the cache. Caches are per model. `latencyMs`:
   * how long until the request's response begins, from when what it writes is readable.
   */
  account(model: string, blocks: FlatBlock[], latencyMs = 0): InputUsage {
    const now = this.now();
    const hashes: string[] = [];
    const cumulative: number[] = [];
    let h = createHash('sha256').update(`model:${model}`).digest('hex');
    let tokens = 0;
    for (const b of blocks) {
      h = createHash('sha256').update(h).update(`\u0000${b.role}:${b.message}\u0000`).update(b.text).digest('hex');
      tokens += estimateTokens(b.text);
      hashes.push(h);
      cumulative.push(tokens);
    }
    const total = tokens;
    let lastBreakpoint = -1;
    blocks.forEach((b, i) => {
      if (b.breakpoint) lastBreakpoint = i;
    });
    if (lastBreakpoint < 0) return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

    // Longest cached prefix ending at a block boundary no later than the last breakpoint.
    let hit = -1;
    for (let i = lastBreakpoint; i >= 0; i--) {
      const entry = this.entries.get(hashes[i]);
      if (entry !== undefined && entry.from <= now && entry.expiry > now) {
        hit = i;
        break;
      }
    }
    const read = hit >= 0 ? cumulative[hit] : 0;
    if (hit >= 0) {
      // A hit refreshes the entry's lifetime.
      const ttl = blocks.slice(hit).find((b) => b.breakpoint)?.breakpoint?.ttlMs ?? 5 * 60 * 1000;
      this.entries.set(hashes[hit], { from: now, expiry: now + ttl });
    }
    let written = 0;
    for (let i = hit + 1; i <= lastBreakpoint; i++) {
      const bp = blocks[i].breakpoint;
      if (!bp || cumulative[i] < this.minTokens) continue;
      // An entry another request is still writing keeps the moment it becomes readable.
      const alive = this.entries.get(hashes[i]);
      const from = Math.min(alive && alive.expiry > now ? alive.from : Infinity, now + latencyMs);
      this.entries.set(hashes[i], { from, expiry: now + bp.ttlMs });
      written = cumulative[i] - read;
    }
    return {
      input_tokens: total - read - written,
      cache_creation_input_tokens: written,
      cache_read_input_tokens: read,
    };
  }
}
