/** The tool `archflow_check_exit_criteria`: the five exit criteria, computed by code, with reasons and evidence. */
import { criterionEvidence } from '../evidence';
import { emptyFolderText, isEmptyFolder, readFolder } from './folder';
import { inputObject } from './input';
import { DATA_NOTICE, oneLine } from './text';
import type { ArchflowTool } from './types';

export const criteriaTool: ArchflowTool<Record<string, never>> = {
  name: 'archflow_check_exit_criteria',
  title: 'Exit Criteria',
  userDescription: 'Which of the five exit criteria the architecture meets, with the reasons and the evidence.',
  description:
    "Evaluates the five exit criteria of the Archflow design in the workspace's output folder (default " +
    'docs/architecture), from the files as they are on disk: all C4 diagrams complete (levels 1-3 exist and are ' +
    'consistent), security review passed (no open critical or high finding), performance requirements addressed ' +
    '(every performance-type NFR traced by a design section or an ADR), ADRs documented, and stakeholder approval ' +
    'of the current ARCHITECTURE.md. For each criterion it returns met or not met, every reason it is not met ' +
    '(which NFR, which diagram rule, which finding), and the evidence (views, traced sections, ADRs, approval). ' +
    'Criteria are computed by code, never by a model. Use it to judge whether a design is done and what to fix ' +
    'next. Reads files only; takes no input.',
  referenceName: 'archflowCriteria',
  icon: '$(checklist)',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  writes: false,
  parse(raw) {
    inputObject(raw, []);
    return {};
  },
  progressMessage: () => 'Checking the Archflow exit criteria',
  async handle(_input, ctx) {
    const read = await readFolder(ctx);
    const { report, bundle } = read;
    const evidence = criterionEvidence(bundle, report);
    const criteria = report.criteria.map((c) => ({ ...c, evidence: evidence[c.id] }));
    const met = criteria.filter((c) => c.met).length;
    const data = {
      outputFolder: ctx.outputDir,
      allMet: report.allMet,
      met,
      total: criteria.length,
      criteria,
    };
    if (isEmptyFolder(read)) return { text: emptyFolderText(ctx.outputDir), data };
    const lines = [`Exit criteria of ${ctx.outputDir}: ${met} of ${criteria.length} met.`];
    for (const c of criteria) {
      lines.push(`${c.met ? '✔' : '✖'} ${c.title}: ${c.met ? 'met' : 'not met'}`);
      for (const r of c.reasons) lines.push(`    - ${oneLine(r)}`);
      for (const e of c.evidence) lines.push(`    evidence: ${oneLine(e)}`);
    }
    lines.push(DATA_NOTICE);
    return { text: lines.join('\n'), data };
  },
};
