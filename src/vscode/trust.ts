/** Workspace Trust: in an untrusted workspace Archflow shows existing output but never runs. */
import * as vscode from 'vscode';

const MANAGE = 'Manage Workspace Trust';

/** Explains why nothing runs, offering to manage trust. */
export async function explainUntrusted(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    'Archflow does not call the model or write files in an untrusted workspace. Trust this workspace to run the workflow.',
    MANAGE,
  );
  if (choice === MANAGE) await vscode.commands.executeCommand('workbench.trust.manage');
}
