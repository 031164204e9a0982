/** Requirement traceability: where each requirement of step 1 is addressed (design sections, ADRs). */
import type { AdrFile } from './bundle';
import { adrNumberText } from './adr/slug';
import { renderTable, splitSections } from './markdown';
import { mentionsId } from './mentions';
import type { Requirement } from './model';
import { STEPS, type StepId, stepWithBlock } from './steps';

/** One place a requirement is referenced. */
export interface TraceRef {
  /** e.g. "03-service-architecture.md § API Contracts" or "ADR 0002". */
  label: string;
  file: string;
  kind: 'section' | 'adr';
}

export interface TraceRow {
  requirement: Requirement;
  refs: TraceRef[];
}

/**
 * For every requirement, the design sections (of the steps the table marks `traced`) and ADRs that
 * cite its id. The inventory itself and the executive summary are not design sections.
 */
export function traceRequirements(
  requirements: Requirement[],
  documents: Partial<Record<StepId, string>>,
  adrs: AdrFile[],
): TraceRow[] {
  const sections: { label: string; file: string; text: string }[] = [];
  for (const step of STEPS.filter((s) => s.traced)) {
    const doc = documents[step.id];
    if (!doc) continue;
    for (const sec of splitSections(doc).sections) {
      sections.push({ label: `${step.document} § ${sec.title}`, file: step.document, text: sec.body });
    }
  }
  return requirements.map((requirement) => {
    const refs: TraceRef[] = [];
    for (const s of sections) {
      if (mentionsId(s.text, requirement.id)) refs.push({ label: s.label, file: s.file, kind: 'section' });
    }
    for (const a of adrs) {
      const listed = a.record.requirements?.includes(requirement.id) ?? false;
      if (listed || mentionsId(a.text, requirement.id)) {
        const n = a.record.number !== undefined ? adrNumberText(a.record.number) : a.file;
        refs.push({ label: `ADR ${n}`, file: a.file, kind: 'adr' });
      }
    }
    return { requirement, refs };
  });
}

/** "[03-service-architecture.md](…) § API Contracts, Communication; [ADR 0002](…)": one link per file. */
function groupedRefs(refs: TraceRef[]): string {
  const byFile = new Map<string, { label: string; sections: string[] }>();
  for (const ref of refs) {
    const [name, section] = ref.kind === 'section' ? ref.label.split(' § ') : [ref.label, undefined];
    const entry = byFile.get(ref.file) ?? { label: name, sections: [] };
    if (section) entry.sections.push(section);
    byFile.set(ref.file, entry);
  }
  return [...byFile.entries()]
    .map(([file, e]) => `[${e.label}](${encodeURI(file)})${e.sections.length ? ` § ${e.sections.join(', ')}` : ''}`)
    .join('; ');
}

/** The traceability matrix as a Markdown table (paths relative to the output folder). */
export function renderTraceabilityMatrix(rows: TraceRow[]): string {
  if (rows.length === 0) return `_No requirement inventory yet (step ${stepWithBlock('requirements').id})._`;
  return renderTable(
    ['Requirement', 'Category', 'Target', 'Addressed by'],
    rows.map((r) => [
      `${r.requirement.id} ${r.requirement.title}`,
      r.requirement.kind === 'FR' ? 'functional' : r.requirement.category,
      r.requirement.target ?? '',
      r.refs.length ? groupedRefs(r.refs) : '**not addressed**',
    ]),
  );
}
