/** The five exit criteria (SPEC §6), computed by code from the files on disk, never by the model. */
import { parseAdrIndex } from './adr/index';
import { escapeInline } from './adr/render';
import { adrNumberText, adrSlug } from './adr/slug';
import { normalizeAdrKey } from './adr/parse';
import { approvalStatus, requiredRoles, voidingText } from './approval';
import type { AdrFile, Bundle } from './bundle';
import { checkC4 } from './c4/consistency';
import { componentViewIds } from './c4/mermaid';
import { checkEmbeddedViews, checkViewFiles, viewIssueText } from './c4/viewFiles';
import { criterionEvidence } from './evidence';
import type { StepView, WorkflowView } from './events';
import { renderFindings } from './findings';
import { parseTable } from './markdown';
import { type C4Model, type Finding, PERFORMANCE_CATEGORIES } from './model';
import { LAYOUT, STEPS, type StepDef, stepForC4Level, stepTitle, stepWithBlock } from './steps';
import { type TraceRow, traceRequirements } from './traceability';

export type CriterionId = 'diagrams' | 'security' | 'performance' | 'adrs' | 'approval';

/** What the user does to meet a criterion, where a host has a command for it (each host words it). */
export type CriterionAction = 'record-approval';

/**
 * met; unmet (with its reasons); or not-yet: its inputs are not done or are stale (a step failed, did not
 * run, or must run again), so whatever the files say now cannot count as met.
 */
export type CriterionState = 'met' | 'unmet' | 'not-yet';

/** One criterion: met or not, and for an unmet one every reason (which NFR, which rule, which finding). */
export interface CriterionResult {
  id: CriterionId;
  title: string;
  /** True only when `state` is met. */
  met: boolean;
  reasons: string[];
  /** Present when a host command meets it; the host appends its own wording to the reasons. */
  action?: CriterionAction;
  /** Always set by `evaluateExitCriteria` (optional for results built by hand). */
  state?: CriterionState;
  /** What shows it is met: the views, the findings closed, the sections and ADRs tracing each NFR, the ADRs, the approvals. */
  evidence?: string[];
}

/** What the criteria read besides the files: the roles whose approval is required (a host setting). */
export interface ExitOptions {
  requiredApprovals?: readonly string[];
}

/** The words of a state, as every report shows it. */
export const CRITERION_STATE_TEXT: Readonly<Record<CriterionState, string>> = {
  met: 'met',
  unmet: 'not met',
  'not-yet': 'not yet',
};

/** A result's state (results built by hand may lack it). */
export function criterionState(c: CriterionResult): CriterionState {
  return c.state ?? (c.met ? 'met' : 'unmet');
}

export interface ExitReport {
  criteria: CriterionResult[];
  allMet: boolean;
  /** The requirement traceability matrix the performance criterion is computed from. */
  trace: TraceRow[];
}

/** The criteria's titles, in the order of SPEC §6 (and of every report). */
export const CRITERION_TITLES: Readonly<Record<CriterionId, string>> = {
  diagrams: 'All diagrams complete (C4 levels 1-3)',
  security: 'Security review passed',
  performance: 'Performance requirements addressed',
  adrs: 'ADRs documented',
  approval: 'Stakeholder approval obtained',
};

/** At most this many reasons per criterion: a badly broken model must not bury the other criteria. */
const MAX_REASONS = 50;

/** Evaluates every criterion for a bundle read from disk and the derived step view. */
export function evaluateExitCriteria(bundle: Bundle, view: WorkflowView, options: ExitOptions = {}): ExitReport {
  const trace = traceRequirements(bundle.requirements, bundle.documents, bundle.adrs);
  const diagramSteps = [...new Set(([1, 2, 3] as const).map((level) => stepForC4Level(level)))];
  const criteria: CriterionResult[] = [
    result('diagrams', diagramReasons(bundle), stepProblems(view, diagramSteps)),
    result('security', securityReasons(bundle, view), stepProblems(view, [stepWithBlock('findings')])),
    result(
      'performance',
      performanceReasons(bundle, trace),
      // While the inventory is not done, the design steps' staleness follows from it: say it once.
      firstOf(stepProblems(view, [stepWithBlock('requirements')]), () =>
        stepProblems(
          view,
          STEPS.filter((s) => s.traced),
        ),
      ),
    ),
    result('adrs', adrReasons(bundle, view), stepProblems(view, [stepWithBlock('adrs')])),
    approvalResult(bundle, options),
  ];
  const evidence = criterionEvidence(bundle, { trace }, options.requiredApprovals);
  for (const c of criteria) if (c.met) c.evidence = evidence[c.id];
  return { criteria, allMet: criteria.every((c) => c.met), trace };
}

/**
 * A criterion from its reasons; `notYet` lists why its inputs are not done or are stale (then it is
 * "not yet" whatever the files say, with those reasons first).
 */
function result(id: CriterionId, reasons: string[], notYet: string[] = [], action?: CriterionAction): CriterionResult {
  const all = [...notYet, ...reasons.filter((r) => !notYet.includes(r))];
  const capped =
    all.length > MAX_REASONS ? [...all.slice(0, MAX_REASONS), `… and ${all.length - MAX_REASONS} more`] : all;
  const state: CriterionState = notYet.length > 0 ? 'not-yet' : all.length === 0 ? 'met' : 'unmet';
  const out: CriterionResult = { id, title: CRITERION_TITLES[id], met: state === 'met', state, reasons: capped };
  return action && !out.met ? { ...out, action } : out;
}

/** `first` when it says anything, else `then()`. */
function firstOf(first: string[], then: () => string[]): string[] {
  return first.length > 0 ? first : then();
}

/** Why each of `defs` is not done and up to date (its problem once per step). */
function stepProblems(view: WorkflowView, defs: readonly StepDef[]): string[] {
  const out: string[] = [];
  for (const def of new Set(defs)) {
    const p = stepProblem(view, def);
    if (p) out.push(p);
  }
  return out;
}

/** A sentence without its final period, so it can be followed by more text. */
function clause(text: string): string {
  return text.trim().replace(/\.+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Diagrams

function isEmptyModel(m: C4Model): boolean {
  return (
    !m.people.length && !m.systems.length && !m.containers.length && !m.components.length && !m.relationships.length
  );
}

/** c4-model.json exists and parses, each level has what its view needs, and the consistency rules hold. */
function diagramReasons(bundle: Bundle): string[] {
  const model = bundle.c4;
  if (model === undefined) {
    const steps = new Set(([1, 2, 3] as const).map((level) => stepForC4Level(level)));
    const titles = [...steps].map((s) => stepTitle(s.id)).join(' and ');
    return [`${LAYOUT.c4Model} does not exist: run ${titles} to create the C4 model`];
  }
  // loadBundle prefixes the file name; the parser speaks of a "block" (it also reads model output).
  const reasons = bundle.c4Errors.map((e) =>
    clause(e.replace(`${LAYOUT.c4Model}: The archflow-c4 block `, `${LAYOUT.c4Model} `)),
  );
  // A file that did not parse at all yields an empty model: "level 1 is missing" would only be noise.
  if (reasons.length > 0 && isEmptyModel(model)) return reasons;

  const missingLevel = new Set<1 | 2 | 3>();
  if (!model.systems.some((s) => !s.external)) {
    missingLevel.add(1);
    reasons.push(
      `Level 1 (System Context) is missing: the model has no software system in scope (run ${stepTitle(stepForC4Level(1).id)})`,
    );
  }
  if (model.containers.length === 0) {
    missingLevel.add(2);
    reasons.push(
      `Level 2 (Container) is missing: the model has no containers (run ${stepTitle(stepForC4Level(2).id)})`,
    );
  }
  if (componentViewIds(model).length === 0) {
    missingLevel.add(3);
    reasons.push(
      `Level 3 (Component) is missing: no container of the model has components; detail at least one container (run ${stepTitle(stepForC4Level(3).id)})`,
    );
  }
  for (const issue of checkC4(model)) {
    // The level checks above say the same, and also cover components whose container does not exist.
    if (issue.rule === 'missing-level' && missingLevel.has(issue.level)) continue;
    reasons.push(`Level ${issue.level}: ${clause(issue.message)} (rule: ${issue.rule})`);
  }
  reasons.push(...viewReasons(bundle, model));
  return reasons;
}

/** What a reviewer reads against the model: the `.mmd` files and the C4 blocks of the documents (file and line). */
function viewReasons(bundle: Bundle, model: C4Model): string[] {
  // A model that does not parse cleanly draws no files: its own errors are the reasons.
  const files = bundle.c4Errors.length === 0 && bundle.viewFiles ? checkViewFiles(model, bundle.viewFiles) : [];
  const documents: { file: string; text: string; generated?: boolean }[] = STEPS.flatMap((s) => {
    const text = bundle.documents[s.id];
    return text === undefined ? [] : [{ file: s.document, text }];
  });
  if (bundle.architecture !== undefined) {
    documents.push({ file: LAYOUT.architecture, text: bundle.architecture, generated: bundle.c4Errors.length === 0 });
  }
  return [...files, ...checkEmbeddedViews(model, documents)].map((i) => clause(viewIssueText(i)));
}

// ---------------------------------------------------------------------------------------------
// Step status (security review, ADRs)

/** Why a step is not done and up to date, or undefined when it is. */
function stepProblem(view: WorkflowView, def: StepDef): string | undefined {
  const id = def.id;
  const step: StepView | undefined = view.steps.find((s) => s.id === id);
  const why = step?.reason?.trim();
  switch (step?.status) {
    case 'done':
      return undefined;
    case 'stale':
      return `Step ${id} is stale: ${why ? clause(why.replace(/since this step ran\.?$/, `since ${def.since ?? 'it ran'}`)) : 'run it again'}`;
    case 'failed':
      // A failed re-run keeps the last finished documents: the criteria read those, as a reviewer does.
      if (step.keptAfterFailure) return undefined;
      return `Step ${id} failed${why ? `: ${clause(why)}` : ''}; run ${stepTitle(id)} again`;
    case 'running':
      return `Step ${id} is still running`;
    case 'not-started':
    case undefined:
      return `${stepTitle(id)} has not run yet${why ? ` (${clause(why)})` : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Security

/** The ADR a finding's `adr` reference names: by archflow-key, by title (as a slug) or by number. */
function findAdr(adrs: readonly AdrFile[], ref: string): AdrFile | undefined {
  const key = normalizeAdrKey(ref);
  const byKey = adrs.find((a) => a.record.key !== undefined && normalizeAdrKey(a.record.key) === key);
  if (byKey) return byKey;
  const byTitle = adrs.find((a) => a.record.title !== undefined && adrSlug(a.record.title) === key);
  if (byTitle) return byTitle;
  return /^\d+$/.test(ref) ? adrs.find((a) => a.record.number === Number(ref)) : undefined;
}

function adrName(a: AdrFile): string {
  return a.record.number !== undefined ? `ADR ${adrNumberText(a.record.number)}` : a.file;
}

/** Why a critical or high finding is not closed, or undefined when it is (mitigated, or accepted by a live ADR). */
function findingProblem(f: Finding, adrs: readonly AdrFile[]): string | undefined {
  const head = `${f.id} (${f.severity}, ${f.status})${f.title ? `: ${clause(f.title)}` : ''}`;
  if (f.status === 'mitigated') return undefined;
  if (f.status === 'open') return head;
  if (!f.adr) return `${head} — accepted without naming an ADR; write "accepted (ADR \`key\`)" in its Status cell`;
  const adr = findAdr(adrs, f.adr);
  if (!adr) return `${head} — accepted by ADR \`${f.adr}\`, but no such ADR exists`;
  // An acceptance must rest on a decision that still stands.
  if (adr.record.status === 'deprecated')
    return `${head} — accepted by ADR \`${f.adr}\`, but ${adrName(adr)} is deprecated`;
  if (adr.record.status === 'superseded') {
    const by = adr.record.supersededByNumber;
    return `${head} — accepted by ADR \`${f.adr}\`, but ${adrName(adr)} is superseded${typeof by === 'number' ? ` by ADR ${adrNumberText(by)}` : ''}`;
  }
  return undefined;
}

/** The security review done and up to date; no critical or high finding open (hand edits of the table count). */
function securityReasons(bundle: Bundle, view: WorkflowView): string[] {
  const reasons: string[] = [];
  const def = stepWithBlock('findings');
  const step = stepProblem(view, def);
  if (step) reasons.push(step);
  const review = bundle.documents[def.id];
  // A review whose findings table was deleted by hand must not pass as "no findings".
  const noFindings = renderFindings({ verdict: 'pass', findings: [] });
  if (review !== undefined && parseTable(review, 'ID') === undefined && !review.includes(noFindings)) {
    reasons.push(
      `${def.document} has no findings table (ID | Severity | Finding | … | Status), so its findings cannot be checked`,
    );
  }
  for (const f of bundle.findings) {
    if (f.severity !== 'critical' && f.severity !== 'high') continue;
    const problem = findingProblem(f, bundle.adrs);
    if (problem) reasons.push(problem);
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------------
// Performance

/** Every performance-type NFR of the inventory is referenced by a design section or an ADR. */
function performanceReasons(bundle: Bundle, trace: TraceRow[]): string[] {
  const inventory = stepWithBlock('requirements');
  if (bundle.documents[inventory.id] === undefined) {
    return [`${stepTitle(inventory.id)} has not produced its document yet: there is no requirement inventory to trace`];
  }
  if (bundle.requirements.length === 0) {
    return [`${inventory.document} has no requirement inventory table (ID | Requirement | Category | Target | …)`];
  }
  const reasons: string[] = [];
  for (const row of trace) {
    const r = row.requirement;
    if (r.kind !== 'NFR' || r.category === undefined || !PERFORMANCE_CATEGORIES.includes(r.category)) continue;
    if (row.refs.length > 0) continue;
    reasons.push(`${r.id} (${r.category}: ${r.target || r.title}) is not referenced by any design section or ADR`);
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------------
// ADRs

const ADR_FILE_NAME = /^\d{4}-[a-z0-9-]+\.md$/;

/** The decision step done; at least one ADR; every ADR complete; index and files agree both ways. */
function adrReasons(bundle: Bundle, view: WorkflowView): string[] {
  const reasons: string[] = [];
  const step = stepProblem(view, stepWithBlock('adrs'));
  if (step) reasons.push(step);
  if (bundle.adrs.length === 0)
    reasons.push(`There is no ADR in ${LAYOUT.adrDir}/ (files named ${LAYOUT.adrDir}/NNNN-<slug>.md)`);
  for (const a of bundle.adrs) {
    if (a.missing.length > 0) reasons.push(`${a.file} is missing: ${a.missing.join(', ')}`);
  }
  if (bundle.adrIndex === undefined) {
    if (bundle.adrs.length > 0) reasons.push(`${LAYOUT.adrIndex} (the ADR index) does not exist`);
    return reasons;
  }
  const listed = parseAdrIndex(bundle.adrIndex);
  const files = new Set(bundle.adrs.map((a) => a.file.slice(LAYOUT.adrDir.length + 1)));
  for (const a of bundle.adrs) {
    if (!listed.includes(a.file.slice(LAYOUT.adrDir.length + 1)))
      reasons.push(`${a.file} is not listed in ${LAYOUT.adrIndex}`);
  }
  for (const name of listed) {
    if (files.has(name)) continue;
    reasons.push(
      ADR_FILE_NAME.test(name)
        ? `${LAYOUT.adrIndex} links ${LAYOUT.adrDir}/${name}, which does not exist`
        : `${LAYOUT.adrIndex} links ${LAYOUT.adrDir}/${name}, which is not an ADR file name (NNNN-<slug>.md in lowercase)`,
    );
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------------
// Approval

function approvalResult(bundle: Bundle, options: ExitOptions): CriterionResult {
  if (bundle.architecture === undefined) {
    return result(
      'approval',
      [],
      [`${LAYOUT.architecture} does not exist yet: run the workflow to assemble it, then record the approval`],
    );
  }
  const status = approvalStatus(bundle, options.requiredApprovals);
  const roles = requiredRoles(options.requiredApprovals);
  const reasons: string[] = [];
  const v = status.voidedBy;
  if (v) {
    reasons.push(
      `${LAYOUT.architecture} changed since ${v.approval.name} (${v.approval.role}) approved it on ${v.approval.date.slice(0, 10)}: ${voidingText(v)}`,
    );
  }
  if (roles.length > 0) {
    if (status.missingRoles.length > 0) {
      reasons.push(
        `No approval of the current ${LAYOUT.architecture} by ${status.missingRoles.join(', ')} (required: ${roles.join(', ')})`,
      );
    }
    return result('approval', status.missingRoles.length > 0 ? reasons : [], [], 'record-approval');
  }
  if (status.approvals.length > 0) return result('approval', []);
  if (reasons.length === 0) reasons.push(`No stakeholder approval is recorded for ${LAYOUT.architecture}`);
  return result('approval', reasons, [], 'record-approval');
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * The report as a Markdown list for appendix D of ARCHITECTURE.md. The approval criterion only points to
 * archflow.json: the approval is recorded against this document's hash, so it cannot be part of it.
 */
export function renderExitCriteria(report: ExitReport): string {
  const lines: string[] = [];
  for (const c of report.criteria) {
    if (c.id === 'approval') {
      lines.push(`- **${c.title}**: see \`${LAYOUT.state}\``);
      continue;
    }
    const state = criterionState(c);
    lines.push(
      `- ${state === 'met' ? '✅' : state === 'unmet' ? '❌' : '⏳'} **${c.title}**: ${CRITERION_STATE_TEXT[state]}`,
    );
    for (const r of c.reasons) lines.push(`  - ${escapeInline(r)}`);
    for (const e of c.evidence ?? []) lines.push(`  - evidence: ${escapeInline(e)}`);
  }
  return lines.join('\n');
}
