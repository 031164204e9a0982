/**
 * Running one step: "Run Architecture Step…" (a quick pick, or the step given as its argument),
 * "Run Step n — …", and the tree's Run / Re-run.
 */
import * as vscode from 'vscode';
import { type Plan, readWorkflowView } from '../../core/engine';
import type { StepView } from '../../core/events';
import { STEPS, type StepId, stepById, stepTitle } from '../../core/steps';
import { outputFolderOf } from '../config';
import { errorMessage } from '../log';
import { pickPrd } from '../prdPicker';
import { STATUS_TEXT, isWorkflowNode, statusIcon } from '../progressTree';
import { stepArgument } from './ids';
import type { Services } from './services';

/** "Step 6 needs steps 4, 5 first. Run them too?"; undefined when the user declines. */
export async function askForPrerequisites(
  step: StepId,
  plan: Plan,
): Promise<{ withPrerequisites: boolean } | undefined> {
  const missing = plan.missingPrerequisites;
  if (missing.length === 0) return { withPrerequisites: false };
  const list =
    missing.length === 1 ? `step ${missing[0]}` : `steps ${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  const runAll = 'Run All';
  const choice = await vscode.window.showInformationMessage(
    `Step ${step} needs ${list} first. Run them too?`,
    {
      modal: true,
      detail: `${stepTitle(step)} reads their documents, which are missing or out of date.`,
    },
    runAll,
  );
  return choice === runAll ? { withPrerequisites: true } : undefined;
}

/** Runs one step on a PRD, offering to run its missing prerequisites first. */
export async function runSingleStep({ runner }: Services, prd: vscode.Uri, step: StepId): Promise<void> {
  await runner.run(prd, {
    title: stepTitle(step),
    steps: [step],
    confirm: (plan) => askForPrerequisites(step, plan),
  });
}

/** "Run Step n — …" from the palette or a menu. */
export async function runNumberedStep(services: Services, step: StepId, args: readonly unknown[]): Promise<void> {
  const prd = await pickPrd(args, `Archflow: Run ${stepTitle(step)}`, services.session.prdUri());
  if (prd) await runSingleStep(services, prd, step);
}

/** Run / Re-run on a step of the tree: the PRD is the one the shown run used. */
export async function runTreeStep(services: Services, args: readonly unknown[]): Promise<void> {
  const node = args.find(isWorkflowNode);
  if (!node) {
    await runStepPicked(services, args);
    return;
  }
  const step = node.kind === 'step' ? node.step.id : node.step;
  const prd = services.session.prdUri() ?? (await pickPrd([], `Archflow: Run ${stepTitle(step)}`));
  if (prd) await runSingleStep(services, prd, step);
}

/**
 * "Run Architecture Step…": the PRD, then a quick pick of the steps with their status; with a step
 * number among its arguments (`executeCommand('archflow.runStep', 3)`), that step without the pick.
 */
export async function runStepPicked(services: Services, args: readonly unknown[]): Promise<void> {
  const node = args.find(isWorkflowNode);
  if (node) {
    await runTreeStep(services, [node]);
    return;
  }
  const given = stepArgument(args);
  if (given !== undefined) {
    await runNumberedStep(services, given, args);
    return;
  }
  const prd = await pickPrd(args, 'Archflow: Run Architecture Step', services.session.prdUri());
  if (!prd) return;
  const views = await stepViews(services, prd);
  const items = STEPS.map((def) => {
    const view = views.get(def.id);
    const needs = def.needs.length > 0 ? `needs ${def.needs.join(', ')}` : 'needs the PRD only';
    return {
      step: def.id,
      label: stepTitle(def.id),
      description: def.agent,
      detail: `${view ? STATUS_TEXT[view.status] : 'not started'} · ${needs}${view?.reason ? ` · ${view.reason}` : ''}`,
      iconPath: statusIcon(view?.status ?? 'not-started'),
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Archflow: Run Architecture Step on ${vscode.workspace.asRelativePath(prd)}`,
    placeHolder: 'Pick the step to run',
    matchOnDescription: true,
  });
  if (picked) await runSingleStep(services, prd, stepById(picked.step).id);
}

/** The status of each step for the PRD's output folder; empty when it cannot be read. */
async function stepViews({ log }: Services, prd: vscode.Uri): Promise<Map<StepId, StepView>> {
  const folder = vscode.workspace.getWorkspaceFolder(prd);
  if (!folder) return new Map();
  try {
    const view = await readWorkflowView(outputFolderOf(folder).dir);
    return new Map(view.steps.map((s) => [s.id, s]));
  } catch (err) {
    log.warn(`Could not read step status for the quick pick: ${errorMessage(err)}`);
    return new Map();
  }
}
