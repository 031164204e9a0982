/** ARCHITECTURE.md: the System Architecture Document, assembled by code from the step documents. */
import { adrNumberText } from './adr/slug';
import { closeOpenFence } from './answerText';
import type { Bundle } from './bundle';
import { deploymentHeading, deploymentMermaid, deploymentViews } from './c4/deploymentView';
import { blockDrawsView, renderC4Views } from './c4/mermaid';
import { demoteHeadings, escapeHtml, fencedBlocks, headingKey, renderTable, splitSections } from './markdown';
import type { C4Model } from './model';
import { ARCHITECTURE_SECTIONS, type AppendixPart, type ArchitectureSection } from './architectureOutline';
import {
  type Placement,
  STEPS,
  type StepId,
  stepById,
  stepList,
  stepTitle,
  stepWithBlock,
  stepsPlacedInto,
} from './steps';
import { renderRegister } from './register';
import { renderTraceabilityMatrix, traceRequirements } from './traceability';

export { ARCHITECTURE_SECTIONS } from './architectureOutline';

/**
 * Replaces the C4 Mermaid blocks of a document by views generated from the current model: each block
 * is matched to the view it draws (its diagram type and, at level 3, its container boundary); a block
 * that draws no current view (a container no longer detailed) is left as it is.
 */
export function refreshC4Blocks(text: string, model: C4Model | undefined): string {
  if (!model) return text;
  const views = renderC4Views(model);
  // Deployment blocks draw the environments in the model's order: the n-th block the n-th view. A
  // document written when one block drew every environment gets the other environments after it.
  const deployments = deploymentViews(model);
  const blocks = fencedBlocks(text).filter((b) => b.info === 'mermaid');
  const deploymentBlocks = blocks.filter((b) => b.body.trimStart().startsWith('C4Deployment')).length;
  let deployment = 0;
  let out = '';
  let last = 0;
  for (const b of blocks) {
    let drawn = views.find((v) => blockDrawsView(b.body, v))?.text;
    let more = '';
    if (drawn === undefined && b.body.trimStart().startsWith('C4Deployment')) {
      const data = deployments[deployment++];
      if (data) drawn = deploymentMermaid(data);
      if (deployment === deploymentBlocks) {
        for (const rest of deployments.slice(deployment)) {
          more += `\n\n${deploymentHeading(rest)}\n\n\`\`\`mermaid\n${deploymentMermaid(rest).trim()}\n\`\`\``;
        }
      }
    }
    if (drawn === undefined) continue;
    out += text.slice(last, b.start) + '```mermaid\n' + drawn.trim() + '\n```' + more;
    last = b.end;
  }
  return out + text.slice(last);
}

/** The body of a step document (no H1), with the given H2 sections left out or kept. */
function body(doc: string | undefined, filter?: Pick<Placement, 'only' | 'except'>): string | undefined {
  if (doc === undefined) return undefined;
  const { preamble, sections } = splitSections(doc);
  const keep = sections.filter((s) => {
    const k = headingKey(s.title);
    if (filter?.only) return filter.only.some((o) => o.toLowerCase() === k);
    if (filter?.except) return !filter.except.some((o) => o.toLowerCase() === k);
    return true;
  });
  const text = [preamble, ...keep.map((s) => `## ${s.title}\n\n${s.body}`)].filter((x) => x.trim()).join('\n\n');
  // A hand-edited document with a fence left open must not swallow the sections assembled after it.
  return text.trim() ? closeOpenFence(text) : undefined;
}

function missing(step: StepId): string {
  return `_Not produced yet: run ${stepTitle(step)} (${stepById(step).agent})._`;
}

/** A step document's part for one ARCHITECTURE.md section: headings shifted under the section. */
function part(bundle: Bundle, step: StepId, filter?: Pick<Placement, 'only' | 'except'>): string {
  const text = body(bundle.documents[step], filter);
  if (text === undefined) return missing(step);
  const source = `_Source: [${stepById(step).document}](${stepById(step).document})_`;
  return `${source}\n\n${demoteHeadings(refreshC4Blocks(text, bundle.c4), 1)}`;
}

function adrSection(bundle: Bundle): string {
  if (bundle.adrs.length === 0) return missing(stepWithBlock('adrs').id);
  return renderTable(
    ['ADR', 'Title', 'Status', 'Date'],
    bundle.adrs.map((a) => [
      `[${a.record.number !== undefined ? adrNumberText(a.record.number) : a.file}](${encodeURI(a.file)})`,
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

/** What the steps placed into `into`, in table order, each with the placement that put it there. */
function placed(into: Placement['into']): { step: StepId; placement: Placement }[] {
  return stepsPlacedInto(into).flatMap((s) =>
    s.placement.filter((p) => p.into === into).map((placement) => ({ step: s.id, placement })),
  );
}

/** A section made of step documents: each placed part, or what to run for it. */
function placedSection(bundle: Bundle, section: ArchitectureSection): string {
  return placed(section)
    .map(({ step, placement }) => part(bundle, step, placement))
    .join('\n\n');
}

/** An appendix part made of step documents' sections; undefined when none has it yet. */
function appendixPart(bundle: Bundle, into: AppendixPart): string | undefined {
  const parts = placed(into)
    .map(({ step, placement }) => body(bundle.documents[step], placement))
    .filter((x): x is string => x !== undefined)
    .map((x) => demoteHeadings(x, 2));
  return parts.length ? parts.join('\n\n') : undefined;
}

/** The system's name, from the H1 of the step whose title names it ("High-Level Architecture — Shop" → "Shop"). */
function systemTitle(bundle: Bundle): string | undefined {
  const step = STEPS.find((s) => s.systemTitlePrefix !== undefined);
  const doc = step && bundle.documents[step.id];
  const title = doc ? splitSections(doc).title : undefined;
  if (!step?.systemTitlePrefix || title === undefined) return title;
  const prefix = step.systemTitlePrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return title.replace(new RegExp(`^${prefix}\\s*[—:-]\\s*`, 'i'), '');
}

function appendices(bundle: Bundle, options: AssembleOptions): string {
  const trace = traceRequirements(bundle.requirements, bundle.documents, bundle.adrs);
  const from = (into: AppendixPart): string => stepList(stepsPlacedInto(into).map((s) => s.id));
  return [
    '### A. Requirement Traceability Matrix',
    'Every requirement of the inventory and the design sections and ADRs that address it.',
    renderTraceabilityMatrix(trace),
    '### B. Glossary',
    appendixPart(bundle, 'glossary') ?? `_No glossary yet (${from('glossary')})._`,
    '### C. Risks, Assumptions and Open Questions',
    appendixPart(bundle, 'risks') ?? `_No risks recorded yet (${from('risks')})._`,
    '#### Added by the design steps',
    renderRegister(bundle.additions) ?? `_No additions yet (${from('register')})._`,
    '### D. Exit-Criteria Status',
    options.exitCriteria ?? '_The exit criteria have not been computed for this document._',
    'Stakeholder approval is recorded in `archflow.json` against the hash of this document; any edit voids it.',
    '### E. Run Metadata',
    `PRD: \`${options.prdName}\`${bundle.state.prd ? ` (${bundle.state.prd.hash.slice(0, 19)})` : ''}. Timings and token usage per step are in \`archflow.json\`.`,
    runMetadata(bundle),
  ].join('\n\n');
}

/** One section's content: computed (ADRs, appendices) or placed from the step documents. */
function sectionContent(bundle: Bundle, section: ArchitectureSection, options: AssembleOptions): string {
  switch (section) {
    case 'Architecture Decision Records':
      return `${adrSection(bundle)}\n\nThe full index is [adr/README.md](adr/README.md).`;
    case 'Appendices':
      return appendices(bundle, options);
    default:
      return placedSection(bundle, section);
  }
}

/** Assembles ARCHITECTURE.md from the bundle: exactly the eleven numbered sections. */
export function assembleArchitecture(bundle: Bundle, options: AssembleOptions): string {
  const title = systemTitle(bundle);
  const sections = ARCHITECTURE_SECTIONS.map(
    (name, i) => `## ${i + 1}. ${name}\n\n${sectionContent(bundle, name, options).trim()}`,
  );
  const heading = `# System Architecture Document${title ? ` — ${escapeHtml(title)}` : ''}`;
  const note =
    '> Generated by Archflow from the step documents in this folder. Edit those documents (or re-run a step) rather than this file; Archflow asks before it overwrites an edit.';
  return `${heading}\n\n${note}\n\n${sections.join('\n\n')}\n`;
}
