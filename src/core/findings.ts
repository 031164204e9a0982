/** Security findings of step 6: JSON from the model, a table on disk, and the computed verdict. */
import { hasSection, parseDocRef, splitRefs } from './docRefs';
import { parseTable, renderTable, sectionOrAll } from './markdown';
import type { Finding, FindingStatus, SecurityReview, Severity } from './model';
import { findingSteps, stepList } from './steps';

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const STATUSES: readonly FindingStatus[] = ['open', 'mitigated', 'accepted'];

/** The verdict by rule, never by the model's say-so: pass when no critical or high finding is open. */
export function computeVerdict(findings: Finding[]): 'pass' | 'fail' {
  return findings.some(blocksVerdict) ? 'fail' : 'pass';
}

/** What a findings block is checked against. */
export interface FindingsContext {
  /** The design documents the review read (file → text), to check that evidence points at real sections. */
  documents?: ReadonlyMap<string, string>;
}

/** Whether a finding must name the steps that change to close it: an open critical or high one. */
export function blocksVerdict(f: Pick<Finding, 'severity' | 'status'>): boolean {
  return f.status === 'open' && (f.severity === 'critical' || f.severity === 'high');
}

/** The `steps` of a finding, validated against the design steps before the review. */
function readSteps(value: unknown, where: string, errors: string[]): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const allowed = findingSteps().map((s) => s.id);
  const list = Array.isArray(value) ? value : [value];
  const out: number[] = [];
  for (const v of list) {
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !allowed.includes(n as (typeof allowed)[number])) {
      errors.push(
        `${where}: "steps" may only name ${stepList(allowed)} (the design steps before the review), not ${JSON.stringify(v)}`,
      );
      continue;
    }
    if (!out.includes(n)) out.push(n);
  }
  return out.sort((a, b) => a - b);
}

/** Problems with a mitigated finding's `evidence`: a design document of the steps before the review, and its section. */
export function evidenceProblems(evidence: string, documents?: ReadonlyMap<string, string>): string[] {
  const designDocs = findingSteps().map((s) => s.document);
  const problems: string[] = [];
  const refs = splitRefs(evidence);
  if (refs.length === 0) return ['"evidence" is empty'];
  for (const text of refs) {
    const ref = parseDocRef(text);
    if (!ref || !designDocs.includes(ref.file)) {
      problems.push(
        `"evidence" ${JSON.stringify(text)} must start with one of ${designDocs.join(', ')} (a control only this review specifies does not mitigate: leave the finding open)`,
      );
      continue;
    }
    const doc = documents?.get(ref.file);
    if (documents && doc === undefined) problems.push(`"evidence" names ${ref.file}, which does not exist`);
    else if (doc !== undefined && ref.section !== undefined && !hasSection(doc, ref.section)) {
      problems.push(`"evidence" names the section "${ref.section}" of ${ref.file}, which has no such heading`);
    }
  }
  return problems;
}

/** Validates an `archflow-findings` block; errors name the finding and the field. */
export function parseFindingsJson(
  text: string,
  ctx: FindingsContext = {},
): { review?: SecurityReview; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { errors: [`archflow-findings: not valid JSON (${(err as Error).message})`] };
  }
  const errors: string[] = [];
  const list = (raw as { findings?: unknown })?.findings;
  if (!Array.isArray(list)) return { errors: ['archflow-findings: "findings" must be an array'] };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  list.forEach((item: Record<string, unknown>, i) => {
    const id = typeof item?.id === 'string' && item.id.trim() ? item.id.trim() : '';
    const where = `finding ${id ? `"${id}"` : `#${i + 1}`}`;
    if (!id) errors.push(`${where}: "id" is missing`);
    else if (!/^[A-Z][A-Z0-9]*-\d+$/.test(id)) errors.push(`${where}: "id" must look like SEC-1`);
    const rawElement = item.element;
    if (typeof rawElement === 'string' && rawElement !== '' && !/^[A-Za-z][A-Za-z0-9_]*$/.test(rawElement)) {
      errors.push(`${where}: "element" must be the id of a C4 element (letters and digits) or null`);
    }
    if (seen.has(id)) errors.push(`${where}: duplicate id`);
    seen.add(id);
    const severity = String(item.severity ?? '').toLowerCase() as Severity;
    if (!SEVERITIES.includes(severity)) errors.push(`${where}: "severity" must be one of ${SEVERITIES.join(', ')}`);
    const status = String(item.status ?? '').toLowerCase() as FindingStatus;
    if (!STATUSES.includes(status)) errors.push(`${where}: "status" must be one of ${STATUSES.join(', ')}`);
    if (status === 'accepted' && (typeof item.adr !== 'string' || !item.adr)) {
      errors.push(`${where}: an accepted finding needs "adr" (the key of the decision that accepts it)`);
    }
    const title = typeof item.title === 'string' ? item.title.trim() : '';
    if (!title) errors.push(`${where}: "title" is missing`);
    const steps = readSteps(item.steps, where, errors);
    if (blocksVerdict({ severity, status }) && !steps?.length) {
      errors.push(
        `${where}: an open ${severity} finding needs "steps": the numbers of the steps whose documents must change to close it (${stepList(findingSteps().map((s) => s.id))})`,
      );
    }
    const evidence = typeof item.evidence === 'string' && item.evidence.trim() ? item.evidence.trim() : undefined;
    if (status === 'mitigated') {
      if (evidence === undefined) {
        errors.push(
          `${where}: a mitigated finding needs "evidence": where the design documents already hold the control ("<document> › <section>"); if only this review specifies it, the finding stays open`,
        );
      } else {
        errors.push(...evidenceProblems(evidence, ctx.documents).map((p) => `${where}: ${p}`));
      }
    }
    findings.push({
      id,
      severity,
      title,
      element: typeof item.element === 'string' && item.element ? item.element : null,
      stride: typeof item.stride === 'string' ? item.stride : undefined,
      recommendation: typeof item.recommendation === 'string' ? item.recommendation : '',
      status,
      adr: typeof item.adr === 'string' && item.adr ? item.adr : undefined,
      requirements: Array.isArray(item.requirements)
        ? item.requirements.filter((r): r is string => typeof r === 'string')
        : [],
      ...(steps?.length ? { steps } : {}),
      ...(evidence !== undefined ? { evidence } : {}),
    });
  });
  return errors.length ? { errors } : { review: { verdict: computeVerdict(findings), findings }, errors };
}

const HEADER = [
  'ID',
  'Severity',
  'Finding',
  'Element',
  'STRIDE',
  'Recommendation',
  'Status',
  'Evidence',
  'Steps to change',
  'Requirements',
];

/** Renders findings as the table written into 06-security-architecture.md, with the computed verdict. */
export function renderFindings(review: SecurityReview): string {
  const table = renderTable(
    HEADER,
    review.findings.map((f) => [
      f.id,
      f.severity,
      f.title,
      f.element ? `\`${f.element}\`` : 'cross-cutting',
      f.stride ?? '',
      f.recommendation,
      f.status === 'accepted' && f.adr ? `accepted (ADR \`${f.adr}\`)` : f.status,
      f.evidence ?? '',
      (f.steps ?? []).join(', '),
      f.requirements.join(', '),
    ]),
  );
  return review.findings.length ? table : '_No findings._';
}

/** Renders the verdict line; the verdict is computed from the findings. */
export function renderVerdict(review: SecurityReview): string {
  const open = review.findings.filter((f) => f.status === 'open');
  const blocking = open.filter((f) => f.severity === 'critical' || f.severity === 'high');
  return review.verdict === 'pass'
    ? `**Verdict: PASS** — no critical or high finding is open (${open.length} lower-severity finding(s) open).`
    : `**Verdict: FAIL** — ${blocking.length} critical or high finding(s) open: ${blocking.map((f) => f.id).join(', ')}.`;
}

/** Reads findings back from the step-6 document on disk (hand edits included). */
export function parseFindingsTable(markdown: string): Finding[] {
  return (parseTable(sectionOrAll(markdown, 'Findings'), 'ID') ?? [])
    .filter((r) => r['id'] && r['severity'])
    .map((r) => {
      const statusCell = (r['status'] ?? '').toLowerCase();
      const status: FindingStatus = statusCell.startsWith('accepted')
        ? 'accepted'
        : statusCell.startsWith('mitigated')
          ? 'mitigated'
          : 'open';
      const adr = /ADR `?([a-z0-9-]+)`?/i.exec(r['status'] ?? '')?.[1];
      const element = (r['element'] ?? '').replace(/`/g, '');
      const steps = (r['steps to change'] ?? r['steps'] ?? '')
        .split(/[,\s]+/)
        .filter((x) => /^\d+$/.test(x))
        .map(Number);
      const evidence = (r['evidence'] ?? '').trim();
      return {
        id: r['id'],
        severity: (SEVERITIES.includes(r['severity'].toLowerCase() as Severity)
          ? r['severity'].toLowerCase()
          : 'high') as Severity,
        title: r['finding'] ?? '',
        element: element && element !== 'cross-cutting' ? element : null,
        stride: r['stride'] || undefined,
        recommendation: r['recommendation'] ?? '',
        status,
        adr,
        requirements: (r['requirements'] ?? '').split(/[,\s]+/).filter(Boolean),
        ...(steps.length ? { steps } : {}),
        ...(evidence ? { evidence } : {}),
      };
    });
}
