/**
 * What shows a criterion is met, from the design on disk: the views drawn, the findings closed, the
 * sections and ADRs that trace each performance requirement, the ADRs, the approval. The criteria
 * themselves are the core's (exitCriteria.ts); this only lists what a reviewer would point at.
 */
import { stepWithBlock } from './steps';
import { adrNumberText } from './adr/slug';
import { approvalStatus, voidingText } from './approval';
import type { Bundle } from './bundle';
import { renderC4Views } from './c4/mermaid';
import type { CriterionId, ExitReport } from './exitCriteria';
import { PERFORMANCE_CATEGORIES } from './model';
import { quote } from './tools/text';
import type { TraceRef } from './traceability';

/** Evidence lines per criterion (empty where there is nothing to show yet). */
export function criterionEvidence(
  bundle: Bundle,
  report: Pick<ExitReport, 'trace'>,
  requiredApprovals: readonly string[] = [],
): Record<CriterionId, string[]> {
  return {
    diagrams: diagramEvidence(bundle),
    security: securityEvidence(bundle),
    performance: performanceEvidence(report),
    adrs: bundle.adrs.map(
      (a) =>
        `${a.record.number !== undefined ? `ADR ${adrNumberText(a.record.number)}` : a.file} ${quote(a.record.title ?? '', 120)}` +
        ` (${a.record.status ?? 'no status'}) — ${a.file}`,
    ),
    approval: approvalEvidence(bundle, requiredApprovals),
  };
}

function diagramEvidence(bundle: Bundle): string[] {
  if (!bundle.c4) return [];
  return renderC4Views(bundle.c4).map((v) => `Level ${v.level}: ${quote(v.title, 120)} — ${v.file}`);
}

function securityEvidence(bundle: Bundle): string[] {
  if (bundle.documents[stepWithBlock('findings').id] === undefined) return [];
  const byStatus = (s: string): number => bundle.findings.filter((f) => f.status === s).length;
  const lines = [
    `${bundle.findings.length} finding(s) in the security review: ${byStatus('open')} open, ${byStatus('mitigated')} mitigated, ${byStatus('accepted')} accepted`,
  ];
  for (const f of bundle.findings) {
    if ((f.severity === 'critical' || f.severity === 'high') && f.status !== 'open') {
      lines.push(`${f.id} (${f.severity}) ${f.status}${f.adr ? ` by ADR ${quote(f.adr, 80)}` : ''}`);
    }
  }
  return lines;
}

function performanceEvidence(report: Pick<ExitReport, 'trace'>): string[] {
  return report.trace
    .filter((row) => row.requirement.kind === 'NFR' && row.requirement.category !== undefined)
    .filter((row) => PERFORMANCE_CATEGORIES.includes(row.requirement.category!) && row.refs.length > 0)
    .map((row) => `${row.requirement.id} (${row.requirement.category}) is traced by ${compactRefs(row.refs)}`);
}

function approvalEvidence(bundle: Bundle, required: readonly string[]): string[] {
  const status = approvalStatus(bundle, required);
  const lines = status.approvals.map(
    (a) =>
      `Approved by ${quote(a.name, 100)} (${quote(a.role, 100)}) on ${a.date.slice(0, 10)} for ARCHITECTURE.md as it is now`,
  );
  const v = status.voidedBy;
  if (v) {
    lines.push(
      `An approval by ${quote(v.approval.name, 100)} on ${v.approval.date.slice(0, 10)} was voided by a later change (${voidingText(v)})`,
    );
  }
  return lines;
}

/**
 * "02-high-level-architecture.md § Pattern Selection, Major Components; ADR 0001, 0003": one entry
 * per document, its sections together; a document's Summary is left out when another of its
 * sections traces the requirement too (the summary only repeats it).
 */
function compactRefs(refs: readonly TraceRef[]): string {
  const byFile = new Map<string, { name: string; sections: string[] }>();
  const adrs: string[] = [];
  for (const ref of refs) {
    if (ref.kind === 'adr') {
      adrs.push(ref.label.replace(/^ADR /, ''));
      continue;
    }
    const [name, section] = ref.label.split(' § ');
    const entry = byFile.get(ref.file) ?? { name, sections: [] };
    if (section && !entry.sections.includes(section)) entry.sections.push(section);
    byFile.set(ref.file, entry);
  }
  const parts = [...byFile.values()].map((e) => {
    const specific = e.sections.filter((x) => !/^summary$/i.test(x));
    const sections = specific.length > 0 ? specific : e.sections;
    return sections.length ? `${e.name} § ${sections.join(', ')}` : e.name;
  });
  if (adrs.length) parts.push(`ADR ${adrs.join(', ')}`);
  return parts.join('; ');
}
