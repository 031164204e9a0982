/**
 * The design's consistency report, beside the five exit criteria: ARCHITECTURE.md has its eleven
 * sections; no register id has two definitions; every document, section, element, ADR and id a
 * document cites exists; the deployment view agrees with the model; a mitigated finding's evidence
 * is still there. Computed from the files on disk, like the criteria.
 */
import { ARCHITECTURE_SECTIONS } from './architectureOutline';
import { unclosedFenceLine } from './answerText';
import type { Bundle } from './bundle';
import { checkDeployment } from './c4/deployment';
import { headingKeys, parseDocRef, splitRefs } from './docRefs';
import { mentionedRequirementIds } from './mentions';
import { headingKey } from './markdown';
import { inRange, mentionedRegisterIds } from './register';
import { LAYOUT, STEPS, type StepDef, findingSteps } from './steps';

/** What an issue is about. */
export type DesignIssueKind =
  | 'architecture-outline'
  | 'duplicate-id'
  | 'id-out-of-range'
  | 'unknown-document'
  | 'unknown-section'
  | 'unknown-element'
  | 'unknown-adr'
  | 'unknown-id'
  | 'deployment'
  | 'evidence';

/** One problem: an error fails `check`; a warning is shown with it. */
export interface DesignIssue {
  level: 'error' | 'warning';
  kind: DesignIssueKind;
  /** The file the problem is in, relative to the output folder, and its line when known. */
  file?: string;
  line?: number;
  message: string;
}

/** Lines of `markdown` outside fenced code, with their 1-based numbers. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      return;
    }
    if (!fence) out.push({ text, line: i + 1 });
  });
  return out;
}

/** ARCHITECTURE.md has exactly the eleven numbered sections, in order, and no fence left open. */
function outlineIssues(bundle: Bundle): DesignIssue[] {
  const text = bundle.architecture;
  if (text === undefined) return [];
  const issues: DesignIssue[] = [];
  const file = LAYOUT.architecture;
  const open = unclosedFenceLine(text.split(/\r?\n/));
  if (open >= 0) {
    issues.push({
      level: 'error',
      kind: 'architecture-outline',
      file,
      line: open + 1,
      message: `${file} has a code fence opened at line ${open + 1} that is never closed; everything after it renders as code`,
    });
  }
  const found = proseLines(text)
    .map((l) => /^##\s+(.+?)\s*#*\s*$/.exec(l.text)?.[1])
    .filter((h): h is string => h !== undefined);
  const expected = ARCHITECTURE_SECTIONS.map((s, i) => `${i + 1}. ${s}`);
  if (found.join('\n') !== expected.join('\n')) {
    const missing = expected.filter((s) => !found.includes(s));
    const extra = found.filter((s) => !expected.includes(s));
    const parts = [
      missing.length ? `missing ${missing.map((s) => `"${s}"`).join(', ')}` : '',
      extra.length ? `unexpected ${extra.map((s) => `"${s}"`).join(', ')}` : '',
      !missing.length && !extra.length ? 'the sections are out of order' : '',
    ].filter(Boolean);
    issues.push({
      level: 'error',
      kind: 'architecture-outline',
      file,
      message: `${file} does not have its eleven sections (${parts.join('; ')}); assemble it again by running the workflow`,
    });
  }
  return issues;
}

/** Every register id defined once, and by a step within its range. */
function definitionIssues(bundle: Bundle): DesignIssue[] {
  const issues: DesignIssue[] = [];
  const byId = new Map<string, { file: string; line: number }[]>();
  for (const d of bundle.definitions) byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
  for (const [id, defs] of byId) {
    if (defs.length < 2) continue;
    issues.push({
      level: 'error',
      kind: 'duplicate-id',
      file: defs[1].file,
      line: defs[1].line,
      message: `${id} is defined ${defs.length} times (${defs.map((d) => `${d.file} line ${d.line}`).join(', ')}): one id, two meanings`,
    });
  }
  for (const d of bundle.definitions) {
    const step = STEPS.find((s) => s.document === d.file);
    if (!step?.ids || /^[GC]-/.test(d.id) || inRange(step.id, d.id)) continue;
    issues.push({
      level: 'warning',
      kind: 'id-out-of-range',
      file: d.file,
      line: d.line,
      message: `${d.file} defines ${d.id}, outside its range (${step.ids.from}–${step.ids.to}); another document may define the same id`,
    });
  }
  return issues;
}

/** The ids of everything the C4 model names: elements and the deployment view's environments, nodes and infrastructure. */
function modelIds(bundle: Bundle): Set<string> {
  const m = bundle.c4;
  if (!m) return new Set();
  const d = m.deployment;
  return new Set([
    ...m.people.map((x) => x.id),
    ...m.systems.map((x) => x.id),
    ...m.containers.map((x) => x.id),
    ...m.components.map((x) => x.id),
    ...(d ? [...d.environments, ...d.nodes, ...d.infrastructure].map((x) => x.id) : []),
  ]);
}

const DOC_NAME = /(?<![\w/-])(\d{2}-[a-z0-9-]+\.md)\b/g;
const SECTION_REF = /(\d{2}-[a-z0-9-]+\.md)`?\s*(?:›|»|§)\s*([^,;:()\n`*]+)/g;
const ADR_REF = /\bADR[ -](\d{4})\b/g;
const ELEMENT_TABLE = /^(?:container|component|element)s?(?:\s*\(ids?\))?$/i;

/** Whether a section named in prose matches a heading: one of them starts with the other, at a word boundary. */
function namesHeading(keys: readonly string[], cited: string): boolean {
  const c = headingKey(cited.replace(/[.\s]+$/, ''));
  return c !== '' && keys.some((k) => k === c || k.startsWith(`${c} `) || c.startsWith(`${k} `));
}

/** References from one document (a step's, or an ADR) to documents, sections, elements, ADRs and ids. */
function referenceIssues(bundle: Bundle, file: string, text: string, known: KnownNames): DesignIssue[] {
  const issues: DesignIssue[] = [];
  const seen = new Set<string>();
  const add = (kind: DesignIssueKind, line: number, key: string, message: string): void => {
    if (seen.has(`${kind}:${key}`)) return;
    seen.add(`${kind}:${key}`);
    issues.push({ level: 'warning', kind, file, line, message });
  };
  let tableHeader: string | undefined;
  for (const { text: line, line: n } of proseLines(text)) {
    for (const m of line.matchAll(DOC_NAME)) {
      if (!known.documents.has(m[1])) {
        add('unknown-document', n, m[1], `${file} line ${n} cites ${m[1]}, which is not a document of this design`);
      }
    }
    for (const m of line.matchAll(SECTION_REF)) {
      const cited = STEPS.find((s) => s.document === m[1]);
      const doc = cited ? bundle.documents[cited.id] : undefined;
      if (doc !== undefined && !namesHeading(headingKeys(doc), m[2])) {
        const section = m[2].trim();
        add(
          'unknown-section',
          n,
          `${m[1]}›${section}`,
          `${file} line ${n} cites "${section}" of ${m[1]}, which has no such section`,
        );
      }
    }
    for (const m of line.matchAll(ADR_REF)) {
      if (!known.adrNumbers.has(Number(m[1]))) {
        add('unknown-adr', n, m[1], `${file} line ${n} cites ADR ${m[1]}, which does not exist`);
      }
    }
    for (const id of mentionedRegisterIds(line)) {
      if (!known.registerIds.has(id))
        add('unknown-id', n, id, `${file} line ${n} cites ${id}, which no document defines`);
    }
    if (known.requirementIds.size > 0) {
      for (const id of mentionedRequirementIds(line)) {
        if (!known.requirementIds.has(id)) {
          add('unknown-id', n, id, `${file} line ${n} cites ${id}, which is not in the requirement inventory`);
        }
      }
    }
    // Tables whose first column names elements: their backticked ids must be the model's.
    const t = line.trim();
    if (!t.startsWith('|')) {
      tableHeader = undefined;
      continue;
    }
    const first = t.replace(/^\|/, '').split('|')[0]?.trim() ?? '';
    if (tableHeader === undefined) tableHeader = first;
    else if (/^:?-{3,}/.test(first)) continue;
    else if (ELEMENT_TABLE.test(tableHeader.replace(/[`*]/g, '')) && known.elements.size > 0) {
      for (const m of first.matchAll(/`([A-Za-z][A-Za-z0-9_]*)`/g)) {
        if (!known.elements.has(m[1])) {
          add(
            'unknown-element',
            n,
            m[1],
            `${file} line ${n} names the element \`${m[1]}\`, which is not in ${LAYOUT.c4Model}`,
          );
        }
      }
    }
  }
  return issues;
}

/** What references may point at. */
interface KnownNames {
  documents: Set<string>;
  adrNumbers: Set<number>;
  registerIds: Set<string>;
  requirementIds: Set<string>;
  elements: Set<string>;
}

/** Findings and ADRs that name elements, and mitigated findings whose evidence is gone. */
function structuredIssues(bundle: Bundle, elements: Set<string>): DesignIssue[] {
  const issues: DesignIssue[] = [];
  const review = STEPS.find((s) => s.blocks.includes('findings'));
  const docs = new Map<string, string>();
  for (const s of findingSteps()) {
    const text = bundle.documents[s.id];
    if (text !== undefined) docs.set(s.document, text);
  }
  for (const f of bundle.findings) {
    if (f.element && elements.size > 0 && !elements.has(f.element)) {
      issues.push({
        level: 'warning',
        kind: 'unknown-element',
        file: review?.document,
        message: `${f.id} is about \`${f.element}\`, which is not in ${LAYOUT.c4Model}`,
      });
    }
    if (f.status !== 'mitigated' || !f.evidence) continue;
    for (const ref of splitRefs(f.evidence)) {
      const r = parseDocRef(ref);
      const doc = r ? docs.get(r.file) : undefined;
      if (!r || doc === undefined || (r.section !== undefined && !namesHeading(headingKeys(doc), r.section))) {
        issues.push({
          level: 'error',
          kind: 'evidence',
          file: review?.document,
          message: `${f.id} is mitigated by "${ref}", which the design documents no longer hold`,
        });
      }
    }
  }
  for (const a of bundle.adrs) {
    for (const e of a.record.elements ?? []) {
      if (elements.size > 0 && !elements.has(e)) {
        issues.push({
          level: 'warning',
          kind: 'unknown-element',
          file: a.file,
          message: `${a.file} names the element \`${e}\`, which is not in ${LAYOUT.c4Model}`,
        });
      }
    }
  }
  return issues;
}

/** The documents a reference check reads: every step's, and the ADR files. */
function documentsOf(bundle: Bundle): { file: string; text: string; step?: StepDef }[] {
  return [
    ...STEPS.filter((s) => bundle.documents[s.id] !== undefined).map((s) => ({
      file: s.document,
      text: bundle.documents[s.id]!,
      step: s,
    })),
    ...bundle.adrs.map((a) => ({ file: a.file, text: a.text })),
  ];
}

/** The consistency report of a design read from disk; empty when everything agrees. */
export function checkDesign(bundle: Bundle): DesignIssue[] {
  const elements = modelIds(bundle);
  const known: KnownNames = {
    documents: new Set(STEPS.map((s) => s.document)),
    adrNumbers: new Set(bundle.adrs.map((a) => a.record.number).filter((n): n is number => n !== undefined)),
    registerIds: new Set(bundle.definitions.map((d) => d.id)),
    requirementIds: new Set(bundle.requirements.map((r) => r.id)),
    elements,
  };
  const issues = [...outlineIssues(bundle), ...definitionIssues(bundle)];
  for (const d of documentsOf(bundle)) issues.push(...referenceIssues(bundle, d.file, d.text, known));
  issues.push(...structuredIssues(bundle, elements));
  if (bundle.c4) {
    for (const i of checkDeployment(bundle.c4)) {
      issues.push({ level: 'warning', kind: 'deployment', file: LAYOUT.c4Model, message: i.message });
    }
  }
  return issues;
}
