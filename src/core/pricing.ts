/**
 * List prices of the Claude models, and what tokens cost at them. The table is dated: prices
 * change, so a cost is an estimate at the prices of that date (SPEC §10). Checked against
 * platform.claude.com's model pages on PRICES_DATE.
 */
import type { UsageTotals } from './llm/types';

/** The day the table was last checked. */
export const PRICES_DATE = '2026-12-03';

/** Dollars per million tokens. `cacheWrite` is the 5-minute cache write (the lifetime Archflow uses). */
export interface ModelPrice {
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
}

/**
 * Model id → list price. Haiku 5.5 is priced at its rate for prompts up to 100,000 tokens (longer
 * prompts cost five times as much; Archflow's requests stay below that for PRDs of normal size).
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-2': { input: 8, cacheWrite: 10, cacheRead: 0.2, output: 40 },
  'claude-fable-5-1': { input: 10, cacheWrite: 12.5, cacheRead: 0.25, output: 50 },
  'claude-fable-5': { input: 10, cacheWrite: 12.5, cacheRead: 1, output: 50 },
  'claude-mythos-5-2': { input: 8, cacheWrite: 10, cacheRead: 0.2, output: 40 },
  'claude-opus-5-5': { input: 4, cacheWrite: 5, cacheRead: 0.2, output: 20 },
  'claude-opus-5': { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 },
  'claude-opus-4-8': { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 },
  'claude-opus-4-7': { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 },
  'claude-opus-4-6': { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 },
  'claude-opus-4-5': { input: 5, cacheWrite: 6.25, cacheRead: 0.5, output: 25 },
  'claude-sonnet-5-5': { input: 2, cacheWrite: 2.5, cacheRead: 0.1, output: 10 },
  'claude-sonnet-5': { input: 2, cacheWrite: 2.5, cacheRead: 0.2, output: 10 },
  'claude-sonnet-4-6': { input: 3, cacheWrite: 3.75, cacheRead: 0.3, output: 15 },
  'claude-sonnet-4-5': { input: 3, cacheWrite: 3.75, cacheRead: 0.3, output: 15 },
  'claude-haiku-5-5': { input: 0.1, cacheWrite: 0.125, cacheRead: 0.01, output: 0.5 },
  'claude-haiku-4-5': { input: 1, cacheWrite: 1.25, cacheRead: 0.1, output: 5 },
};

/** The price a model's tokens are counted at, and whether the table knows the model itself. */
export interface PriceLookup {
  /** The table's key that priced it. */
  key: string;
  price: ModelPrice;
  /** False: the id is not in the table and was priced as the nearest model (same family), or the dearest. */
  exact: boolean;
}

/**
 * The price of a model id. A dated id (`claude-opus-4-5-20251101`) or a suffix (`[1m]`) is priced
 * as the longest key it starts with at a separator. An id the table does not know is priced as
 * the newest model of its family (opus, sonnet, haiku, fable, mythos), else as the dearest model,
 * so an estimate or a budget never counts it as cheaper than it may be.
 */
export function priceOf(model: string): PriceLookup {
  const id = model.trim().toLowerCase();
  const keys = Object.keys(MODEL_PRICES).sort((a, b) => b.length - a.length);
  const key = keys.find((k) => id === k || (id.startsWith(k) && /^[-@[:]/.test(id.slice(k.length))));
  if (key) return { key, price: MODEL_PRICES[key], exact: true };
  const family = /\b(opus|sonnet|haiku|fable|mythos)\b/.exec(id.replace(/[-_.]/g, ' '))?.[1];
  // The table lists each family newest first.
  const sameFamily = family ? Object.keys(MODEL_PRICES).find((k) => k.includes(`-${family}-`)) : undefined;
  if (sameFamily) return { key: sameFamily, price: MODEL_PRICES[sameFamily], exact: false };
  const dearest = Object.entries(MODEL_PRICES).sort((a, b) => b[1].output - a[1].output)[0];
  return { key: dearest[0], price: dearest[1], exact: false };
}

/** Dollars for a usage at a model's list price. */
export function costOf(
  usage: Pick<UsageTotals, 'input' | 'output' | 'cacheRead' | 'cacheWrite'>,
  model: string,
): number {
  const p = priceOf(model).price;
  return (
    (usage.input * p.input +
      usage.cacheWrite * p.cacheWrite +
      usage.cacheRead * p.cacheRead +
      usage.output * p.output) /
    1_000_000
  );
}

/** "$0.42", "$12.30", "<$0.01": how a cost is shown. */
export function formatUsd(dollars: number): string {
  if (dollars > 0 && dollars < 0.005) return '<$0.01';
  return `$${dollars.toFixed(2)}`;
}

/**
 * The full-price equivalent of input tokens: cache writes count 1.25 × and reads 0.1 × a plain
 * input token (the API's standard multipliers), whatever a model's own rates.
 */
export function fullPriceEquivalent(usage: Pick<UsageTotals, 'input' | 'cacheRead' | 'cacheWrite'>): number {
  return usage.input + usage.cacheWrite * 1.25 + usage.cacheRead * 0.1;
}
