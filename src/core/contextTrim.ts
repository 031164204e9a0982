/**
 * The context documents of a step's request, laid out for the prompt cache and sent once each
 * (issue 13, "cheaper input"):
 *
 * - The C4 model file is sent in parts, each right after the document of the step that writes
 *   it: people and software systems after step 2's document, containers and components after
 *   step 3's, the deployment after step 5's. A part changes only when its own step runs, so every
 *   later step's request starts with the same blocks and reads them from the cache; the whole
 *   file at the end would be new in every request, and written to the cache again each time.
 * - The C4 diagrams code drew into the documents (Mermaid `C4Context`, `C4Container`,
 *   `C4Component`, `C4Deployment` blocks) are left out when the model is given: they are the
 *   model drawn again; so are the tables code rendered from the model beside them (people and
 *   systems, containers, what runs where). A note says where each was. Every other part of a
 *   document is sent as it is.
 * - The model's JSON is sent compact (no indentation): the same JSON, a quarter fewer tokens.
 * - A document's `## Summary` is left out when another step reads it: it restates the sections
 *   that follow, which are sent. The step's own previous document is sent whole.
 *
 * A model file that does not parse, or holds more than these parts, is sent whole at the end.
 */
import { MODEL_TABLE_HEADERS } from './c4/modelTables';
import type { ContextDocument } from './prompts';
import { LAYOUT, STEPS, type StepId, stepById, stepForC4Level, stepWithBlock } from './steps';

/** The section that restates a document for its readers (the first of most step documents). */
const SUMMARY = 'Summary';

/** A step document without its first section when that is its summary (the step table says so). */
export function withoutSummary(step: StepId, text: string): string {
  if (stepById(step).sections[0] !== SUMMARY) return text;
  return text.replace(/^## Summary\n[\s\S]*?(?=^## )/m, '');
}

/** A code-drawn C4 view in a document. */
const DRAWN_VIEW = /```mermaid\n(C4Context|C4Container|C4Component|C4Deployment)\b[\s\S]*?\n```/g;

const VIEW_NAMES: Readonly<Record<string, string>> = {
  C4Context: 'system context',
  C4Container: 'container',
  C4Component: 'component',
  C4Deployment: 'deployment',
};

/** A table code rendered from the model: one of its headers, the rows up to the first line that is not a row. */
const MODEL_TABLE = new RegExp(
  `^(?:${MODEL_TABLE_HEADERS.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\n(?:\\|.*(?:\\n|$))+`,
  'gm',
);

/**
 * `text` without the C4 diagrams code drew from the model, each replaced by a one-line note, and
 * without the tables code rendered from the model beside them (its people and systems, its
 * containers, what runs where): the model is given, so they would be the model a second time.
 */
export function withoutDrawnViews(text: string): string {
  return text
    .replace(
      DRAWN_VIEW,
      (_m, kind: string) => `_(The ${VIEW_NAMES[kind]} diagram, drawn by code from \`${LAYOUT.c4Model}\`.)_`,
    )
    .replace(MODEL_TABLE, `_(A table of the model's elements, rendered by code from \`${LAYOUT.c4Model}\`.)_\n`);
}

/** The keys of a C4 model file this layout knows how to split. */
const MODEL_KEYS = new Set(['people', 'systems', 'containers', 'components', 'relationships', 'deployment']);

interface ModelPart {
  /** The step that writes this part, after whose document it goes. */
  after: StepId;
  label: string;
  value: Record<string, unknown>;
}

const ids = (x: unknown): string[] =>
  Array.isArray(x) ? x.map((e) => (e as { id?: unknown })?.id).filter((i): i is string => typeof i === 'string') : [];

/** The model file's parts (level 1, levels 2-3, deployment), or undefined when it cannot be split. */
export function modelParts(text: string): ModelPart[] | undefined {
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) return undefined;
  const m = model as Record<string, unknown>;
  if (Object.keys(m).some((k) => !MODEL_KEYS.has(k))) return undefined;
  const level1 = new Set([...ids(m.people), ...ids(m.systems)]);
  const relationships = Array.isArray(m.relationships) ? (m.relationships as { from?: unknown; to?: unknown }[]) : [];
  const outer = (r: { from?: unknown; to?: unknown }): boolean =>
    level1.has(String(r.from)) && level1.has(String(r.to));
  const parts: ModelPart[] = [
    {
      after: stepForC4Level(1).id,
      label: 'level 1: people, software systems and their relationships',
      value: { people: m.people ?? [], systems: m.systems ?? [], relationships: relationships.filter(outer) },
    },
  ];
  const inner = relationships.filter((r) => !outer(r));
  if (ids(m.containers).length || ids(m.components).length || inner.length) {
    parts.push({
      after: stepForC4Level(2).id,
      label: 'levels 2 and 3: containers, components and the relationships that involve them',
      value: { containers: m.containers ?? [], components: m.components ?? [], relationships: inner },
    });
  }
  if (m.deployment !== undefined && m.deployment !== null) {
    parts.push({ after: stepWithBlock('deployment').id, label: 'deployment', value: { deployment: m.deployment } });
  }
  return parts;
}

/** An id a document defines in the first cell of a table row or at the start of a list item (`FR-3`, `A-12`, `SEC-2`). */
const DEFINED_ID = /^(?:\|\s*|\s*[-*]\s+)(?:\*\*)?`?[A-Z]{1,4}-\d+\b/;

/** The digest's own note, first in it: what it holds, and where the rest is. */
export const DIGEST_NOTE =
  '_(Digest of this document, built by code: its title, summary and headings, and every table row or list item that defines an id. The steps that build on the document are given it whole.)_';

/** What a line of a step document is, for its digest. */
type LineKind = 'heading' | 'title' | 'summary' | 'table-head' | 'id' | 'other';

/** Each line of `text` classified: the digest keeps headings, the title, the summary and the lines that define ids. */
function classify(text: string): { line: string; kind: LineKind; table: number }[] {
  const out: { line: string; kind: LineKind; table: number }[] = [];
  const lines = text.split('\n');
  let fence = false;
  let inSummary = false;
  let table = -1;
  let headRows = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const push = (kind: LineKind): void => void out.push({ line, kind, table: /^\|/.test(line) ? table : -1 });
    if (/^(```|~~~)/.test(line)) fence = !fence;
    else if (!fence && /^#{1,6} /.test(line)) {
      inSummary = /^## /.test(line) && line.slice(3).trim() === SUMMARY;
      push(/^# /.test(line) ? 'title' : 'heading');
      continue;
    }
    if (inSummary) {
      push('summary');
      continue;
    }
    if (!fence && /^\|/.test(line)) {
      if (!/^\|/.test(lines[i - 1] ?? '')) {
        table++;
        headRows = 0;
      }
      // A table's header row, then its separator.
      if (headRows === 0 || (headRows === 1 && /^\|[\s|:-]+\|?\s*$/.test(line))) {
        headRows++;
        push('table-head');
        continue;
      }
      headRows = 2;
    }
    push(!fence && DEFINED_ID.test(line) ? 'id' : 'other');
  }
  return out;
}

/**
 * A step document as the steps that only refer to it are given it (docs/adr/0019): its H1, its
 * `## Summary` (where its author restates what it decides), every heading, and every table row or
 * list item that defines an id, a table's rows under its header, so the table still reads. Prose,
 * other rows, diagrams and code are left out. The same text for every reader: it depends on the
 * document only, so the digests of a run are one prefix every later request shares.
 */
export function digestOf(text: string): string {
  const lines = classify(text);
  const tablesWithIds = new Set(lines.filter((l) => l.kind === 'id' && l.table >= 0).map((l) => l.table));
  const out: string[] = [];
  let previous: LineKind | undefined;
  for (const l of lines) {
    const keep =
      l.kind === 'title' ||
      l.kind === 'heading' ||
      l.kind === 'summary' ||
      l.kind === 'id' ||
      (l.kind === 'table-head' && tablesWithIds.has(l.table));
    if (!keep) continue;
    const inTable = l.table >= 0;
    const wasTable = out.length > 0 && out[out.length - 1].startsWith('|');
    const apart =
      l.kind === 'heading' ||
      l.kind === 'title' ||
      previous === 'heading' ||
      previous === 'title' ||
      (l.kind !== 'summary' && inTable !== wasTable);
    if (out.length && apart) out.push('');
    out.push(l.line);
    if (l.kind === 'title') out.push('', DIGEST_NOTE);
    previous = l.kind;
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

/** The note where a table's rows that define ids were: they are in the digest, before. */
export const ROWS_IN_DIGEST = '_(Rows that define ids: in the digest above.)_';

/**
 * The rest of a step document after its digest, for a step that builds on it: every section but
 * the summary, without the table rows and list items that define ids (the digest, sent before it,
 * has them; a note marks where they were). Digest and rest together are the document, each line
 * once.
 */
export function restAfterDigest(text: string): string {
  const lines = classify(text);
  const out: string[] = [];
  let noted = false;
  for (const l of lines) {
    if (l.kind === 'summary' || (l.kind === 'heading' && l.line.slice(3).trim() === SUMMARY)) continue;
    if (l.kind === 'id') {
      if (!noted) out.push(ROWS_IN_DIGEST);
      noted = true;
      continue;
    }
    noted = false;
    out.push(l.line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** How a document is given: whole (its readers build on it), or as its digest. */
export const DIGEST_PART = 'digest';

/**
 * How step `doc`'s document goes in the shared chain: whole when two or more steps build on it
 * (each would otherwise get it whole after the chain, written to the cache once per step), else
 * as its digest, the one step that builds on it getting the rest after the chain.
 */
export function wholeInChain(doc: StepId): boolean {
  return STEPS.filter((s) => buildsOnOf(s.id).includes(doc)).length >= 2;
}

/** The documents a step builds on: its row's `buildsOn`, else everything it needs. */
function buildsOnOf(step: StepId): readonly StepId[] {
  const def = stepById(step);
  return def.buildsOn ?? def.needs;
}

/**
 * The documents of step `step`'s request in prompt order (docs/adr/0019):
 *
 * 1. The shared chain: every upstream step document in step order, whole when two or more steps
 *    build on it (`wholeInChain`), else as its digest; each model part right after the document
 *    of the step that writes it. It depends on the step table and the documents only, so a
 *    step's chain is the start of the next step's, and is read from the cache.
 * 2. The rest after the digest of each document in the chain as a digest that this step builds
 *    on (`buildsOn` in the step table): digest and rest together are the document, each line once.
 * 3. What belongs nowhere earlier: the step's own previous document (a re-run), a part whose step
 *    is not among the documents, or the whole model file when it cannot be split.
 *
 * Whole documents go without their summary (it restates what follows) and, when the model is
 * given, without the views and tables code drew from it.
 */
export function layoutContext(step: StepId, upstream: readonly ContextDocument[]): ContextDocument[] {
  return layoutWithChain(step, upstream).documents;
}

/** The laid-out documents, and how many of them, from the first, are the shared chain. */
export function layoutWithChain(
  step: StepId,
  upstream: readonly ContextDocument[],
): { documents: ContextDocument[]; chain: number } {
  const model = upstream.find((d) => d.name === LAYOUT.c4Model && d.step === undefined);
  const others = upstream.filter((d) => d.step !== undefined && d.step !== step);
  const own = upstream.filter((d) => d !== model && (d.step === undefined || d.step === step));
  const parts = model ? modelParts(model.text) : undefined;
  const trimmed = (text: string): string => (model ? withoutDrawnViews(text) : text);
  const chain: ContextDocument[] = [];
  const after: ContextDocument[] = [];
  const placed = new Set<ModelPart>();
  for (const d of others) {
    const n = d.step!;
    if (wholeInChain(n)) chain.push({ ...d, text: trimmed(withoutSummary(n, d.text)) });
    else {
      chain.push({ ...d, part: DIGEST_PART, text: digestOf(d.text) });
      if (buildsOnOf(step).includes(n)) after.push({ ...d, text: trimmed(restAfterDigest(d.text)) });
    }
    for (const p of parts?.filter((x) => x.after === n) ?? []) {
      chain.push(partDoc(p));
      placed.add(p);
    }
  }
  const rest: ContextDocument[] = [...own];
  if (model && !parts) rest.push(model);
  for (const p of parts ?? []) if (!placed.has(p)) rest.push(partDoc(p));
  return { documents: [...chain, ...after, ...rest], chain: chain.length };
}

const partDoc = (p: ModelPart): ContextDocument => ({
  name: LAYOUT.c4Model,
  part: p.label,
  text: JSON.stringify(p.value),
});
