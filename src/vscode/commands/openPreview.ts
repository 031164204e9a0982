/** "Open Preview": the preview panel, from the palette, the tree (title bar or a step) or a file's editor title. */
import * as vscode from 'vscode';
import { stepById } from '../../core/steps';
import { isWorkflowNode } from '../progressTree';
import type { Services } from './services';

export function openPreview({ preview, session }: Services, args: readonly unknown[]): void {
  preview.show(targetOf(args, session.output()?.uri));
}

/** The file to show: the editor title's Uri, a file node's Uri, or a step node's document. */
function targetOf(args: readonly unknown[], output: vscode.Uri | undefined): vscode.Uri | undefined {
  const uri = args.find((a): a is vscode.Uri => a instanceof vscode.Uri);
  if (uri) return uri;
  const node = args.find(isWorkflowNode);
  if (node?.kind === 'file') return node.uri;
  if (node?.kind === 'step' && output) return vscode.Uri.joinPath(output, stepById(node.step.id).document);
  return undefined;
}
