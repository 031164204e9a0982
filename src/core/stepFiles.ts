/** The files a validated step writes: its document, the C4 model, and numbered ADR files. */
import { type ExistingAdr, assignNumbers } from './adr/numbering';
import { escapeInline, markSuperseded, renderAdr } from './adr/render';
import { adrNumberText } from './adr/slug';
import type { AdrRecord } from './model';
import { type ParsedStep, renderStepDocument } from './stepOutput';
import { LAYOUT, stepById } from './steps';

/** A step's files (relative path → content) and the ADRs they number, for the run state. */
export interface StepFiles {
  files: Map<string, string>;
  /** The decisions of this run with their numbers (absent when the step has none). */
  adrs?: AdrRecord[];
}

/**
 * The files of a parsed step. Decisions keep the numbers of `existing` (the state's, every number
 * ever given) and new ones get fresh numbers; an existing ADR that a new decision supersedes but
 * this run left out is updated to link forward (`read` gives its text on disk).
 */
export async function stepFiles(
  parsed: ParsedStep,
  existing: readonly ExistingAdr[],
  today: string,
  read: (rel: string) => Promise<string | undefined>,
): Promise<StepFiles> {
  const files = new Map<string, string>();
  const def = stepById(parsed.step);
  if (parsed.c4) files.set(LAYOUT.c4Model, JSON.stringify(parsed.c4, null, 2) + '\n');
  if (!parsed.adrs) {
    files.set(def.document, renderStepDocument(parsed));
    return { files };
  }
  const records = assignNumbers(parsed.adrs, [...existing], today);
  for (const r of records) files.set(r.file, renderAdr(r, [...records, ...existing]));
  for (const r of records) {
    const old = existing.find((a) => a.number === r.supersedesNumber);
    if (!old || records.some((x) => x.number === old.number)) continue;
    const text = await read(old.file);
    if (text !== undefined) files.set(old.file, markSuperseded(text, r, existing));
  }
  const links = records
    .map((r) => `- [ADR ${adrNumberText(r.number)}: ${escapeInline(r.title)}](${encodeURI(r.file)}) — ${r.status}`)
    .join('\n');
  files.set(def.document, renderStepDocument(parsed, links));
  return { files, adrs: records };
}
