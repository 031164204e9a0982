/** The tool `archflow_list_open_findings`: the security review's open findings, as the document on disk has them. */
import { computeVerdict } from '../findings';
import type { Severity } from '../model';
import { stepTitle, stepWithBlock } from '../steps';
import { readFolder } from './folder';
import { inputObject, optionalChoice } from './input';
import { DATA_NOTICE, count, quote } from './text';
import type { ArchflowTool } from './types';

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export const findingsTool: ArchflowTool<{ minSeverity: Severity }> = {
  name: 'archflow_list_open_findings',
  title: 'Open Security Findings',
  userDescription: 'The open findings of the security review, by severity.',
  description:
    `Lists the open findings of Archflow's security review (${stepWithBlock('findings').document} in the output folder, ` +
    'hand edits included): id, severity, title, the C4 element it concerns, the STRIDE category, the ' +
    'recommendation and the requirement ids, with the verdict computed by rule (it fails while a critical or ' +
    'high finding is open). A finding stops being open when its Status cell says mitigated, or accepted with the ' +
    'ADR that accepts it. Use it to see what blocks the security criterion and what to change in the design. ' +
    'minSeverity filters (default: all). Reads files only.',
  referenceName: 'archflowFindings',
  icon: '$(shield)',
  inputSchema: {
    type: 'object',
    properties: {
      minSeverity: {
        type: 'string',
        enum: [...SEVERITIES],
        description: 'Only findings of this severity or worse (critical > high > medium > low). Default: low (all).',
      },
    },
    additionalProperties: false,
  },
  writes: false,
  parse(raw) {
    const input = inputObject(raw, ['minSeverity']);
    return { minSeverity: optionalChoice(input, 'minSeverity', SEVERITIES) ?? 'low' };
  },
  progressMessage: () => 'Reading the open security findings',
  async handle({ minSeverity }, ctx) {
    const { bundle } = await readFolder(ctx);
    const reviewed = bundle.documents[stepWithBlock('findings').id] !== undefined;
    const worst = SEVERITIES.indexOf(minSeverity);
    const open = bundle.findings
      .filter((f) => f.status === 'open' && SEVERITIES.indexOf(f.severity) <= worst)
      .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, open.filter((f) => f.severity === s).length]));
    const verdict = reviewed ? computeVerdict(bundle.findings) : null;
    const data = {
      outputFolder: ctx.outputDir,
      reviewed,
      verdict,
      minSeverity,
      counts,
      findings: open,
      totalFindings: bundle.findings.length,
    };
    if (!reviewed) {
      return {
        text: `${stepTitle(stepWithBlock('findings').id)} has not run in ${ctx.outputDir}: there are no findings yet.`,
        data,
      };
    }
    const bySeverity = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
    const lines = [
      `${count(open.length, 'open finding')}${minSeverity !== 'low' ? ` of severity ${minSeverity} or worse` : ''}` +
        `${bySeverity.length ? ` (${bySeverity.join(', ')})` : ''} of ${bundle.findings.length} in ${stepWithBlock('findings').document}. ` +
        `Verdict by rule: ${verdict === 'pass' ? 'PASS' : 'FAIL (a critical or high finding is open)'}.`,
    ];
    for (const f of open) {
      const where = f.element ? `element ${quote(f.element, 60)}` : 'cross-cutting';
      const reqs = f.requirements.length ? `; requirements ${f.requirements.join(', ')}` : '';
      lines.push(
        `- ${f.id} [${f.severity}] ${quote(f.title)} — ${where}${f.stride ? `; STRIDE ${quote(f.stride, 40)}` : ''}${reqs}`,
        `    recommendation: ${quote(f.recommendation, 400)}`,
      );
    }
    if (open.some((f) => f.severity === 'critical' || f.severity === 'high')) {
      lines.push(
        'To close one: change the design so the finding is mitigated and re-run the security review (step 6), or record an ADR that accepts it and mark the finding "accepted (ADR `key`)".',
      );
    }
    lines.push(DATA_NOTICE);
    return { text: lines.join('\n'), data };
  },
};
