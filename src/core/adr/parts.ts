/**
 * The decision step in parts (docs/adr/0014-parallel-calls-inside-steps.md): a short first call
 * settles the decision list, then the executive summary and the ADRs (in groups, one group a call)
 * are written by calls of their own that share the step's cached request, and code assembles them
 * into the one answer the single-call path gives. Pure: requests are built from the step's request, answers are checked
 * and assembled here; the calls are made by agentParts.ts.
 */
import type { LlmRequest, PromptBlock } from '../llm/types';
import type { AdrDraft, AdrStatus } from '../model';
import { capErrors, FieldReader, isRecord, parseBlockJson, show } from '../c4/jsonBlock';
import { fencedBlocks } from '../markdown';
import { ADR_KEY_PATTERN, ADR_STATUSES, normalizeAdrKey, normalizeAdrStatus, parseAdrJson } from './parse';

/** The info string of the decision list's block (the first call's answer). */
export const DECISIONS_BLOCK = 'archflow-decisions';
/** The first line of every part's instruction: the fake server and the logs tell the parts by it. */
export const PART_HEADING = '# Part:';
/** Cache breakpoints the API accepts in one request. */
const MAX_BREAKPOINTS = 4;
/** More decisions than this in one list is not a design's decision log; the list is asked again. */
const MAX_DECISIONS = 40;

/** One call of the decision step in parts. */
export type AdrPart = { kind: 'decisions' } | { kind: 'summary' } | { kind: 'adrs'; keys: string[] };

/** A decision as the list settles it: its identity, its title and status, its links. */
export interface DecisionEntry {
  key: string;
  title: string;
  status: AdrStatus;
  supersedes: string | null;
  supersededBy: string | null;
}

/** How a part names itself in logs and messages ("the decision list", "ADR `order-store`"). */
export function partLabel(part: AdrPart): string {
  if (part.kind === 'decisions') return 'the decision list';
  if (part.kind === 'summary') return 'the executive summary';
  return `${part.keys.length === 1 ? 'ADR' : 'ADRs'} ${part.keys.map((k) => `\`${k}\``).join(', ')}`;
}

/** The part a request's instruction names (its block starting with PART_HEADING); undefined for a whole step. */
export function partOfText(text: string): AdrPart | undefined {
  const m = /^# Part: (decision list|executive summary|ADRs? ((?:`[a-z0-9-]+`(?:, )?)+))\s*$/m.exec(text);
  if (!m) return undefined;
  if (m[1] === 'decision list') return { kind: 'decisions' };
  if (m[1] === 'executive summary') return { kind: 'summary' };
  return { kind: 'adrs', keys: [...m[2].matchAll(/`([a-z0-9-]+)`/g)].map((k) => k[1]) };
}

/** The first line of a part's instruction. */
export function partHeading(part: AdrPart): string {
  if (part.kind === 'decisions') return `${PART_HEADING} decision list`;
  if (part.kind === 'summary') return `${PART_HEADING} executive summary`;
  return `${PART_HEADING} ${partLabel(part)}`;
}

/** The decisions split into `groups` calls (contiguous, in list order, sizes differing by one at most). */
export function groupDecisions<T>(decisions: readonly T[], groups: number): T[][] {
  const n = Math.max(1, Math.min(decisions.length, Math.floor(groups)));
  const out: T[][] = [];
  let at = 0;
  for (let g = 0; g < n; g++) {
    const size = Math.floor(decisions.length / n) + (g < decisions.length % n ? 1 : 0);
    out.push(decisions.slice(at, at + size));
    at += size;
  }
  return out.filter((g) => g.length > 0);
}

/**
 * A part's request: the step's request with its task block cached too (every part of the step
 * shares everything up to it), then the part's instruction. At most four breakpoints: the earliest
 * ones in the user turn give way (the later ones cover their prefixes).
 */
export function partRequest(step: LlmRequest, instruction: string): LlmRequest {
  const [turn, ...rest] = step.turns;
  if (!turn || rest.length > 0) throw new Error('A part request is built from a step request of one user turn.');
  const content: PromptBlock[] = turn.content.map((b, i) =>
    i === turn.content.length - 1 ? { text: b.text, cache: true } : { ...b },
  );
  let count = [...step.system, ...content].filter((b) => b.cache).length;
  for (let i = 0; i < content.length - 1 && count > MAX_BREAKPOINTS; i++) {
    if (content[i].cache) {
      content[i] = { text: content[i].text };
      count--;
    }
  }
  content.push({ text: instruction });
  return { ...step, turns: [{ role: 'user', content }] };
}

/** The body of the one block with `info` in `text`, or the error to send back. */
function oneBlock(text: string, info: string): { body?: string; error?: string } {
  const mine = fencedBlocks(text).filter((b) => b.info.split(/\s+/).includes(info));
  if (mine.length === 0) return { error: `The \`${info}\` block is missing.` };
  if (mine.length > 1) return { error: `There are ${mine.length} \`${info}\` blocks; write exactly one.` };
  return { body: mine[0].body };
}

/** An optional decision key (`supersedes`, `supersededBy`): null when absent. */
function linkKey(f: FieldReader, field: string): string | null | undefined {
  const value = f.raw(field);
  if (value === undefined || value === null || value === '') return null;
  const text = f.string(field);
  if (text === undefined) return undefined;
  const key = normalizeAdrKey(text);
  return ADR_KEY_PATTERN.test(key) ? key : f.fail(`"${field}" ${show(text)} is not a decision key.`);
}

/**
 * Checks the decision list (the first call's answer): one `archflow-decisions` block, each entry
 * a key, a title, a status and its links; keys unique; every existing key present; a superseded
 * decision names a successor on the list.
 */
export function parseDecisionList(
  text: string,
  existingKeys: readonly string[],
): { decisions?: DecisionEntry[]; errors: string[] } {
  const block = oneBlock(text, DECISIONS_BLOCK);
  if (block.body === undefined) return { errors: [block.error!] };
  const parsed = parseBlockJson(block.body, DECISIONS_BLOCK);
  if (parsed.error !== undefined) return { errors: [parsed.error] };
  const root = parsed.value;
  if (!isRecord(root) || !Array.isArray(root.decisions))
    return { errors: [`The ${DECISIONS_BLOCK} block must contain one JSON object {"decisions": [ … ]}.`] };
  const errors: string[] = [];
  const decisions: DecisionEntry[] = [];
  if (root.decisions.length === 0) errors.push('"decisions" is empty; list at least one decision.');
  if (root.decisions.length > MAX_DECISIONS)
    errors.push(
      `"decisions" lists ${root.decisions.length} decisions; record the significant ones (at most ${MAX_DECISIONS}).`,
    );
  root.decisions.forEach((item: unknown, i: number) => {
    if (!isRecord(item)) {
      errors.push(`Decision #${i + 1} must be a JSON object, not ${show(item)}.`);
      return;
    }
    const f = new FieldReader(item, `Decision #${i + 1}`, errors);
    const rawKey = f.string('key');
    const key = rawKey === undefined ? undefined : normalizeAdrKey(rawKey);
    if (key !== undefined && !ADR_KEY_PATTERN.test(key)) f.fail(`"key" ${show(rawKey)} is not a decision key.`);
    else if (key) f.rename(`Decision "${key}"`);
    const title = f.string('title');
    const statusText = f.string('status');
    const status = statusText === undefined ? undefined : normalizeAdrStatus(statusText);
    if (statusText !== undefined && !status)
      f.fail(`"status" ${show(statusText)} is not one of ${ADR_STATUSES.join(', ')}.`);
    const supersedes = linkKey(f, 'supersedes');
    const supersededBy = linkKey(f, 'supersededBy');
    if (!f.ok || !key || !title || !status || supersedes === undefined || supersededBy === undefined) return;
    if (decisions.some((d) => d.key === key)) {
      errors.push(`Decision "${key}" is listed twice; every decision needs its own key.`);
      return;
    }
    decisions.push({ key, title: title.replace(/\s+/g, ' '), status, supersedes, supersededBy });
  });
  const keys = new Set(decisions.map((d) => d.key));
  const missing = existingKeys.filter((k) => !keys.has(k));
  if (missing.length > 0)
    errors.push(
      `The existing decisions ${missing.map((k) => `"${k}"`).join(', ')} are not listed; list every existing key (superseded or deprecated if it no longer applies).`,
    );
  for (const d of decisions) {
    const successor = d.supersededBy ?? decisions.find((x) => x.supersedes === d.key)?.key;
    if (d.status === 'superseded' && !successor)
      errors.push(`Decision "${d.key}" is superseded but no decision on the list replaces it.`);
    for (const link of [d.supersedes, d.supersededBy])
      if (link !== null && !keys.has(link) && !existingKeys.includes(link))
        errors.push(`Decision "${d.key}" links to "${link}", which is neither listed nor an existing decision.`);
  }
  return errors.length > 0 ? { errors: capErrors(errors) } : { decisions, errors };
}

/** The decision list as the other parts' instructions show it, one line each. */
export function decisionListText(decisions: readonly DecisionEntry[]): string {
  return decisions
    .map((d) => {
      const links = [
        d.supersedes ? `supersedes \`${d.supersedes}\`` : '',
        d.supersededBy ? `superseded by \`${d.supersededBy}\`` : '',
      ].filter(Boolean);
      return `- \`${d.key}\` (${d.status}${links.length ? `, ${links.join(', ')}` : ''}): ${d.title}`;
    })
    .join('\n');
}

/**
 * Checks an ADR group's answer: one `archflow-adrs` block with the ADRs of `entries`. Their
 * content (context, decision, consequences, alternatives, requirements, elements) is the call's;
 * their identity (key, title, status, links) is the list's, so the summary and the index agree.
 * Returns the ADRs that are valid and the errors of the others (named by key), so that a repair
 * needs to send only those.
 */
export function parseAdrGroup(
  text: string,
  entries: readonly DecisionEntry[],
): { adrs: Map<string, AdrDraft>; errors: string[] } {
  const adrs = new Map<string, AdrDraft>();
  const block = oneBlock(text, 'archflow-adrs');
  if (block.body === undefined) return { adrs, errors: [block.error!] };
  const parsed = parseBlockJson(block.body, 'archflow-adrs');
  if (parsed.error !== undefined) return { adrs, errors: [parsed.error] };
  const root = parsed.value;
  const list = isRecord(root) && Array.isArray(root.adrs) ? root.adrs.filter(isRecord) : undefined;
  if (!list) return { adrs, errors: ['The archflow-adrs block must contain one JSON object {"adrs": [ … ]}.'] };
  const errors: string[] = [];
  entries.forEach((entry, i) => {
    // By key; an ADR whose key the model changed is taken by its place.
    const item =
      list.find((a) => typeof a.key === 'string' && normalizeAdrKey(a.key) === entry.key) ??
      (list.length === entries.length ? list[i] : undefined);
    if (!item) {
      errors.push(`ADR "${entry.key}" is missing; write it.`);
      return;
    }
    const identity = {
      key: entry.key,
      title: entry.title,
      status: entry.status,
      supersedes: entry.supersedes,
      supersededBy: entry.supersededBy,
    };
    const checked = parseAdrJson(JSON.stringify({ adrs: [{ ...item, ...identity }] }));
    // The list named the successor; alone, this ADR cannot show it.
    const own = checked.errors.filter((e) => !e.includes('"supersededBy" does not name the successor'));
    const adr = checked.adrs[0];
    if (own.length === 0 && adr) adrs.set(entry.key, adr);
    else errors.push(...(own.length ? own : [`ADR "${entry.key}" could not be read.`]));
  });
  return { adrs, errors: capErrors(errors) };
}

/** The single-call answer the parts make: the summary, then (as the last thing in it) the ADR block. */
export function assembleAdrAnswer(summary: string, adrs: readonly AdrDraft[]): string {
  const block = JSON.stringify({ adrs }, null, 2);
  return `${summary.trimEnd()}\n\n\`\`\`archflow-adrs\n${block}\n\`\`\`\n`;
}

/** A summary answer with the ADR block it should not have written taken out (the parts write the ADRs). */
export function withoutAdrBlock(summary: string): string {
  const blocks = fencedBlocks(summary).filter((b) => b.info.split(/\s+/).includes('archflow-adrs'));
  let out = summary;
  for (const b of [...blocks].reverse()) out = out.slice(0, b.start) + out.slice(b.end);
  return out;
}
