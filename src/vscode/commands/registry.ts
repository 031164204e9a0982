/**
 * The typed command registry. Every command the manifest contributes is listed here and always
 * registered; a command that cannot work yet (no folder open, untrusted workspace) explains what
 * is missing instead of failing or being absent. Every handler's error reaches the user and the log.
 */
import * as vscode from 'vscode';
import { STEP_IDS, type StepId } from '../../core/steps';
import { type ExtensionLog, errorMessage } from '../log';
import { explainUntrusted } from '../trust';

/** Every contributed command id; a test checks this list against package.json. */
export const COMMAND_IDS = [
  'archflow.designArchitecture',
  'archflow.runStep',
  ...STEP_IDS.map((id) => `archflow.runStep${id}` as const),
  'archflow.setApiKey',
  'archflow.clearApiKey',
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
] as const;

export type StepCommandId = `archflow.runStep${StepId}`;
export type CommandId = (typeof COMMAND_IDS)[number];

/** What a command needs before its handler runs. */
export type Precondition = 'workspace' | 'trusted';

export interface CommandSpec {
  /** Checked in order; the first one missing is explained to the user and the handler is skipped. */
  needs?: readonly Precondition[];
  /** Receives the arguments VS Code passes (a Uri from menus, a tree node from the view). */
  run(...args: unknown[]): unknown;
}

/** One spec per command id: a missing command is a compile error. */
export type CommandTable = { readonly [K in CommandId]: CommandSpec };

/** Registers every command of `table` into the extension's subscriptions. */
export function registerCommands(context: vscode.ExtensionContext, table: CommandTable, log: ExtensionLog): void {
  for (const id of COMMAND_IDS) {
    const spec = table[id];
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => invoke(id, spec, args, log)),
    );
  }
}

async function invoke(id: CommandId, spec: CommandSpec, args: unknown[], log: ExtensionLog): Promise<void> {
  try {
    for (const need of spec.needs ?? []) {
      if (!(await satisfied(need))) return;
    }
    await spec.run(...args);
  } catch (err) {
    log.failure(id, err);
    const choice = await vscode.window.showErrorMessage(`Archflow: ${errorMessage(err)}`, 'Show Log');
    if (choice === 'Show Log') log.show();
  }
}

/** Whether a precondition holds; when not, tells the user what to do. */
async function satisfied(need: Precondition): Promise<boolean> {
  switch (need) {
    case 'workspace': {
      if ((vscode.workspace.workspaceFolders?.length ?? 0) > 0) return true;
      const open = 'Open Folder';
      const choice = await vscode.window.showInformationMessage(
        'Archflow works on a PRD inside a workspace folder. Open the folder that contains your PRD.',
        open,
      );
      if (choice === open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
      return false;
    }
    case 'trusted':
      if (vscode.workspace.isTrusted) return true;
      await explainUntrusted();
      return false;
  }
}
