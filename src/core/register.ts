/**
 * The design's register of goals, constraints, assumptions, risks and open questions: the ids
 * (`G-n`, `C-n`, `A-n`, `R-n`, `Q-n`) documents define and cite, the `archflow-additions` block in
 * which each design step adds its own, and where on disk each id is defined.
 */
import { FieldReader, capErrors, isRecord, parseBlockJson, show } from './c4/jsonBlock';
import { headingKey, parseTable, renderTable, splitSections } from './markdown';
import { ADDITIONS_SECTION, type StepId, stepById } from './steps';

/** What a register id names. */
export type RegisterKind = 'goal' | 'constraint' | 'assumption' | 'risk' | 'question';

/** The letter of each kind's ids. */
export const REGISTER_PREFIX: Readonly<Record<RegisterKind, string>> = {
  goal: 'G',
  constraint: 'C',
  assumption: 'A',
  risk: 'R',
  question: 'Q',
};

/** The kinds a design step may add (goals and constraints come from the PRD, through the inventory step). */
export type AdditionKind = 'assumption' | 'risk' | 'question';

const KIND_OF_PREFIX: Readonly<Record<string, RegisterKind>> = {
  G: 'goal',
  C: 'constraint',
  A: 'assumption',
  R: 'risk',
  Q: 'question',
};

/** A register id: `A-301`. */
export const REGISTER_ID = /^([GCARQ])-(\d+)$/;

/** Every register id a text mentions (`A-3`, `Q-12`), not inside longer ids such as `NFR-1` or `SEC-2`. */
export function mentionedRegisterIds(text: string): string[] {
  return [...new Set(text.match(/(?<![A-Za-z0-9_-])[GCARQ]-\d+(?![A-Za-z0-9_]|-[A-Za-z0-9_])/g) ?? [])];
}

/** The kind of a register id, or undefined when the text is not one. */
export function registerKindOf(id: string): RegisterKind | undefined {
  const m = REGISTER_ID.exec(id);
  return m ? KIND_OF_PREFIX[m[1]] : undefined;
}

/** One assumption, risk or open question a design step adds. */
export interface Addition {
  id: string;
  kind: AdditionKind;
  /** The statement (assumption), description (risk) or question. */
  text: string;
  /** Assumption: the question for the PRD's owner. */
  question?: string;
  /** Risk: likelihood, impact and the architectural response. */
  likelihood?: string;
  impact?: string;
  response?: string;
  /** Question: the decision it blocks, and the default the design uses until it is answered. */
  blocks?: string;
  default?: string;
  /** Ids it affects (requirements, elements, other register ids). */
  affects: string[];
  step: StepId;
}

/** "A-301 … A-399" for a step's range of one kind. */
export function rangeText(step: StepId, kind: AdditionKind): string {
  const ids = stepById(step).ids;
  const p = REGISTER_PREFIX[kind];
  return ids ? `${p}-${ids.from} … ${p}-${ids.to}` : `no ${kind} ids`;
}

/** Whether `id` is in the range step `step` defines ids in. */
export function inRange(step: StepId, id: string): boolean {
  const ids = stepById(step).ids;
  const n = Number(REGISTER_ID.exec(id)?.[2]);
  return ids !== undefined && Number.isInteger(n) && n >= ids.from && n <= ids.to;
}

const ARRAYS: readonly { field: string; kind: AdditionKind }[] = [
  { field: 'assumptions', kind: 'assumption' },
  { field: 'risks', kind: 'risk' },
  { field: 'questions', kind: 'question' },
];

/** Reads one entry of the block; undefined (with errors recorded) when it is not usable. */
function readAddition(f: FieldReader, kind: AdditionKind, step: StepId): Addition | undefined {
  const id = f.string('id');
  if (id === undefined) return undefined;
  f.rename(`${kind} "${id}"`);
  if (registerKindOf(id) !== kind) return f.fail(`the id must look like ${REGISTER_PREFIX[kind]}-<n>.`);
  if (!inRange(step, id)) return f.fail(`the id is outside this step's range (${rangeText(step, kind)}).`);
  const affects = f.raw('affects');
  const list = Array.isArray(affects) ? affects.filter((a): a is string => typeof a === 'string') : [];
  const base = { id, kind, affects: list, step };
  switch (kind) {
    case 'assumption': {
      const text = f.string('statement');
      const question = f.string('question');
      return text && question ? { ...base, text, question } : undefined;
    }
    case 'risk': {
      const text = f.string('description');
      const response = f.string('response');
      const likelihood = f.optionalString('likelihood');
      const impact = f.optionalString('impact');
      return text && response ? { ...base, text, response, likelihood, impact } : undefined;
    }
    case 'question': {
      const text = f.string('question');
      const blocks = f.optionalString('blocks');
      const fallback = f.optionalString('default');
      return text ? { ...base, text, blocks, default: fallback } : undefined;
    }
  }
}

/** Validates an `archflow-additions` block of `step`; ids must be new, of their kind and in the step's range. */
export function parseAdditionsJson(text: string, step: StepId): { additions: Addition[]; errors: string[] } {
  const parsed = parseBlockJson(text, 'archflow-additions');
  if (parsed.error !== undefined) return { additions: [], errors: [parsed.error] };
  if (!isRecord(parsed.value)) {
    return {
      additions: [],
      errors: [
        'The archflow-additions block must contain one JSON object such as {"assumptions": [], "risks": [], "questions": []}.',
      ],
    };
  }
  const root = parsed.value;
  const errors: string[] = [];
  const additions: Addition[] = [];
  const seen = new Set<string>();
  for (const { field, kind } of ARRAYS) {
    const value = root[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      errors.push(`archflow-additions: "${field}" must be an array of objects, not ${show(value)}.`);
      continue;
    }
    value.forEach((item, i) => {
      if (!isRecord(item)) {
        errors.push(`${kind} #${i + 1} must be a JSON object, not ${show(item)}.`);
        return;
      }
      const f = new FieldReader(item, `${kind} #${i + 1}`, errors);
      const a = readAddition(f, kind, step);
      if (a === undefined || !f.ok) return;
      if (seen.has(a.id)) {
        errors.push(`${kind} "${a.id}" is defined twice; every id must be unique.`);
        return;
      }
      seen.add(a.id);
      additions.push(a);
    });
  }
  return { additions, errors: capErrors(errors) };
}

const HEADERS: Readonly<Record<AdditionKind, string[]>> = {
  assumption: ['Assumption', 'Statement', "Question for the PRD's owner", 'Affects'],
  risk: ['Risk', 'Description', 'Likelihood', 'Impact', 'Response', 'Affects'],
  question: ['Question', 'Asks', 'Blocks', 'Default until answered'],
};

function row(a: Addition): (string | undefined)[] {
  const affects = a.affects.join(', ');
  switch (a.kind) {
    case 'assumption':
      return [a.id, a.text, a.question, affects];
    case 'risk':
      return [a.id, a.text, a.likelihood, a.impact, a.response, affects];
    case 'question':
      return [a.id, a.text, a.blocks, a.default];
  }
}

/** The additions as the tables written into the step's document (one per kind that has entries). */
export function renderAdditions(additions: readonly Addition[]): string {
  const tables = ARRAYS.map(({ kind }) => additions.filter((a) => a.kind === kind))
    .filter((list) => list.length > 0)
    .map((list) => renderTable(HEADERS[list[0].kind], list.map(row)));
  return tables.length ? tables.join('\n\n') : '_This document adds no assumptions, risks or open questions._';
}

/**
 * The additions of every design step merged into one table per kind, ordered by id, each row
 * naming the document that added it: the register ARCHITECTURE.md's appendix shows.
 */
export function renderRegister(additions: readonly Addition[]): string | undefined {
  const order = (a: Addition, b: Addition): number =>
    Number(REGISTER_ID.exec(a.id)?.[2]) - Number(REGISTER_ID.exec(b.id)?.[2]);
  const tables = ARRAYS.map(({ kind }) => additions.filter((a) => a.kind === kind).sort(order))
    .filter((list) => list.length > 0)
    .map((list) =>
      renderTable(
        [...HEADERS[list[0].kind], 'Added in'],
        list.map((a) => [...row(a), stepById(a.step).document]),
      ),
    );
  return tables.length ? tables.join('\n\n') : undefined;
}

/** The additions of step `step` read back from its document on disk (hand edits included). */
export function parseAdditionsSection(markdown: string, step: StepId): Addition[] {
  const key = ADDITIONS_SECTION.toLowerCase();
  const body = splitSections(markdown).sections.find((s) => headingKey(s.title) === key)?.body;
  if (body === undefined) return [];
  const out: Addition[] = [];
  for (const { kind } of ARRAYS) {
    for (const r of parseTable(body, HEADERS[kind][0]) ?? []) {
      const id = (r[HEADERS[kind][0].toLowerCase()] ?? '').replace(/[`*]/g, '').trim();
      if (registerKindOf(id) !== kind) continue;
      const affects = (r['affects'] ?? '').split(/[,\s]+/).filter(Boolean);
      const base = { id, kind, affects, step };
      if (kind === 'assumption')
        out.push({ ...base, text: r['statement'] ?? '', question: r["question for the prd's owner"] });
      else if (kind === 'risk')
        out.push({
          ...base,
          text: r['description'] ?? '',
          likelihood: r['likelihood'],
          impact: r['impact'],
          response: r['response'],
        });
      else out.push({ ...base, text: r['asks'] ?? '', blocks: r['blocks'], default: r['default until answered'] });
    }
  }
  return out;
}

/** Where a register id is defined: its document and line (1-based). */
export interface Definition {
  id: string;
  file: string;
  line: number;
}

/** Table headers that mark a table as defining register ids in its first column ("Assumption (`A-n`)", "Open question"). */
const DEFINING_HEADER = /^(?:goal|constraint|assumption|risk|question|open question)s?\b/i;

/** A cell's text without emphasis and code marks. */
function bare(cell: string): string {
  return cell.replace(/[`*_]/g, '').trim();
}

/**
 * The register ids `markdown` defines: the first cell of each row of a table headed by a kind
 * ("Assumption", "Risk", …) and, when `lists` is set, list items that start with an id followed by
 * a colon or dash (`- Q-1: …`). Code blocks do not count.
 */
export function registerDefinitions(markdown: string, file: string, lists: boolean): Definition[] {
  const out: Definition[] = [];
  const lines = markdown.split(/\r?\n/);
  let fence: string | undefined;
  let defining = false;
  lines.forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      defining = false;
      return;
    }
    if (fence) return;
    const trimmed = line.trim();
    if (trimmed.startsWith('|')) {
      const cells = trimmed.replace(/^\|/, '').replace(/\|$/, '').split('|');
      const first = bare(cells[0] ?? '');
      const next = lines[i + 1] ?? '';
      if (/^\s*\|?\s*:?-{3,}/.test(next)) {
        defining = DEFINING_HEADER.test(first);
        return;
      }
      if (defining && REGISTER_ID.test(first)) out.push({ id: first, file, line: i + 1 });
      return;
    }
    defining = false;
    if (!lists) return;
    const item = /^\s*(?:[-*+]|\d+\.)\s+\**([GCARQ]-\d+)\**\s*(?:[:—–]|-\s)/.exec(line);
    if (item) out.push({ id: item[1], file, line: i + 1 });
  });
  return out;
}
