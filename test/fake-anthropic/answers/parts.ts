/**
 * Steps in parts (src/core/adr/parts.ts, src/core/sectionParts.ts): what the fake model answers
 * to each part, derived from the whole answer it would give the step (or the recorded one it
 * replays), so the parts assemble into that answer. Deterministic like every answer of the fake.
 */
import { type AdrPart, DECISIONS_BLOCK, withoutAdrBlock } from '../../../src/core/adr/parts';
import { OUTLINE_BLOCK, type SectionPart, type StepPart, h2Headings } from '../../../src/core/sectionParts';
import { fencedBlocks, headingKey } from '../../../src/core/markdown';
import { stepById } from '../../../src/core/steps';
import { isRecord } from '../../../src/core/c4/jsonBlock';
import { parseBlock } from './documents';
import { jsonBlock } from './markdown';

/** The ADRs of a whole step-8 answer (the raw JSON entries), in order. */
function adrEntries(whole: string): Record<string, unknown>[] {
  const root = parseBlock(whole, 'archflow-adrs');
  return isRecord(root) && Array.isArray(root.adrs) ? root.adrs.filter(isRecord) : [];
}

/** A part's answer out of the whole answer of step `step`. */
export function partAnswer(whole: string, part: StepPart, step: number): string {
  if (part.kind === 'outline' || part.kind === 'sections') return sectionPartAnswer(whole, part, step);
  return adrPartAnswer(whole, part);
}

/** A part of the decision step. */
function adrPartAnswer(whole: string, part: AdrPart): string {
  const adrs = adrEntries(whole);
  switch (part.kind) {
    case 'decisions':
      return jsonBlock(DECISIONS_BLOCK, {
        decisions: adrs.map((a) => ({
          key: a.key,
          title: a.title,
          status: a.status,
          supersedes: a.supersedes ?? null,
          supersededBy: a.supersededBy ?? null,
        })),
      });
    case 'summary':
      return withoutAdrBlock(whole).replace(/\n{3,}/g, '\n\n');
    case 'adrs':
      return jsonBlock('archflow-adrs', {
        adrs: part.keys.map((key) => adrs.find((a) => a.key === key) ?? standIn(key)),
      });
  }
}

/** The ADR of a key the whole answer does not have (a list the test changed): complete, and plain. */
function standIn(key: string): Record<string, unknown> {
  return {
    key,
    title: `Record ${key}`,
    status: 'accepted',
    context: 'The design documents take this decision; FR-1 depends on it.',
    decision: `We will keep the choice recorded as ${key}.`,
    consequences: { positive: ['Continuity with the design'], negative: ['Revisit when the drivers change'] },
    alternatives: [{ option: 'Reverse the decision', rejectedBecause: 'Nothing in the PRD requires it' }],
    requirements: ['FR-1'],
    elements: [],
    supersedes: null,
  };
}

/**
 * A part of a step written in section groups. A group's answer is the whole answer's text from its
 * first section's heading (the H1, for the group that starts the document) to the next group's.
 * The outline lists every section with a few one-line points (its H3 headings or bold lead-ins, or
 * its first sentence) and the ids it introduces: the ids the step's blocks define and its own
 * assumptions, risks and questions, each where it first appears.
 */
function sectionPartAnswer(whole: string, part: SectionPart, step: number): string {
  const def = stepById(step);
  const { h1, h2 } = h2Headings(whole);
  const key = (i: number): string => headingKey(h2[i].title);
  if (part.kind === 'sections') {
    const wanted = part.titles.map((t) => t.toLowerCase());
    const first = h2.findIndex((_, i) => wanted.includes(key(i)));
    if (first < 0) return '';
    let last = first;
    while (last + 1 < h2.length && wanted.includes(key(last + 1))) last++;
    const start = def.sections[0].toLowerCase() === wanted[0] ? (h1 ?? 0) : h2[first].at;
    const end = last + 1 < h2.length ? h2[last + 1].at : whole.length;
    return `${whole.slice(start, end).trimEnd()}\n`;
  }
  const defined = new Set<string>();
  for (const b of fencedBlocks(whole))
    for (const m of b.body.matchAll(/"id"\s*:\s*"([A-Z]{1,5}-\d+)"/g)) defined.add(m[1]);
  const inRange = (id: string): boolean => {
    const m = /^[ARQ]-(\d+)$/.exec(id);
    return m !== null && def.ids !== undefined && Number(m[1]) >= def.ids.from && Number(m[1]) <= def.ids.to;
  };
  const seen = new Set<string>();
  const sections = h2.map((h, i) => {
    const text = whole.slice(h.at, i + 1 < h2.length ? h2[i + 1].at : whole.length);
    const body = text.slice(text.indexOf('\n') + 1);
    const leads = [...body.matchAll(/^(?:###\s+(.+)|\*\*([^*\n]{3,80})\*\*)/gm)].map((m) => (m[1] ?? m[2]).trim());
    const sentence = /[A-Z][^.\n]{10,}\./.exec(body.replace(/```[\s\S]*?```/g, ''))?.[0];
    const points = (leads.length ? leads : sentence ? [sentence] : []).slice(0, 3).map((p) => p.slice(0, 100));
    const ids: string[] = [];
    for (const m of text.matchAll(/\b[A-Z]{1,5}-\d+\b/g)) {
      const id = m[0];
      if (seen.has(id) || !(defined.has(id) || inRange(id))) continue;
      seen.add(id);
      ids.push(`${id} — as the section states it`);
    }
    return { title: h.title, points, ids };
  });
  return jsonBlock(OUTLINE_BLOCK, { sections });
}
