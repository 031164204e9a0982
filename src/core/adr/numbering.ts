/** Stable ADR numbers across re-runs of step 8 (SPEC §5: a re-run updates ADRs by identity, never renumbers). */
import type { AdrDraft, AdrRecord } from '../model';
import { normalizeAdrKey } from './parse';
import { adrFileName, isAdrFileName } from './slug';

/** A decision recorded by an earlier run (from archflow.json or the ADR files on disk). */
export interface ExistingAdr {
  key: string;
  number: number;
  title: string;
  /** Path relative to the output folder, e.g. adr/0001-use-a-modular-monolith.md */
  file: string;
  /** The date it was first recorded; kept on re-runs when given. */
  date?: string;
}

/** A title reduced to its words (any script), for matching a decision whose key changed. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Numbers the drafts of a step-8 run. A draft keeps the number of the existing decision with its key, or
 * failing that with the same title (the model changed the key); other drafts get numbers after the highest
 * ever used, in draft order. Numbers are never reused or shifted: pass `highestEverUsed` (from the run
 * state) so that numbers of decisions since removed are not handed out again either.
 *
 * A kept decision keeps its existing file path even when its title (and so its slug) changed: links to it
 * from other ADRs, documents and pull requests must not break, and the number is the identity anyway.
 *
 * Supersede links are resolved both ways: if A supersedes B, A gets B's number in `supersedesNumber`, and B
 * (when among the drafts) gets status `superseded` and A in `supersededBy`. A link to a key that is neither
 * a draft nor an existing decision is dropped.
 */
export function assignNumbers(
  drafts: AdrDraft[],
  existing: ExistingAdr[],
  today: string,
  highestEverUsed = 0,
): AdrRecord[] {
  const known = existing.filter((e) => Number.isInteger(e.number) && e.number > 0).sort((a, b) => a.number - b.number);
  const byKey = new Map<string, ExistingAdr>();
  for (const e of known) if (!byKey.has(normalizeAdrKey(e.key))) byKey.set(normalizeAdrKey(e.key), e);

  const claimed = new Set<number>();
  const matched = new Map<number, ExistingAdr>();
  drafts.forEach((d, i) => {
    const e = byKey.get(d.key);
    if (e && !claimed.has(e.number)) {
      claimed.add(e.number);
      matched.set(i, e);
    }
  });
  drafts.forEach((d, i) => {
    if (matched.has(i)) return;
    const title = normalizeTitle(d.title);
    if (title === '') return;
    const e = known.find((x) => !claimed.has(x.number) && normalizeTitle(x.title) === title);
    if (e) {
      claimed.add(e.number);
      matched.set(i, e);
    }
  });

  let next = Math.max(highestEverUsed, 0, ...known.map((e) => e.number)) + 1;
  const records: AdrRecord[] = drafts.map((d, i) => {
    const e = matched.get(i);
    const number = e ? e.number : next++;
    // A path from state that this code could not have written (hand-edited, or hostile) is regenerated.
    const file = e && isAdrFileName(e.file, e.number) ? e.file : adrFileName(number, d.title, d.key);
    const date = e?.date && /^\d{4}-\d{2}-\d{2}$/.test(e.date) ? e.date : today;
    return {
      ...d,
      consequences: { positive: [...d.consequences.positive], negative: [...d.consequences.negative] },
      alternatives: d.alternatives.map((a) => ({ ...a })),
      requirements: [...d.requirements],
      elements: [...d.elements],
      number,
      date,
      file,
      supersedes: null,
      supersededBy: null,
      supersedesNumber: null,
      supersededByNumber: null,
    };
  });
  linkSupersedes(records, drafts, known);
  return records.sort((a, b) => a.number - b.number);
}

/** Applies the drafts' supersede links (newer supersedes older) to the records, both ways; first link wins. */
function linkSupersedes(records: AdrRecord[], drafts: AdrDraft[], existing: ExistingAdr[]): void {
  const numberOf = new Map<string, number>(records.map((r) => [r.key, r.number]));
  for (const e of existing) if (!numberOf.has(normalizeAdrKey(e.key))) numberOf.set(normalizeAdrKey(e.key), e.number);
  const recordOf = new Map(records.map((r) => [r.key, r]));

  const pairs: [newer: string, older: string][] = [];
  for (const d of drafts) {
    if (d.supersedes) pairs.push([d.key, d.supersedes]);
    if (d.supersededBy) pairs.push([d.supersededBy, d.key]);
  }
  for (const [newer, older] of pairs) {
    const newerNumber = numberOf.get(newer);
    const olderNumber = numberOf.get(older);
    if (newerNumber === undefined || olderNumber === undefined || newerNumber === olderNumber) continue;
    const n = recordOf.get(newer);
    if (n && n.supersedes === null) {
      n.supersedes = older;
      n.supersedesNumber = olderNumber;
    }
    const o = recordOf.get(older);
    if (o && o.supersededBy === null) {
      o.supersededBy = newer;
      o.supersededByNumber = newerNumber;
      o.status = 'superseded';
    }
  }
}
