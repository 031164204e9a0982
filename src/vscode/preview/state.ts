/**
 * Builds the preview panel's `state` message from a bundle read from disk. Host side only (it uses the
 * core, which uses Node); pure, so the browser test sends exactly the message the extension would.
 * Mermaid text is generated here from the one C4 model; the webview only renders it.
 */
import type { Bundle } from '../../core/bundle';
import { renderC4Views, stripInitDirectives } from '../../core/c4/mermaid';
import { parseMermaidC4 } from '../../core/c4/mermaidParse';
import type { C4ViewData } from '../../core/c4/view';
import { checkC4 } from '../../core/c4/consistency';
import { deploymentMermaid, deploymentViews, instanceId } from '../../core/c4/deploymentView';
import type { StepView, WorkflowView } from '../../core/events';
import { type ExitReport, criterionState, evaluateExitCriteria } from '../../core/exitCriteria';
import { approvalStatus, voidingText } from '../../core/approval';
import { fencedBlocks } from '../../core/markdown';
import { mentionedRequirementIds, mentionsId } from '../../core/mentions';
import type { C4Model } from '../../core/model';
import { LAYOUT, STEPS, stepById, stepTitle } from '../../core/steps';
import { vscodeCriterionReasons } from '../messages';
import type {
  HostToWebview,
  PreviewAdr,
  PreviewApproval,
  PreviewDiagram,
  PreviewDocument,
  PreviewElement,
  PreviewExitReport,
  PreviewState,
  PreviewStep,
} from '../../shared/protocol';
import type { DiagramView } from '../../shared/diagram/types';

/** Documents longer than this are cut (a runaway model output must not freeze the panel). */
export const MAX_DOCUMENT_CHARS = 1_000_000;

/** What `buildPreviewState` needs besides the bundle. */
export interface PreviewInputs {
  bundle: Bundle;
  view: WorkflowView;
  /** The output folder as the user knows it ("docs/architecture"). */
  outputLabel: string;
  /** Step status with what a running engine reported since the last read (overrides `view`). */
  liveSteps?: readonly StepView[];
  running?: boolean;
  /** Untrusted workspace: nothing may be written. */
  readOnly?: boolean;
  /** The exit criteria; defaults to the core's evaluation. */
  evaluate?: (bundle: Bundle, view: WorkflowView) => ExitReport;
}

/** The full state the panel shows for an output folder. */
export function buildPreviewState(inputs: PreviewInputs): PreviewState {
  const { bundle, view } = inputs;
  const readOnly = inputs.readOnly ?? false;
  const diagrams = bundle.c4 ? buildDiagrams(bundle.c4) : [];
  const documents = buildDocuments(bundle);
  return {
    outputLabel: inputs.outputLabel,
    empty: view.empty && documents.length === 0 && bundle.c4 === undefined,
    running: inputs.running ?? false,
    readOnly,
    steps: buildSteps(inputs.liveSteps ?? view.steps),
    diagrams,
    diagramProblems: [...bundle.c4Errors],
    elements: bundle.c4 ? buildElements(bundle) : {},
    documents,
    adrs: buildAdrs(bundle),
    exit: buildExit(bundle, view, inputs.evaluate ?? evaluateExitCriteria),
    approval: buildApproval(bundle, readOnly),
    problems: [],
  };
}

/** The `state` message for an output folder. */
export function buildStateMessage(inputs: PreviewInputs): HostToWebview {
  return { type: 'state', state: buildPreviewState(inputs) };
}

/** A state that only says why the output folder could not be read (a broken archflow.json). */
export function unreadablePreviewState(outputLabel: string, problem: string, readOnly = false): PreviewState {
  return {
    outputLabel,
    empty: true,
    running: false,
    readOnly,
    steps: buildSteps(STEPS.map((s) => ({ id: s.id, status: 'not-started', files: [] }))),
    diagrams: [],
    diagramProblems: [],
    elements: {},
    documents: [],
    adrs: [],
    exit: { kind: 'unavailable', message: problem },
    approval: { status: 'none', message: problem, canApprove: false },
    problems: [problem],
  };
}

/** The `runProgress` delta from the step status a running engine reports. */
export function buildRunProgress(steps: readonly StepView[], running: boolean): HostToWebview {
  return {
    type: 'runProgress',
    running,
    steps: steps.map((s) =>
      s.reason ? { id: s.id, status: s.status, reason: s.reason } : { id: s.id, status: s.status },
    ),
  };
}

function buildSteps(steps: readonly StepView[]): PreviewStep[] {
  return steps.map((s) => {
    const def = stepById(s.id);
    const out: PreviewStep = {
      id: s.id,
      title: stepTitle(s.id),
      agent: def.agent,
      status: s.status,
      document: def.document,
    };
    if (s.reason) out.reason = s.reason;
    if (s.model) out.model = s.model;
    if (s.usage) out.usage = { ...s.usage };
    if (s.durationMs !== undefined) out.durationMs = s.durationMs;
    return out;
  });
}

function buildDiagrams(model: C4Model): PreviewDiagram[] {
  const issues = checkC4(model);
  const diagrams = renderC4Views(model).map((v) => {
    const diagram: PreviewDiagram = {
      key: v.key,
      level: v.level,
      title: v.title,
      file: v.file,
      mermaid: stripInitDirectives(v.text),
      view: diagramViewOf(v),
      issues: issues.filter((i) => i.level === v.level).map((i) => i.message),
    };
    if (v.containerId !== undefined) diagram.containerId = v.containerId;
    return diagram;
  });
  const deploymentIssues = issues.filter((i) => /^deployment\b/i.test(i.message)).map((i) => i.message);
  for (const d of deploymentViews(model)) {
    if (d.elements.length === 0) continue;
    diagrams.push({
      key: d.key,
      level: 4,
      title: d.title,
      file: d.file,
      mermaid: deploymentMermaid(d),
      view: diagramViewOf(d),
      issues: deploymentIssues,
      environment: d.environment,
      environmentName: d.environmentName,
    });
  }
  return diagrams;
}

/** The renderer's part of a core view (the two types have the same shape; the compiler checks it). */
function diagramViewOf(v: DiagramView | C4ViewData): DiagramView {
  return {
    key: v.key,
    kind: v.kind,
    title: v.title,
    elements: v.elements,
    boundaries: v.boundaries,
    relationships: v.relationships,
  };
}

/** FR-2 before FR-10, FR before NFR. */
function compareRequirementIds(a: string, b: string): number {
  const [ka, na] = a.split('-');
  const [kb, nb] = b.split('-');
  return ka === kb ? Number(na) - Number(nb) : ka.localeCompare(kb);
}

function buildElements(bundle: Bundle): Record<string, PreviewElement> {
  const model = bundle.c4;
  if (!model) return {};
  const out: Record<string, PreviewElement> = {};
  const add = (e: Omit<PreviewElement, 'requirements' | 'adrs' | 'findings' | 'name'> & { name: string }): void => {
    // First definition wins, as in the diagrams.
    if (Object.prototype.hasOwnProperty.call(out, e.id)) return;
    const requirements = new Set<string>(mentionedRequirementIds(e.description));
    const adrs: PreviewElement['adrs'] = [];
    for (const a of bundle.adrs) {
      const listed = a.record.elements?.includes(e.id) ?? false;
      if (!listed && !mentionsId(a.text, e.id)) continue;
      adrs.push({ number: a.record.number ?? 0, title: a.record.title ?? a.file, file: a.file });
      for (const r of a.record.requirements ?? []) requirements.add(r);
    }
    const findings: PreviewElement['findings'] = [];
    for (const f of bundle.findings) {
      if (f.element !== e.id) continue;
      findings.push({ id: f.id, severity: f.severity, title: f.title, status: f.status });
      for (const r of f.requirements) requirements.add(r);
    }
    out[e.id] = { ...e, requirements: [...requirements].sort(compareRequirementIds), adrs, findings };
  };
  for (const p of model.people)
    add({ id: p.id, name: p.name, kind: 'person', external: p.external, description: p.description });
  for (const s of model.systems)
    add({ id: s.id, name: s.name, kind: 'system', external: s.external, description: s.description });
  const external = new Set(model.systems.filter((s) => s.external).map((s) => s.id));
  for (const c of model.containers) {
    add({
      id: c.id,
      name: c.name,
      kind: 'container',
      external: external.has(c.system),
      description: c.description,
      technology: c.technology,
      parent: c.system,
    });
  }
  for (const c of model.components) {
    add({
      id: c.id,
      name: c.name,
      kind: 'component',
      external: false,
      description: c.description,
      technology: c.technology,
      parent: c.container,
    });
  }
  const d = model.deployment;
  if (d) {
    const assumed = (a: string | undefined): { assumption?: string } => (a ? { assumption: a } : {});
    for (const e of d.environments)
      add({ id: e.id, name: e.name, kind: 'environment', external: false, description: e.description });
    for (const n of d.nodes) {
      add({
        id: n.id,
        name: n.name,
        kind: 'node',
        external: false,
        description: n.description,
        technology: n.technology,
        parent: n.parent ?? n.environment,
        ...assumed(n.assumption),
      });
    }
    for (const i of d.infrastructure) {
      add({
        id: i.id,
        name: i.name,
        kind: 'infrastructure',
        external: false,
        description: i.description,
        technology: i.technology,
        parent: i.node,
        ...assumed(i.assumption),
      });
    }
    const containers = new Map(model.containers.map((c) => [c.id, c]));
    for (const x of d.deployments) {
      const c = containers.get(x.container);
      if (!c) continue;
      const sizing = [x.instances, x.size].filter(Boolean).join(' × ');
      add({
        id: instanceId(x),
        name: c.name,
        kind: 'container',
        external: false,
        description: [sizing, c.description].filter(Boolean).join(' — '),
        technology: c.technology,
        parent: x.node,
      });
    }
  }
  return out;
}

/**
 * Markdown with every ```mermaid block's `%%{init}%%` directives and config front matter removed: a
 * document (ARCHITECTURE.md embeds the diagrams) must not change how the panel's Mermaid is set up.
 */
export function sanitizeMermaidBlocks(markdown: string): string {
  const blocks = fencedBlocks(markdown).filter((b) => /^mermaid\b/i.test(b.info));
  if (blocks.length === 0) return markdown;
  let out = '';
  let at = 0;
  for (const b of blocks) {
    const block = markdown.slice(b.start, b.end);
    const bodyAt = block.indexOf('\n') + 1;
    const bodyEnd = bodyAt + b.body.length;
    out += markdown.slice(at, b.start) + block.slice(0, bodyAt) + stripInitDirectives(b.body) + block.slice(bodyEnd);
    at = b.end;
  }
  return out + markdown.slice(at);
}

function documentOf(file: string, title: string, group: PreviewDocument['group'], text: string): PreviewDocument {
  const truncated = text.length > MAX_DOCUMENT_CHARS;
  const markdown = sanitizeMermaidBlocks(truncated ? text.slice(0, MAX_DOCUMENT_CHARS) : text);
  const doc: PreviewDocument = truncated
    ? { file, title, group, markdown, truncated }
    : { file, title, group, markdown };
  const c4 = c4BlocksOf(markdown);
  if (c4.length > 0) doc.c4 = c4;
  return doc;
}

/** The C4 views drawn by a document's ```mermaid blocks, with the block text they were read from. */
function c4BlocksOf(markdown: string): { source: string; view: DiagramView }[] {
  return fencedBlocks(markdown)
    .filter((b) => /^mermaid\b/i.test(b.info))
    .flatMap((b) => {
      const view = parseMermaidC4(b.body);
      return view ? [{ source: b.body, view: diagramViewOf(view) }] : [];
    });
}

function adrTitle(a: Bundle['adrs'][number]): string {
  const n = a.record.number;
  const title = a.record.title ?? a.file.replace(/^.*\//, '');
  return n !== undefined ? `ADR ${String(n).padStart(4, '0')} — ${title}` : title;
}

function buildDocuments(bundle: Bundle): PreviewDocument[] {
  const docs: PreviewDocument[] = [];
  if (bundle.architecture !== undefined) {
    docs.push(documentOf(LAYOUT.architecture, 'System Architecture Document', 'architecture', bundle.architecture));
  }
  for (const s of STEPS) {
    const text = bundle.documents[s.id];
    if (text !== undefined) docs.push(documentOf(s.document, stepTitle(s.id), 'step', text));
  }
  if (bundle.adrIndex !== undefined) docs.push(documentOf(LAYOUT.adrIndex, 'ADR index', 'adr', bundle.adrIndex));
  for (const a of bundle.adrs) {
    // The YAML front matter is for tools; readers get its facts as a small table instead.
    const doc = documentOf(a.file, adrTitle(a), 'adr', withoutFrontMatter(a.text));
    const meta = adrFacts(bundle, a);
    if (meta.length > 0) doc.meta = meta;
    docs.push(doc);
  }
  return docs;
}

/** Markdown without a leading YAML front matter block. */
function withoutFrontMatter(text: string): string {
  return text.replace(/^\uFEFF?---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/, '');
}

/** An ADR's facts for the table above it: status, date, requirements, elements, what it supersedes. */
function adrFacts(bundle: Bundle, a: Bundle['adrs'][number]): { name: string; value: string }[] {
  const r = a.record;
  const number = (n: number | null | undefined): string | undefined =>
    typeof n === 'number' ? `ADR ${String(n).padStart(4, '0')}` : undefined;
  const status = r.status ? r.status.charAt(0).toUpperCase() + r.status.slice(1) : undefined;
  const byNumber = number(r.supersededByNumber);
  const names = (r.elements ?? []).map((id) => {
    const e = [
      ...(bundle.c4?.people ?? []),
      ...(bundle.c4?.systems ?? []),
      ...(bundle.c4?.containers ?? []),
      ...(bundle.c4?.components ?? []),
    ].find((x) => x.id === id);
    return e ? `${e.name} (${id})` : id;
  });
  const rows: [string, string | undefined][] = [
    ['Status', status && byNumber && r.status === 'superseded' ? `${status} by ${byNumber}` : status],
    ['Date', r.date],
    ['Requirements', r.requirements?.length ? r.requirements.join(', ') : undefined],
    ['Elements', names.length ? names.join(', ') : undefined],
    ['Supersedes', number(r.supersedesNumber)],
  ];
  return rows.flatMap(([name, value]) => (value ? [{ name, value }] : []));
}

function buildAdrs(bundle: Bundle): PreviewAdr[] {
  return bundle.adrs
    .map((a) => {
      const r = a.record;
      let status = r.status as string | undefined;
      if (status === 'superseded' && typeof r.supersededByNumber === 'number') {
        status = `superseded by ${String(r.supersededByNumber).padStart(4, '0')}`;
      }
      const adr: PreviewAdr = { title: r.title ?? a.file.replace(/^.*\//, ''), file: a.file, missing: [...a.missing] };
      if (r.number !== undefined) adr.number = r.number;
      if (status !== undefined) adr.status = status;
      if (r.date !== undefined) adr.date = r.date;
      return adr;
    })
    .sort(
      (x, y) =>
        (x.number ?? Number.MAX_SAFE_INTEGER) - (y.number ?? Number.MAX_SAFE_INTEGER) || x.file.localeCompare(y.file),
    );
}

function buildExit(
  bundle: Bundle,
  view: WorkflowView,
  evaluate: (bundle: Bundle, view: WorkflowView) => ExitReport,
): PreviewExitReport {
  try {
    const report = evaluate(bundle, view);
    return {
      kind: 'report',
      allMet: report.allMet,
      criteria: report.criteria.map((c) => ({
        id: c.id,
        title: c.title,
        met: c.met,
        state: criterionState(c),
        reasons: vscodeCriterionReasons(c),
        evidence: c.evidence ?? [],
      })),
    };
  } catch (err) {
    return { kind: 'unavailable', message: `The exit criteria could not be evaluated: ${errorText(err)}` };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The latest approval and whether it still approves the current ARCHITECTURE.md (the core decides). */
function buildApproval(bundle: Bundle, readOnly: boolean): PreviewApproval {
  const { current, voided, voidedBy } = approvalStatus(bundle);
  const latest = current ?? voided;
  const canApprove = bundle.architecture !== undefined && !readOnly;
  const who = latest
    ? {
        name: latest.name,
        role: latest.role,
        date: latest.date,
        ...(latest.comment ? { comment: latest.comment } : {}),
      }
    : undefined;
  if (current && who) {
    return {
      status: 'valid',
      latest: who,
      message: `Approved by ${current.name} (${current.role}) for the current ${LAYOUT.architecture}.`,
      canApprove,
    };
  }
  if (voided && who) {
    const why =
      bundle.architecture === undefined
        ? `${LAYOUT.architecture} no longer exists`
        : `${LAYOUT.architecture} changed after ${voided.name} (${voided.role}) approved it`;
    return {
      status: 'void',
      latest: who,
      message: `${why}, so that approval no longer counts (${voidedBy ? voidingText(voidedBy) : 'approval voided'}). Record a new approval.`,
      canApprove,
    };
  }
  if (bundle.architecture === undefined) {
    return {
      status: 'none',
      message: `${LAYOUT.architecture} does not exist yet: run the workflow to the end, then record the approval.`,
      canApprove,
    };
  }
  return { status: 'none', message: `No stakeholder has approved ${LAYOUT.architecture} yet.`, canApprove };
}
