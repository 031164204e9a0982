/**
 * The typed command registry. Every command the manifest contributes (listed in ids.ts) is always
 * registered (by extension.ts); a command that cannot work yet (no folder open, untrusted workspace) explains what
 * is missing instead of failing or being absent. Every handler's error reaches the user and the log.
 */
import * as vscode from 'vscode';
import { type ExtensionLog, errorMessage } from '../log';
import { explainUntrusted } from '../trust';
import type { CommandId } from './ids';

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

/**
 * Runs the commands of `table`: the entry (extension.ts) registers every id of COMMAND_IDS and
 * hands each call here.
 */
export function commandRunner(
  table: CommandTable,
  log: ExtensionLog,
): (id: CommandId, args: unknown[]) => Promise<void> {
  return (id, args) => invoke(id, table[id], args, log);
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
