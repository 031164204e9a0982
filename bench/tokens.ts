/**
 * Where a run's input tokens go: per request, what it sent at full price, as cache writes and as
 * cache reads (the fake's accounting of the real API's rules), against a naive layout of the same
 * step (its instructions, the PRD and every earlier step's document, no cache), and the blocks
 * it sent. Read from the fake server's request log after a run.
 */
import { fullPriceEquivalent } from '../src/core/pricing';
import { LAYOUT, STEPS } from '../src/core/steps';
import { estimateTokens } from '../test/fake-anthropic/promptCache';
import { type MessagesBody, flattenBlocks } from '../test/fake-anthropic/request';
import type { RecordedRequest } from '../test/fake-anthropic/server';

export interface RequestTokens {
  step: number;
  repair: boolean;
  /** The part of a step written in parts, when the request is one. */
  part?: string;
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
  /** input + 1.25 × writes + 0.1 × reads. */
  fullPriceEquivalent: number;
  /**
   * The same step sent the naive way: its instructions, the PRD and every earlier document, the
   * C4 model file among them (for a step the table gives the model) as the file is on disk.
   */
  naive: number;
  /** The naive way without the C4 model file: the PRD and the earlier step documents only. */
  naiveDocsOnly: number;
  /** Tokens of each block: documents by name, `system`, `task` (the rest). */
  blocks: Record<string, number>;
}

/** The token figures of many requests, summed. */
export type InputTotals = Pick<
  RequestTokens,
  'input' | 'cacheWrite' | 'cacheRead' | 'output' | 'fullPriceEquivalent' | 'naive' | 'naiveDocsOnly'
>;

const DOC = /^<document name="([^"]+)"/;

/** The C4 model file a request carries (whole, or in parts put together), as the file is written (indented). */
function modelFileTokens(body: MessagesBody): number {
  const parts = flattenBlocks(body)
    .filter((b) => b.text.startsWith(`<document name="${LAYOUT.c4Model}"`))
    .map((b) => b.text.replace(/^<document[^>]*>\n/, '').replace(/\n<\/document>$/, ''));
  if (parts.length === 0) return 0;
  const merged: Record<string, unknown> = {};
  try {
    for (const p of parts) {
      for (const [k, v] of Object.entries(JSON.parse(p) as Record<string, unknown>)) {
        merged[k] = Array.isArray(v) && Array.isArray(merged[k]) ? [...(merged[k] as unknown[]), ...v] : v;
      }
    }
  } catch {
    return parts.reduce((n, p) => n + estimateTokens(p), 0);
  }
  return estimateTokens(`<document name="${LAYOUT.c4Model}">\n${JSON.stringify(merged, null, 2)}\n</document>`);
}

/** The blocks of a request by what they are, in tokens. */
function blocksOf(body: MessagesBody): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of flattenBlocks(body)) {
    const name = b.role === 'system' ? 'system' : (DOC.exec(b.text)?.[1] ?? (b.role === 'user' ? 'task' : 'assistant'));
    out[name] = (out[name] ?? 0) + estimateTokens(b.text);
  }
  return out;
}

/**
 * Each completed step request of a run. `docs`: every step's document as the run wrote it; the
 * naive request of step N carries its instructions, the PRD and the documents of steps 1 … N-1.
 */
export function requestTokens(
  requests: readonly RecordedRequest[],
  docs: Partial<Record<number, string>>,
): RequestTokens[] {
  const out: RequestTokens[] = [];
  const seen = new Set<number>();
  for (const r of requests) {
    if (typeof r.step !== 'number' || !r.usage) continue;
    // The naive layout makes one call a step (and resends everything for a repair): a step's
    // further calls (the parts of a step written in parts) have no naive counterpart.
    const naiveCall = !seen.has(r.step) || (r.repair && r.part === undefined);
    seen.add(r.step);
    const body = r.body as MessagesBody;
    const blocks = blocksOf(body);
    const own = (blocks.system ?? 0) + (blocks.task ?? 0) + (blocks.assistant ?? 0) + (blocks.PRD ?? 0);
    const earlier = STEPS.filter((s) => s.id < (r.step as number)).reduce(
      (n, s) =>
        n +
        estimateTokens(`<document name="${s.document}" step="${s.id}">\n${(docs[s.id] ?? '').trimEnd()}\n</document>`),
      0,
    );
    const u = {
      input: r.usage.input_tokens,
      cacheWrite: r.usage.cache_creation_input_tokens,
      cacheRead: r.usage.cache_read_input_tokens,
    };
    out.push({
      step: r.step,
      repair: r.repair,
      ...(r.part !== undefined ? { part: r.part } : {}),
      ...u,
      output: r.usage.output_tokens,
      fullPriceEquivalent: Math.round(fullPriceEquivalent(u)),
      naive: naiveCall ? own + earlier + modelFileTokens(body) : 0,
      naiveDocsOnly: naiveCall ? own + earlier : 0,
      blocks,
    });
  }
  return out;
}

export function totalsOf(rows: readonly RequestTokens[]): InputTotals {
  const t: InputTotals = {
    input: 0,
    cacheWrite: 0,
    cacheRead: 0,
    output: 0,
    fullPriceEquivalent: 0,
    naive: 0,
    naiveDocsOnly: 0,
  };
  for (const r of rows) {
    t.input += r.input;
    t.cacheWrite += r.cacheWrite;
    t.cacheRead += r.cacheRead;
    t.output += r.output;
    t.fullPriceEquivalent += r.fullPriceEquivalent;
    t.naive += r.naive;
    t.naiveDocsOnly += r.naiveDocsOnly;
  }
  return t;
}

/** A table of the rows, for the console: where the input goes. */
export function breakdownTable(rows: readonly RequestTokens[]): string {
  const head = 'step  input  write   read  full-eq  naive  ratio  blocks (tokens)';
  const lines = rows.map((r) => {
    const blocks = Object.entries(r.blocks)
      .map(([k, v]) => `${k.replace(/\.md$|\.json$/, '')}=${v}`)
      .join(' ');
    const pad = (n: number, w: number): string => String(n).padStart(w);
    return `${pad(r.step, 4)}${r.repair ? 'r' : r.part ? 'p' : ' '} ${pad(r.input, 6)} ${pad(r.cacheWrite, 6)} ${pad(r.cacheRead, 6)} ${pad(r.fullPriceEquivalent, 8)} ${pad(r.naive, 6)} ${(r.fullPriceEquivalent / Math.max(1, r.naive)).toFixed(2).padStart(6)}  ${blocks}`;
  });
  return [head, ...lines].join('\n');
}
