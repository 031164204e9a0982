/**
 * Revising steps from VS Code (issue 8): "Revise with Comments" (a comment thread, a step of the
 * tree, a step document's editor), "Request Changes…" (free text for a whole step), and "Resolve
 * Security Findings" (the engine's resolve loop, from the palette, the tree's criterion or the panel).
 * Every revision goes through the runner, whose conflict prompts show each proposal as a diff.
 */
import * as vscode from 'vscode';
import type { RevisionNote } from '../../core/engine';
import { keepPreviousVersion } from '../../core/comments';
import { ArtifactStore } from '../../core/store';
import { STEPS, type StepId, stepById, stepTitle } from '../../core/steps';
import { type OutputFolder, outputFolderOf, readResolveRounds } from '../config';
import { pickPrd, uriArgument } from '../prdPicker';
import { isWorkflowNode } from '../progressTree';
import type { ReviewComments } from '../reviewComments';
import type { RunOutcome } from '../runner';
import { askForPrerequisites } from './runStep';
import { stepArgument } from './ids';
import type { Services } from './services';

/** The step (and its output folder) a revise command was given: a thread, a tree node, a document, a number. */
async function targetOf(
  services: Services,
  comments: ReviewComments,
  args: readonly unknown[],
  title: string,
): Promise<{ output: OutputFolder; step: StepId } | undefined> {
  const thread = args.find(isCommentThread);
  const uri = thread?.uri ?? uriArgument(args) ?? vscode.window.activeTextEditor?.document.uri;
  const fromUri = uri ? comments.locate(uri) : undefined;
  if (thread || (fromUri && !args.some(isWorkflowNode) && stepArgument(args) === undefined)) {
    if (!fromUri) throw new Error('This comment is not on a step document of the Archflow output folder.');
    return { output: fromUri.output, step: fromUri.step };
  }
  const output = services.session.output() ?? firstOutput();
  if (!output) throw new Error('Open the workspace folder of your PRD first.');
  const node = args.find(isWorkflowNode);
  if (node) return { output, step: node.kind === 'step' ? node.step.id : node.step };
  const given = stepArgument(args);
  if (given !== undefined) return { output, step: given };
  const picked = await vscode.window.showQuickPick(
    STEPS.map((s) => ({ label: stepTitle(s.id), description: s.document, step: s.id })),
    { title, placeHolder: 'Pick the step to revise' },
  );
  return picked ? { output, step: picked.step } : undefined;
}

function firstOutput(): OutputFolder | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && outputFolderOf(folder);
}

function isCommentThread(value: unknown): value is vscode.CommentThread {
  return !!value && typeof value === 'object' && 'uri' in value && 'comments' in value && 'range' in value;
}

/** The PRD of the output folder's run: the one the tree shows when it is that folder, else a pick. */
async function prdFor(services: Services, output: OutputFolder, title: string): Promise<vscode.Uri | undefined> {
  const shown = services.session.output();
  const prd = shown?.dir === output.dir ? services.session.prdUri() : undefined;
  return prd ?? pickPrd([], title);
}

/** Revises `step` with `notes`; threads the accepted revision addressed are marked resolved. */
async function revise(
  services: Services,
  comments: ReviewComments,
  target: { output: OutputFolder; step: StepId },
  notes: RevisionNote[],
  title: string,
): Promise<RunOutcome | undefined> {
  const prd = await prdFor(services, target.output, `Archflow: ${title}`);
  if (!prd) return undefined;
  const { step } = target;
  const document = stepById(step).document;
  // The document as it is before the revision: kept when the revision replaces it, for Show the Change.
  const store = new ArtifactStore(target.output.dir);
  const before = await store.read(document).catch(() => undefined);
  return services.runner.run(prd, {
    title,
    steps: [step],
    notes: { [step]: notes },
    confirm: (plan) => askForPrerequisites(step, plan),
    onFinished: async (outcome) => {
      const ids = outcome.summary.addressed.filter((id) => notes.some((n) => n.id === id));
      if (ids.length === 0) return;
      const proposal = outcome.kept.find((k) => k.file === document)?.besideFile;
      const now = await store.read(document).catch(() => undefined);
      const previous =
        !proposal && before !== undefined && now !== undefined && now !== before
          ? await keepPreviousVersion(store, document, before)
          : undefined;
      const resolved = await comments.markAddressed(outcome.output, ids, `revision of step ${step}`, {
        ...(proposal ? { proposal } : {}),
        ...(previous ? { previous } : {}),
      });
      if (resolved.length > 0)
        services.log.info(`Resolved ${resolved.map((t) => t.id).join(', ')} (revision of step ${step})`);
    },
  });
}

/** "Revise with Comments": the open comment threads of a step's document go to its agent. */
export async function reviseWithComments(
  services: Services,
  comments: ReviewComments,
  args: readonly unknown[],
): Promise<void> {
  const target = await targetOf(services, comments, args, 'Archflow: Revise with Comments');
  if (!target) return;
  const notes = await comments.openNotes(target.output, target.step);
  const document = stepById(target.step).document;
  if (notes.length === 0) {
    const request = 'Request Changes…';
    const choice = await vscode.window.showInformationMessage(
      `Archflow: ${document} has no open comments. Comment on its lines first, or describe the change for the whole step.`,
      request,
    );
    if (choice === request) await requestChangesFor(services, comments, target);
    return;
  }
  const count = `${notes.length} comment${notes.length === 1 ? '' : 's'}`;
  await revise(services, comments, target, notes, `Revise ${stepTitle(target.step)} with ${count}`);
}

/** "Request Changes…": free text for a whole step, sent to its agent as a note. */
export async function requestChanges(
  services: Services,
  comments: ReviewComments,
  args: readonly unknown[],
): Promise<void> {
  const target = await targetOf(services, comments, args, 'Archflow: Request Changes');
  if (target) await requestChangesFor(services, comments, target);
}

async function requestChangesFor(
  services: Services,
  comments: ReviewComments,
  target: { output: OutputFolder; step: StepId },
): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: `Archflow: Request Changes to ${stepTitle(target.step)}`,
    prompt: `What should change in ${stepById(target.step).document}? The agent revises the document for it; you review the diff before anything is replaced.`,
    placeHolder: 'For example: name the identity provider and how tokens are validated',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'Describe the change, or press Escape to cancel.' : undefined),
  });
  if (text === undefined || text.trim() === '') return;
  await revise(services, comments, target, [{ text: text.trim() }], `Revise ${stepTitle(target.step)}`);
}

/** "Resolve Security Findings": rounds of revising the steps the open findings name, then the review again. */
export async function resolveFindings(services: Services, args: readonly unknown[]): Promise<void> {
  const output = services.session.output() ?? firstOutput();
  const prd = output
    ? await prdFor(services, output, 'Archflow: Resolve Security Findings')
    : await pickPrd(args, 'Archflow: Resolve Security Findings');
  if (!prd) return;
  const rounds = readResolveRounds(vscode.workspace.getWorkspaceFolder(prd));
  await services.runner.run(prd, { title: 'Resolve Security Findings', steps: 'all', resolve: { rounds } });
}
