/** ARCHITECTURE.md: the System Architecture Document, assembled by code from the step documents. */
import type { Bundle } from './bundle';
import { blockDrawsView, renderC4Views } from './c4/mermaid';
import { demoteHeadings, fencedBlocks, headingKey, renderTable, splitSections } from './markdown';
import type { C4Model } from './model';
import { STEPS, type StepId, stepById, stepTitle } from './steps';
import { renderTraceabilityMatrix, traceRequirements } from './traceability';

/** The eleven sections, in order (SPEC §3). */
export const ARCHITECTURE_SECTIONS = [
  'Executive Summary',
  'Architecture Drivers',
  'High-Level Architecture',
  'Component Design',
  'Data Architecture',
  'Infrastructure Architecture',
  'Security Architecture',
  'Observability Architecture',
  'Deployment Architecture',
  'Architecture Decision Records',
  'Appendices',
] as const;

/**
 * Replaces the C4 Mermaid blocks of a document by views generated from the current model: each block
 * is matched to the view it draws (its diagram type and, at level 3, its container boundary); a block
 * that draws no current view (a container no longer detailed) is left as it is.
 */
export function refreshC4Blocks(text: string, model: C4Model | undefined): string {
  if (!model) return text;
  const views = renderC4Views(model);
  let out = '';
  let last = 0;
  for (const b of fencedBlocks(text)) {
    if (b.info !== 'mermaid') continue;
    const view = views.find((v) => blockDrawsView(b.body, v));
    if (view === undefined) continue;
    out += text.slice(last, b.start) + '```mermaid\n' + view.text.trim() + '\n```';
    last = b.end;
  }
  return out + text.slice(last);
}

/** The body of a step document (no H1), with the given H2 sections left out or kept. */
function body(doc: string | undefined, filter?: { only?: string[]; except?: string[] }): string | undefined {
  if (doc === undefined) return undefined;
  const { preamble, sections } = splitSections(doc);
  const keep = sections.filter((s) => {
    const k = headingKey(s.title);
    if (filter?.only) return filter.only.some((o) => o.toLowerCase() === k);
    if (filter?.except) return !filter.except.some((o) => o.toLowerCase() === k);
    return true;
  });
  const text = [preamble, ...keep.map((s) => `## ${s.title}\n\n${s.body}`)].filter((x) => x.trim()).join('\n\n');
  return text.trim() ? text : undefined;
}

function missing(step: StepId): string {
  return `_Not produced yet: run ${stepTitle(step)} (${stepById(step).agent})._`;
}

/** A step document's part for one ARCHITECTURE.md section: headings shifted under the section. */
function part(bundle: Bundle, step: StepId, filter?: { only?: string[]; except?: string[] }): string {
  const text = body(bundle.documents[step], filter);
  if (text === undefined) return missing(step);
  const source = `_Source: [${stepById(step).document}](${stepById(step).document})_`;
  return `${source}\n\n${demoteHeadings(refreshC4Blocks(text, bundle.c4), 1)}`;
}

function adrSection(bundle: Bundle): string {
  if (bundle.adrs.length === 0) return missing(8);
  return renderTable(
    ['ADR', 'Title', 'Status', 'Date'],
    bundle.adrs.map((a) => [
      `[${a.record.number !== undefined ? String(a.record.number).padStart(4, '0') : a.file}](${encodeURI(a.file)})`,
      a.record.title ?? '',
      a.record.status ? a.record.status.charAt(0).toUpperCase() + a.record.status.slice(1) : '',
      a.record.date ?? '',
    ]),
  );
}

/**
 * Who produced each section, with what. Only what changes with the content (no timestamps or token
 * counts: those live in archflow.json), so a re-run that yields the same documents leaves this
 * file byte-identical and a recorded approval valid.
 */
function runMetadata(bundle: Bundle): string {
  const rows = STEPS.map((s) => {
    const r = bundle.state.steps[s.id];
    return [stepTitle(s.id), s.agent, bundle.documents[s.id] ? s.document : 'not produced', r?.model ?? ''];
  });
  return renderTable(['Step', 'Agent', 'Document', 'Model'], rows);
}

export interface AssembleOptions {
  prdName: string;
  /** The exit-criteria status lines, computed by the caller (approval excluded: it refers to this file). */
  exitCriteria?: string;
}

/** Assembles ARCHITECTURE.md from the bundle: exactly the eleven numbered sections. */
export function assembleArchitecture(bundle: Bundle, options: AssembleOptions): string {
  const title = bundle.documents[2] ? splitSections(bundle.documents[2]).title : undefined;
  const trace = traceRequirements(bundle.requirements, bundle.documents, bundle.adrs);
  const risks = [body(bundle.documents[1], { only: ['Risks'] }), body(bundle.documents[8], { only: ['Top Risks'] })]
    .filter((x): x is string => x !== undefined)
    .map((x) => demoteHeadings(x, 2))
    .join('\n\n');
  const glossary = body(bundle.documents[1], { only: ['Glossary'] });
  const content: Record<(typeof ARCHITECTURE_SECTIONS)[number], string> = {
    'Executive Summary': part(bundle, 8),
    'Architecture Drivers': part(bundle, 1, { except: ['Risks', 'Glossary'] }),
    'High-Level Architecture': part(bundle, 2),
    'Component Design': part(bundle, 3),
    'Data Architecture': part(bundle, 4),
    'Infrastructure Architecture': part(bundle, 5, { except: ['Deployment Architecture'] }),
    'Security Architecture': part(bundle, 6),
    'Observability Architecture': part(bundle, 7),
    'Deployment Architecture': part(bundle, 5, { only: ['Deployment Architecture'] }),
    'Architecture Decision Records': `${adrSection(bundle)}\n\nThe full index is [adr/README.md](adr/README.md).`,
    Appendices: [
      '### A. Requirement Traceability Matrix',
      'Every requirement of the inventory and the design sections and ADRs that address it.',
      renderTraceabilityMatrix(trace),
      '### B. Glossary',
      glossary ? demoteHeadings(glossary, 2) : '_No glossary yet (step 1)._',
      '### C. Risks',
      risks || '_No risks recorded yet (steps 1 and 8)._',
      '### D. Exit-Criteria Status',
      options.exitCriteria ?? '_Run `archflow check` to compute the exit criteria._',
      'Stakeholder approval is recorded in `archflow.json` against the hash of this document; any edit voids it.',
      '### E. Run Metadata',
      `PRD: \`${options.prdName}\`${bundle.state.prd ? ` (${bundle.state.prd.hash.slice(0, 19)})` : ''}. Timings and token usage per step are in \`archflow.json\`.`,
      runMetadata(bundle),
    ].join('\n\n'),
  };
  const sections = ARCHITECTURE_SECTIONS.map((name, i) => `## ${i + 1}. ${name}\n\n${content[name].trim()}`);
  const heading = `# System Architecture Document${title ? ` — ${title.replace(/^High-Level Architecture\s*[—:-]\s*/i, '')}` : ''}`;
  const note =
    '> Generated by Archflow from the step documents in this folder. Edit those documents (or re-run a step) rather than this file; Archflow asks before it overwrites an edit.';
  return `${heading}\n\n${note}\n\n${sections.join('\n\n')}\n`;
}
