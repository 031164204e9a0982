/** The tool `archflow_run_workflow`: runs the workflow, or some steps, on a PRD through the host's engine. */
import { STEPS, STEP_IDS, type StepId, stepById, stepList, stepTitle } from '../steps';
import { readFolder } from './folder';
import { inputObject, optionalBoolean, optionalSteps, optionalString } from './input';
import { DATA_NOTICE, count, oneLine } from './text';
import { type ArchflowTool, ToolInputError, type ToolRunRequest } from './types';

/** "every step that is missing or stale" / "Step 3 — Service Design" / "steps 4 and 5". */
export function describeSteps(steps: StepId[] | 'all'): string {
  if (steps === 'all') return `every step that is missing or stale (all ${STEP_IDS.length} on a new design)`;
  const [only, ...more] = steps;
  return only !== undefined && more.length === 0 ? stepTitle(only) : stepList(steps);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const runTool: ArchflowTool<ToolRunRequest> = {
  name: 'archflow_run_workflow',
  title: 'Run Workflow',
  userDescription: 'Run the architecture workflow (or chosen steps) on a PRD; writes into the output folder.',
  description:
    "Runs Archflow's architecture workflow on a PRD (a Markdown product requirements document): six specialist " +
    'Claude agents write the eight step documents, the C4 model and diagrams, the ADRs and ARCHITECTURE.md into ' +
    'the output folder (default docs/architecture). Without "steps" it runs every step that is missing or stale ' +
    '(a full run takes minutes with a real model); with "steps" only those, and a step whose inputs are missing ' +
    'or stale fails unless "withPrerequisites" is true. Steps: ' +
    STEPS.map((s) => `${s.id} ${s.name}`).join(', ') +
    '. It writes files, so the user confirms it first; files the user edited are never replaced silently. ' +
    'Returns which steps finished, failed or did not run, and the exit criteria after the run. Do not call it ' +
    'just to read the status or the criteria: use archflow_get_status or archflow_check_exit_criteria.',
  referenceName: 'archflowRun',
  icon: '$(play)',
  inputSchema: {
    type: 'object',
    properties: {
      prd: {
        type: 'string',
        description:
          'Path of the PRD (a Markdown file) inside the workspace, absolute or relative to the workspace folder. Leave out to use the PRD of the current run (or the one the host was started with).',
      },
      steps: {
        type: 'array',
        items: { type: 'integer', minimum: 1, maximum: 8 },
        description: 'Step numbers to run (1-8). Leave out to run every step that is missing or stale.',
      },
      withPrerequisites: {
        type: 'boolean',
        description: 'Also run the missing or stale steps the requested steps need. Default false.',
      },
    },
    additionalProperties: false,
  },
  writes: true,
  parse(raw) {
    const input = inputObject(raw, ['prd', 'steps', 'withPrerequisites']);
    return {
      prd: optionalString(input, 'prd', 1000),
      steps: optionalSteps(input, 'steps') ?? 'all',
      withPrerequisites: optionalBoolean(input, 'withPrerequisites') ?? false,
    };
  },
  confirmation(input, where) {
    const prd = where.prd ?? input.prd ?? 'the PRD of the current run';
    const extra =
      input.withPrerequisites && input.steps !== 'all' ? ' (and the steps they need that are missing or stale)' : '';
    return {
      title: 'Run the Archflow workflow?',
      message:
        `Archflow will run ${describeSteps(input.steps)}${extra} on ${prd}: its agents call Claude and write the ` +
        `documents, diagrams and ADRs into ${where.output}. Files you edited are never replaced without asking.`,
    };
  },
  progressMessage: (input) => `Running the architecture workflow: ${describeSteps(input.steps)}`,
  async handle(input, ctx) {
    if (!ctx.run) {
      return { isError: true, text: 'This Archflow host cannot run the workflow; it only reads the design.', data: {} };
    }
    let outcome;
    try {
      outcome = await ctx.run(input, ctx.signal);
    } catch (err) {
      if (err instanceof ToolInputError) throw err;
      return {
        isError: true,
        text: `Archflow did not run: ${oneLine(errorMessage(err))}`,
        data: { started: false, error: errorMessage(err) },
      };
    }
    const { summary, outputDir, prdPath } = outcome;
    const { report, view } = await readFolder({ outputDir });
    const criteria = report.criteria.map((c) => ({ id: c.id, title: c.title, met: c.met, reasons: c.reasons.length }));
    const met = criteria.filter((c) => c.met).length;
    const lines: string[] = [];
    const nothing = summary.done.length + summary.failed.length + summary.skipped.length === 0;
    if (summary.cancelled) lines.push(`The run on ${prdPath} was cancelled; finished steps are kept.`);
    else if (nothing) lines.push(`Nothing to run on ${prdPath}: every requested step is done and up to date.`);
    else lines.push(`Archflow ran on ${prdPath} into ${outputDir}: ${count(summary.done.length, 'step')} done.`);
    for (const f of summary.failed) lines.push(`Failed: ${stepTitle(f.step)}: ${oneLine(f.message)}`);
    if (summary.skipped.length)
      lines.push(`Not run (an input failed or is missing): steps ${summary.skipped.join(', ')}.`);
    const files = summary.done.flatMap((id) => view.steps.find((s) => s.id === id)?.files ?? [stepById(id).document]);
    if (files.length) lines.push(`Files written or updated: ${[...new Set(files)].join(', ')}.`);
    lines.push(`Exit criteria now: ${met} of ${criteria.length} met.`);
    const unmet = criteria.filter((c) => !c.met);
    if (unmet.length) {
      lines.push(`Not met: ${unmet.map((c) => c.title).join('; ')}. archflow_check_exit_criteria gives the reasons.`);
    }
    lines.push(DATA_NOTICE);
    return {
      isError: summary.failed.length > 0 || summary.cancelled,
      text: lines.join('\n'),
      data: {
        started: true,
        outputFolder: outputDir,
        prd: prdPath,
        done: summary.done,
        failed: summary.failed.map((f) => ({ step: f.step, message: f.message })),
        skipped: summary.skipped,
        cancelled: summary.cancelled,
        allMet: report.allMet,
        criteria,
      },
    };
  },
};
