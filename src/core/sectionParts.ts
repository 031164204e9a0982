/**
 * Steps written in section groups (docs/adr/0017-steps-written-in-section-groups.md): a short
 * first call settles the step's outline (per H2 section, the points it makes and the ids it
 * introduces), then each group of sections of the step table (`sectionGroups`) is written by a call
 * of its own given that outline, and code assembles their texts, in section order, into the one
 * answer a single call gives. Pure: the requests' instructions, the checks and the assembly; the
 * calls are made by agentSections.ts.
 */
import { unwrapDocument, withoutControlChars } from './answerText';
import { capErrors, FieldReader, isRecord, parseBlockJson, show } from './c4/jsonBlock';
import { fencedBlocks, headingKey } from './markdown';
import { BLOCK_INFO } from './stepOutput';
import { type BlockKind, type StepDef } from './steps';
import { type AdrPart, PART_HEADING, partOfText } from './adr/parts';

/** The info string of the outline's block (the first call's answer). */
export const OUTLINE_BLOCK = 'archflow-outline';
/** How the sections of a group are joined in its part heading. */
const SECTION_SEPARATOR = ' | ';
/** An outline's points a section at most (a longer outline is the document written twice). */
const MAX_POINTS = 6;

/** One call of a step written in section groups. */
export type SectionPart = { kind: 'outline' } | { kind: 'sections'; titles: string[] };

/** What the outline settles for one section. */
export interface OutlineSection {
  title: string;
  points: string[];
  /** The ids it introduces, each with a few words on what it is ("A-301 — peak load is 50 rps"). */
  ids: string[];
}

/** Whether the step is written in section groups (its table entry names them). */
export function hasSectionGroups(def: StepDef): boolean {
  return (def.sectionGroups?.length ?? 0) > 1;
}

/** The first line of a part's instruction. */
export function sectionPartHeading(part: SectionPart): string {
  return part.kind === 'outline'
    ? `${PART_HEADING} outline`
    : `${PART_HEADING} sections ${part.titles.join(SECTION_SEPARATOR)}`;
}

/** How a part names itself in logs and messages ("the outline", "sections Summary, Data Model"). */
export function sectionPartLabel(part: SectionPart): string {
  return part.kind === 'outline' ? 'the outline' : `sections ${part.titles.map((t) => `"${t}"`).join(', ')}`;
}

/** The section part a request's instruction names; undefined when it names none. */
export function sectionPartOfText(text: string): SectionPart | undefined {
  const m = /^# Part: (outline|sections (.+))\s*$/m.exec(text);
  if (!m) return undefined;
  if (m[1] === 'outline') return { kind: 'outline' };
  return { kind: 'sections', titles: m[2].split(SECTION_SEPARATOR).map((t) => t.trim()) };
}

/** The blocks a group writes: those whose section is one of its sections. */
export function groupBlocks(def: StepDef, titles: readonly string[]): BlockKind[] {
  return def.blocks.filter((k) => {
    const at = def.blockSections?.[k];
    return at !== undefined && titles.includes(at);
  });
}

/** A register id (`A-n`, `R-n`, `Q-n`) out of the step's range, as ADR 0009 allocates them. */
function outOfRange(def: StepDef, id: string): boolean {
  const m = /^[ARQ]-(\d+)$/.exec(id);
  if (!m || !def.ids) return false;
  const n = Number(m[1]);
  return n < def.ids.from || n > def.ids.to;
}

/**
 * Checks the outline (the first call's answer): one `archflow-outline` block listing every H2
 * section of the step in order, each with its points and the ids it introduces; no id introduced
 * twice; register ids in the step's range.
 */
export function parseOutline(text: string, def: StepDef): { outline?: OutlineSection[]; errors: string[] } {
  const mine = fencedBlocks(text).filter((b) => b.info.split(/\s+/).includes(OUTLINE_BLOCK));
  if (mine.length !== 1)
    return {
      errors: [
        mine.length === 0
          ? `The \`${OUTLINE_BLOCK}\` block is missing.`
          : `There are ${mine.length} \`${OUTLINE_BLOCK}\` blocks; write exactly one.`,
      ],
    };
  const parsed = parseBlockJson(mine[0].body, OUTLINE_BLOCK);
  if (parsed.error !== undefined) return { errors: [parsed.error] };
  const root = parsed.value;
  if (!isRecord(root) || !Array.isArray(root.sections))
    return { errors: [`The ${OUTLINE_BLOCK} block must contain one JSON object {"sections": [ … ]}.`] };
  const errors: string[] = [];
  const out: OutlineSection[] = [];
  const seen = new Map<string, string>();
  root.sections.forEach((item: unknown, i: number) => {
    if (!isRecord(item)) {
      errors.push(`Section #${i + 1} must be a JSON object, not ${show(item)}.`);
      return;
    }
    const f = new FieldReader(item, `Section #${i + 1}`, errors);
    const title = f.string('title');
    if (title) f.rename(`Section "${title}"`);
    const points = strings(f, 'points');
    const ids = strings(f, 'ids');
    if (!f.ok || !title) return;
    if (points.length > MAX_POINTS)
      errors.push(`Section "${title}" has ${points.length} points; give at most ${MAX_POINTS}, one line each.`);
    for (const entry of ids) {
      const id = idOf(entry);
      if (!id) {
        errors.push(`Section "${title}": ${show(entry)} does not start with an id.`);
        continue;
      }
      if (outOfRange(def, id))
        errors.push(
          `Section "${title}": ${id} is outside this step's range (${def.ids!.from}-${def.ids!.to}); number the assumptions, risks and questions this step introduces in it.`,
        );
      const other = seen.get(id);
      if (other !== undefined)
        errors.push(`${id} is introduced by both "${other}" and "${title}"; one section introduces it.`);
      else seen.set(id, title);
    }
    out.push({ title, points: points.map(oneLine), ids: ids.map(oneLine) });
  });
  const got = out.map((s) => headingKey(s.title));
  const want = def.sections.map((s) => s.toLowerCase());
  if (errors.length === 0 && (got.length !== want.length || got.some((g, i) => g !== want[i])))
    errors.push(
      `The outline must list exactly the document's sections, in this order: ${def.sections.map((s) => `"${s}"`).join(', ')}.`,
    );
  if (errors.length > 0) return { errors: capErrors(errors) };
  // The table's spelling of every title, whatever case the model used.
  return { outline: out.map((s, i) => ({ ...s, title: def.sections[i] })), errors };
}

/** An optional array of strings (absent: none); anything else is the section's error. */
function strings(f: FieldReader, field: string): string[] {
  const value = f.raw(field);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    f.fail(`"${field}" must be an array of strings.`);
    return [];
  }
  return (value as string[]).filter((v) => v.trim() !== '');
}

/** The id an outline entry starts with ("A-301 — …" → "A-301"; "`orders-api`: …" → "orders-api"). */
function idOf(entry: string): string | undefined {
  const m = /^\s*`?([A-Za-z][A-Za-z0-9_.-]*)`?/.exec(entry);
  return m ? m[1] : undefined;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The outline as the group calls' instructions show it: a bullet a section, its points and ids below. */
export function outlineText(outline: readonly OutlineSection[]): string {
  return outline
    .map((s) => {
      const lines = [`- \`## ${s.title}\``];
      for (const p of s.points) lines.push(`  - ${p}`);
      if (s.ids.length) lines.push(`  - Introduces: ${s.ids.join('; ')}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** An H2 heading line outside fences: its index in `text` and its title. */
interface Heading {
  at: number;
  title: string;
}

/** The H1 and H2 headings of a Markdown text outside fenced blocks. */
function headings(text: string): { h1?: number; h2: Heading[] } {
  const fences = fencedBlocks(text);
  const inFence = (i: number): boolean => fences.some((f) => i > f.start && i < f.end);
  let h1: number | undefined;
  const h2: Heading[] = [];
  for (const m of text.matchAll(/^(#{1,2})[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const at = m.index ?? 0;
    if (inFence(at)) continue;
    if (m[1] === '#') {
      if (h1 === undefined && h2.length === 0) h1 = at;
    } else h2.push({ at, title: m[2] });
  }
  return { h1, h2 };
}

/**
 * Checks a group's answer: exactly its H2 sections, in order (and the document's H1 first when it
 * writes the first section), each block of its sections exactly once and no block another part
 * writes. Returns its text as it goes into the assembled answer.
 */
export function parseSectionGroup(
  answer: string,
  def: StepDef,
  titles: readonly string[],
): { text?: string; errors: string[] } {
  const clean = unwrapDocument(withoutControlChars(answer)).text;
  const first = def.sections[0] === titles[0];
  const { h1, h2 } = headings(clean);
  const errors: string[] = [];
  if (first && h1 === undefined) errors.push('The document\'s H1 title ("# …") is missing: write it first.');
  const got = h2.map((h) => headingKey(h.title));
  const want = titles.map((t) => t.toLowerCase());
  const others = def.sections.filter((s) => !titles.includes(s)).map((s) => s.toLowerCase());
  const foreign = h2.filter((_, i) => others.includes(got[i]));
  if (foreign.length)
    errors.push(
      `Write only the sections ${titles.map((t) => `"${t}"`).join(', ')}: ${foreign.map((h) => `"${h.title}"`).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} written by another request.`,
    );
  const missing = titles.filter((t) => !got.includes(t.toLowerCase()));
  if (missing.length) errors.push(`The sections ${missing.map((t) => `"## ${t}"`).join(', ')} are missing.`);
  const mine = got.filter((g) => want.includes(g));
  if (!foreign.length && !missing.length && mine.some((g, i) => g !== want[i]))
    errors.push(`Write the sections in this order: ${titles.map((t) => `"## ${t}"`).join(', ')}.`);
  const start = first ? h1 : h2[0]?.at;
  const text = start === undefined ? '' : clean.slice(start).trimEnd();
  const own = groupBlocks(def, titles);
  for (const kind of def.blocks) {
    const info = BLOCK_INFO[kind];
    const n = fencedBlocks(text).filter((b) => b.info.split(/\s+/).includes(info)).length;
    if (own.includes(kind) && n !== 1)
      errors.push(
        n === 0
          ? `The \`${info}\` block is missing: it goes in "## ${def.blockSections![kind]}".`
          : `There are ${n} \`${info}\` blocks; write exactly one.`,
      );
    if (!own.includes(kind) && n > 0)
      errors.push(
        `Write no \`${info}\` block: another request writes it, in "## ${def.blockSections?.[kind] ?? '…'}".`,
      );
  }
  return errors.length ? { errors: capErrors(errors) } : { text, errors };
}

/** The single-call answer the groups make: their texts in the table's order. */
export function assembleSections(groupTexts: readonly string[]): string {
  return `${groupTexts.map((t) => t.trim()).join('\n\n')}\n`;
}

/** A part of a step written in parts: the decision step's (ADR 0014) or a section group step's. */
export type StepPart = AdrPart | SectionPart;

/** The part a request's instruction names, whichever kind of step it is; undefined for a whole step. */
export function stepPartOfText(text: string): StepPart | undefined {
  return partOfText(text) ?? sectionPartOfText(text);
}

/** The H2 headings of a document outside fences, with their offsets (where a group's text starts). */
export function h2Headings(text: string): { h1?: number; h2: { at: number; title: string }[] } {
  return headings(text);
}
