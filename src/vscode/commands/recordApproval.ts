/**
 * "Record Stakeholder Approval" (palette and the preview's button): name, role and an optional
 * comment, recorded in archflow.json against the current ARCHITECTURE.md. Any later change to the
 * document voids the approval; the preview and the exit criteria say so.
 */
import * as vscode from 'vscode';
import { ApprovalError, approvalFieldProblem, recordApproval } from '../../core/approval';
import { LAYOUT } from '../../core/steps';
import type { Services } from './services';

export async function recordStakeholderApproval({ session, log }: Services): Promise<void> {
  const output = session.output();
  if (!output) {
    await vscode.window.showInformationMessage('Archflow: open the workspace folder that contains your PRD first.');
    return;
  }
  const docUri = vscode.Uri.joinPath(output.uri, LAYOUT.architecture);
  const where = `${output.relative}/${LAYOUT.architecture}`;
  try {
    await vscode.workspace.fs.stat(docUri);
  } catch {
    await vscode.window.showInformationMessage(
      `Archflow: there is no ${where} to approve yet. Run "Archflow: Design Architecture" first.`,
    );
    return;
  }
  // The approval is for the file on disk; unsaved edits would void it as soon as they are saved.
  const dirty = vscode.workspace.textDocuments.find((d) => d.isDirty && d.uri.toString() === docUri.toString());
  if (dirty) {
    const save = 'Save and Continue';
    const choice = await vscode.window.showWarningMessage(
      `${where} has unsaved changes.`,
      {
        modal: true,
        detail:
          'The approval records the saved document. Save your changes first so they are part of what is approved.',
      },
      save,
    );
    if (choice !== save || !(await dirty.save())) return;
  }
  const title = 'Archflow: Record Stakeholder Approval';
  const name = await vscode.window.showInputBox({
    title: `${title} (1/3)`,
    prompt: `Name of the stakeholder who approves ${where} as it is now`,
    placeHolder: 'Name',
    ignoreFocusOut: true,
    validateInput: (v) => approvalFieldProblem('name', v),
  });
  if (name === undefined) return;
  const role = await vscode.window.showInputBox({
    title: `${title} (2/3)`,
    prompt: `Role of ${name.trim()}`,
    placeHolder: 'Role, for example Head of Engineering',
    ignoreFocusOut: true,
    validateInput: (v) => approvalFieldProblem('role', v),
  });
  if (role === undefined) return;
  const comment = await vscode.window.showInputBox({
    title: `${title} (3/3)`,
    prompt: 'Optional comment (press Enter to leave it empty)',
    placeHolder: 'Comment (optional)',
    ignoreFocusOut: true,
    validateInput: (v) => approvalFieldProblem('comment', v),
  });
  if (comment === undefined) return;
  try {
    const approval = await recordApproval(output.dir, { name, role, comment });
    log.info(`Stakeholder approval recorded in ${output.dir} by ${approval.name} (${approval.role}).`);
    session.requestRefresh(0);
    await vscode.window.showInformationMessage(
      `Archflow: approval by ${approval.name} (${approval.role}) recorded for the current ${LAYOUT.architecture}. Any later change to the document voids it.`,
    );
  } catch (err) {
    if (!(err instanceof ApprovalError)) throw err;
    await vscode.window.showWarningMessage(`Archflow: ${err.message}`);
  }
}
