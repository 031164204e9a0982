/**
 * Every command id the manifest contributes, and the per-step commands derived from the step table.
 * No `vscode` here: a unit test checks these against package.json, so a step added to the table
 * without its palette command (or a command left in the manifest) fails that test.
 */
import { STEPS, STEP_IDS, type StepId, stepTitle } from '../../core/steps';

/** The palette command that runs one step (SPEC: one command per step). */
export type StepCommandId = `archflow.runStep${StepId}`;

/** The per-step commands, one per row of the step table, with their palette titles. */
export const STEP_COMMANDS: readonly { id: StepCommandId; step: StepId; title: string }[] = STEPS.map((s) => ({
  id: `archflow.runStep${s.id}`,
  step: s.id,
  title: `Run ${stepTitle(s.id)}`,
}));

/** Every contributed command id. */
export const COMMAND_IDS = [
  'archflow.designArchitecture',
  'archflow.runStep',
  ...STEP_COMMANDS.map((c) => c.id),
  'archflow.setApiKey',
  'archflow.clearApiKey',
  'archflow.useVscodeLm',
  'archflow.resetRun',
  'archflow.refresh',
  'archflow.openOutput',
  'archflow.runStepItem',
  'archflow.rerunStep',
  'archflow.cancelRun',
  'archflow.showLog',
  'archflow.openPreview',
  'archflow.recordApproval',
  'archflow.exportDiagrams',
  'archflow.showLiveOutput',
  'archflow.getStarted',
  'archflow.reviseWithComments',
  'archflow.requestChanges',
  'archflow.resolveFindings',
  'archflow.comment.submit',
  'archflow.comment.resolve',
  'archflow.comment.reopen',
  'archflow.comment.delete',
  'archflow.comment.showChange',
  'archflow.revision.accept',
  'archflow.revision.reject',
  'archflow.revision.review',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** The walkthrough of `contributes.walkthroughs`, as `<publisher>.<name>#<id>` ("Get Started" opens it). */
export const WALKTHROUGH_ID = 'archflow.archflow#archflow.gettingStarted';

/** The MCP server definition provider of `contributes.mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'archflow.mcpServers';

/**
 * The step a command was given as an argument (`executeCommand('archflow.runStep', 3)`, or a
 * command link's JSON argument); undefined when none is a step of the table.
 */
export function stepArgument(args: readonly unknown[]): StepId | undefined {
  return STEP_IDS.find((id) => args.includes(id));
}
