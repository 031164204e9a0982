/** "Reset Run": forgets the step records so the next run starts over; never deletes a document. */
import * as vscode from 'vscode';
import { resetRun as resetRunState } from '../../core/engine';
import type { Services } from './services';

export async function resetRun({ tree, runner, log }: Services): Promise<void> {
  const target = tree.current();
  if (!target || !target.view || target.view.empty) {
    await vscode.window.showInformationMessage('Archflow: there is no run to reset.');
    return;
  }
  const { output } = target;
  if (runner.isBusy(output)) {
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
  tree.clearLive();
  await tree.refresh();
}
