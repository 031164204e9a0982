/**
 * The decision step in parts (src/core/adr/parts.ts): what the fake model answers to each part,
 * derived from the whole step-8 answer it would give (or the recorded one it replays), so the
 * parts assemble into that answer. Deterministic like every answer of the fake.
 */
import { type AdrPart, DECISIONS_BLOCK, withoutAdrBlock } from '../../../src/core/adr/parts';
import { isRecord } from '../../../src/core/c4/jsonBlock';
import { parseBlock } from './documents';
import { jsonBlock } from './markdown';

/** The ADRs of a whole step-8 answer (the raw JSON entries), in order. */
function adrEntries(whole: string): Record<string, unknown>[] {
  const root = parseBlock(whole, 'archflow-adrs');
  return isRecord(root) && Array.isArray(root.adrs) ? root.adrs.filter(isRecord) : [];
}

/** A part's answer out of the whole answer of the step. */
export function partAnswer(whole: string, part: AdrPart): string {
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
