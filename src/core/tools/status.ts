/** The tool `archflow_get_status`: every step's status, files, model and tokens. */
import type { StepStatus } from '../events';
import { describeUsage } from '../llm/types';
import { STEPS, stepById, stepTitle } from '../steps';
import { emptyFolderText, isEmptyFolder, readFolder } from './folder';
import { inputObject } from './input';
import { DATA_NOTICE, oneLine } from './text';
import type { ArchflowTool } from './types';

const ORDER: readonly StepStatus[] = ['done', 'running', 'stale', 'failed', 'not-started'];

export const statusTool: ArchflowTool<Record<string, never>> = {
  name: 'archflow_get_status',
  title: 'Step Status',
  userDescription: 'The status of the eight architecture steps (done, running, stale, failed, not started).',
  description:
    "Returns the status of the eight steps of Archflow's architecture workflow in the workspace's output folder " +
    '(default docs/architecture): for each step its agent, its status (done, running, stale = an input changed ' +
    'since it ran, failed, not-started), why it is stale or failed, the files it wrote, the model used and the ' +
    'tokens spent, plus the PRD the run is for. Use it to see how far a design is and what to run next. It reads ' +
    'files only and takes no input. For whether the design is complete, use archflow_check_exit_criteria.',
  referenceName: 'archflowStatus',
  icon: '$(list-tree)',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  writes: false,
  parse(raw) {
    inputObject(raw, []);
    return {};
  },
  progressMessage: () => 'Reading the Archflow step status',
  async handle(_input, ctx) {
    const read = await readFolder(ctx);
    const { view } = read;
    const steps = view.steps.map((s) => ({
      id: s.id,
      name: stepById(s.id).name,
      agent: stepById(s.id).agent,
      status: s.status,
      ...(s.reason ? { reason: s.reason } : {}),
      files: s.files,
      ...(s.model ? { model: s.model } : {}),
      ...(s.usage ? { usage: s.usage } : {}),
      ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
    }));
    const counts = Object.fromEntries(ORDER.map((st) => [st, steps.filter((s) => s.status === st).length]));
    const data = { outputFolder: ctx.outputDir, prd: view.prdPath ?? null, empty: view.empty, steps, counts };
    if (isEmptyFolder(read)) return { text: emptyFolderText(ctx.outputDir), data };

    const lines = [`Archflow run in ${ctx.outputDir}${view.prdPath ? ` (PRD ${view.prdPath})` : ''}:`];
    for (const def of STEPS) {
      const s = view.steps.find((x) => x.id === def.id);
      const status = s?.status ?? 'not-started';
      const files = s?.files.length ? ` — ${s.files.join(', ')}` : '';
      const tokens = s?.usage?.unknown ? describeUsage(s.usage) : `in ${s?.usage?.input}, out ${s?.usage?.output}`;
      const usage = s?.usage ? ` (tokens ${tokens}${s.model ? `, ${s.model}` : ''})` : '';
      const reason = s?.reason ? ` — ${oneLine(s.reason, 300)}` : '';
      lines.push(`- ${stepTitle(def.id)} (${def.agent}): ${status}${reason}${files}${usage}`);
    }
    const summary = ORDER.filter((st) => counts[st] > 0).map((st) => `${counts[st]} ${st}`);
    lines.push('', `${summary.join(', ')}.`);
    if (counts['stale'] + counts['failed'] + counts['not-started'] > 0 && counts['running'] === 0) {
      lines.push('archflow_run_workflow without steps brings every stale or missing step up to date.');
    }
    lines.push(DATA_NOTICE);
    return { text: lines.join('\n'), data };
  },
};
