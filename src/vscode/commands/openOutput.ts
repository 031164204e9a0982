/** "Open Output" on a tree node: a file, a step's document, or a running step's live output. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LAYOUT, stepById } from '../../core/steps';
import { isWorkflowNode } from '../progressTree';
import type { Services } from './services';

export async function openOutput({ session, live }: Services, args: readonly unknown[]): Promise<void> {
  const node = args.find(isWorkflowNode);
  const output = session.output();
  if (node?.kind === 'file') {
    await vscode.commands.executeCommand('vscode.open', node.uri);
    return;
  }
  if (!output) {
    await vscode.window.showInformationMessage('Archflow: open a workspace folder with a PRD first.');
    return;
  }
  if (!node) {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(output.uri, LAYOUT.architecture));
    return;
  }
  const { step } = node;
  if (step.status === 'running' && live.has(step.id)) {
    await live.show(step.id);
    return;
  }
  const def = stepById(step.id);
  const file =
    step.files.find((f) => f === def.document) ??
    step.files.find((f) => path.posix.extname(f) === '.md') ??
    step.files[0];
  if (file) {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(output.uri, ...file.split('/')));
  } else if (live.has(step.id)) {
    await live.show(step.id);
  } else {
    await vscode.window.showInformationMessage(`Archflow: Step ${step.id} has no output yet.`);
  }
}
