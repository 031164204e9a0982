/** "Reset Run": forgets the step records so the next run starts over; never deletes a document. */
import * as vscode from 'vscode';
import { resetRun as resetRunState } from '../../core/engine';
import type { Services } from './services';

export async function resetRun({ session, log }: Services): Promise<void> {
  const output = session.output();
  const view = session.snapshot()?.view;
  if (!output || !view || view.empty) {
    await vscode.window.showInformationMessage('Archflow: there is no run to reset.');
    return;
  }
  if (session.isBusy(output)) {
    await vscode.window.showInformationMessage(
      `Archflow is running in ${output.relative}. Cancel the run before resetting it.`,
    );
    return;
  }
  const reset = 'Reset Run';
  const choice = await vscode.window.showWarningMessage(
    `Reset the Archflow run in ${output.relative}?`,
    {
      modal: true,
      detail:
        'Archflow forgets which steps ran (the step records in archflow.json), so the next run starts again from step 1. No document is deleted; ADR numbers and approvals are kept.',
    },
    reset,
  );
  if (choice !== reset) return;
  await resetRunState(output.dir);
  log.info(`Run state reset in ${output.dir}`);
  session.forgetLive();
  await session.refresh();
}
