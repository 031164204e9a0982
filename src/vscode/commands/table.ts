/** The command table: which handler and preconditions each contributed command has. */
import * as vscode from 'vscode';
import { ACCEPT, REJECT } from '../conflicts';
import { clearApiKey, setApiKey, useVscodeLm } from './apiKey';
import { designArchitecture } from './designArchitecture';
import { exportDiagrams } from './exportDiagrams';
import { openOutput } from './openOutput';
import { openPreview } from './openPreview';
import { recordStakeholderApproval } from './recordApproval';
import { STEP_COMMANDS, type StepCommandId, WALKTHROUGH_ID } from './ids';
import type { CommandSpec, CommandTable } from './registry';
import { resetRun } from './resetRun';
import { requestChanges, resolveFindings, reviseWithComments } from './revise';
import { runNumberedStep, runStepPicked, runTreeStep } from './runStep';
import type { Services } from './services';

/** Commands that call the model or write files need a folder and a trusted workspace. */
const RUN_NEEDS = ['workspace', 'trusted'] as const;

/** One "Run Step n" command per row of the step table, all with the same handler. */
function stepCommands(services: Services): Record<StepCommandId, CommandSpec> {
  const table = {} as Record<StepCommandId, CommandSpec>;
  for (const { id, step } of STEP_COMMANDS) {
    table[id] = { needs: RUN_NEEDS, run: (...args) => runNumberedStep(services, step, args) };
  }
  return table;
}

export function buildCommandTable(services: Services): CommandTable {
  const { log, secrets, session, comments, conflicts } = services;
  const onThread =
    (action: (thread: vscode.CommentThread) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      const thread = args.find((a): a is vscode.CommentThread => !!a && typeof a === 'object' && 'comments' in a);
      if (thread) await action(thread);
    };
  return {
    'archflow.designArchitecture': { needs: RUN_NEEDS, run: (...args) => designArchitecture(services, args) },
    'archflow.runStep': { needs: RUN_NEEDS, run: (...args) => runStepPicked(services, args) },
    ...stepCommands(services),
    'archflow.setApiKey': { run: () => setApiKey(secrets, log) },
    'archflow.clearApiKey': { run: () => clearApiKey(secrets, log) },
    'archflow.useVscodeLm': { run: () => useVscodeLm(log) },
    'archflow.resetRun': { needs: RUN_NEEDS, run: () => resetRun(services) },
    'archflow.refresh': { run: () => session.refresh() },
    'archflow.openOutput': { run: (...args) => openOutput(services, args) },
    'archflow.runStepItem': { needs: RUN_NEEDS, run: (...args) => runTreeStep(services, args) },
    'archflow.rerunStep': { needs: RUN_NEEDS, run: (...args) => runTreeStep(services, args) },
    'archflow.cancelRun': {
      run: async () => {
        if (session.cancelAll() === 0) await vscode.window.showInformationMessage('Archflow: no run is in progress.');
      },
    },
    'archflow.showLog': { run: () => log.show() },
    'archflow.openPreview': { needs: ['workspace'], run: (...args) => openPreview(services, args) },
    'archflow.recordApproval': { needs: RUN_NEEDS, run: () => recordStakeholderApproval(services) },
    'archflow.exportDiagrams': { needs: RUN_NEEDS, run: () => exportDiagrams(services) },
    'archflow.showLiveOutput': { needs: ['workspace'], run: () => services.live.show() },
    'archflow.reviseWithComments': { needs: RUN_NEEDS, run: (...args) => reviseWithComments(services, comments, args) },
    'archflow.requestChanges': { needs: RUN_NEEDS, run: (...args) => requestChanges(services, comments, args) },
    'archflow.resolveFindings': { needs: RUN_NEEDS, run: (...args) => resolveFindings(services, args) },
    'archflow.comment.submit': {
      needs: RUN_NEEDS,
      run: async (...args) => {
        const reply = args.find(
          (a): a is vscode.CommentReply => !!a && typeof a === 'object' && 'thread' in a && 'text' in a,
        );
        if (reply) await comments.submit(reply);
      },
    },
    'archflow.comment.resolve': { needs: RUN_NEEDS, run: onThread((t) => comments.setResolved(t, true)) },
    'archflow.comment.reopen': { needs: RUN_NEEDS, run: onThread((t) => comments.setResolved(t, false)) },
    'archflow.comment.delete': { needs: RUN_NEEDS, run: onThread((t) => comments.remove(t)) },
    'archflow.comment.showChange': { needs: ['workspace'], run: onThread((t) => comments.showChange(t)) },
    'archflow.revision.accept': { run: (uri) => conflicts.answerFromDiff(ACCEPT, uri) },
    'archflow.revision.reject': { run: (uri) => conflicts.answerFromDiff(REJECT, uri) },
    'archflow.revision.review': { run: () => conflicts.reviewPending() },
    'archflow.getStarted': {
      run: () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false),
    },
  };
}
