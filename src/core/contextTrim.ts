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
import { LAYOUT, type StepId, stepById, stepForC4Level, stepWithBlock } from './steps';

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

/**
 * The documents of step `step`'s request in prompt order: the step documents in step order
 * (without the views code drew, when the model is given), each model part right after the
 * document of the step that writes it, and at the end what belongs nowhere earlier (a part
 * whose step is not among the documents, or the whole model file when it cannot be split).
 */
export function layoutContext(step: StepId, upstream: readonly ContextDocument[]): ContextDocument[] {
  const model = upstream.find((d) => d.name === LAYOUT.c4Model && d.step === undefined);
  const docs = upstream
    .filter((d) => d !== model)
    .map((d) => (d.step !== undefined && d.step !== step ? { ...d, text: withoutSummary(d.step, d.text) } : d));
  if (!model) return docs;
  const parts = modelParts(model.text);
  const trimmed = docs.map((d) =>
    d.step !== undefined && d.step !== step ? { ...d, text: withoutDrawnViews(d.text) } : d,
  );
  if (!parts) return [...trimmed, model];
  const out: ContextDocument[] = [];
  const placed = new Set<ModelPart>();
  const partDoc = (p: ModelPart): ContextDocument => ({
    name: LAYOUT.c4Model,
    part: p.label,
    text: JSON.stringify(p.value),
  });
  for (const d of trimmed) {
    out.push(d);
    if (d.step === undefined || d.step === step) continue;
    for (const p of parts.filter((x) => x.after === d.step)) {
      out.push(partDoc(p));
      placed.add(p);
    }
  }
  for (const p of parts) if (!placed.has(p)) out.push(partDoc(p));
  return out;
}
