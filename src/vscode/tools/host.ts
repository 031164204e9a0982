/**
 * What Archflow's tools get inside VS Code: the host session's output folder and running steps to
 * read, and runs through the extension's own Runner (its progress notification with Cancel, the
 * tree, the preview, the conflict questions), on a PRD of the workspace.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInside, resolveInside } from '../../core/tools/paths';
import { describeSteps } from '../../core/tools/run';
import { type ToolContext, ToolInputError, type ToolRunOutcome, type ToolRunRequest } from '../../core/tools/types';
import { outputFolderOf } from '../config';
import type { Runner } from '../runner';
import type { ApiKeyStore } from '../secrets';
import type { HostSession } from '../session/session';

export interface ToolHostDeps {
  session: HostSession;
  runner: Runner;
  secrets: ApiKeyStore;
}

export class ToolHost {
  constructor(private readonly deps: ToolHostDeps) {}

  /** The context of one call; throws (a sentence for the model) when no folder is open. */
  context(signal: AbortSignal): ToolContext {
    const { session } = this.deps;
    const output = session.output();
    if (!output) {
      throw new Error(
        'No workspace folder is open: Archflow reads and writes the output folder of a workspace folder.',
      );
    }
    return {
      outputDir: output.dir,
      running: session.runIn(output)?.progress.running,
      signal,
      run: (request, runSignal) => this.run(request, runSignal),
    };
  }

  /** The API key, to keep it out of any result. */
  async secret(): Promise<string | undefined> {
    return (await this.deps.secrets.get())?.key;
  }

  /** Names for the confirmation: the PRD and the output folder as the user knows them. */
  async where(given: string | undefined): Promise<{ prd?: string; output: string }> {
    const prd = await this.prdUri(given).catch(() => undefined);
    const folder = prd && vscode.workspace.getWorkspaceFolder(prd);
    const output = folder
      ? outputFolderOf(folder).relative
      : (this.deps.session.output()?.relative ?? 'the output folder');
    return { prd: prd ? vscode.workspace.asRelativePath(prd) : given, output };
  }

  private async run(request: ToolRunRequest, signal: AbortSignal): Promise<ToolRunOutcome> {
    const prd = await this.prdUri(request.prd);
    const outcome = await this.deps.runner.run(prd, {
      title: request.steps === 'all' ? 'Design Architecture' : describeSteps(request.steps),
      steps: request.steps,
      withPrerequisites: request.withPrerequisites,
      interactive: false,
      signal,
    });
    if (!outcome) throw new Error('The run did not start.');
    // A failure of the run as a whole (not of a step) has no step to report it by.
    const whole = outcome.failures.find((f) => f.step === undefined);
    if (whole && outcome.summary.failed.length === 0) throw new Error(whole.message);
    return { summary: outcome.summary, outputDir: outcome.output.dir, prdPath: prd.fsPath };
  }

  /**
   * The PRD of a call: the path given (relative to the shown workspace folder, or absolute), which
   * must be inside a workspace folder; else the PRD of the shown run; else the Markdown file in the
   * active editor.
   */
  private async prdUri(given: string | undefined): Promise<vscode.Uri> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (given !== undefined) {
      const base = this.deps.session.output()?.folder ?? folders[0];
      if (!base) throw new ToolInputError('Open the workspace folder that contains the PRD first.');
      const absolute = path.resolve(base.uri.fsPath, given);
      const owner = folders.find((f) => isInside(f.uri.fsPath, absolute));
      if (!owner) {
        throw new ToolInputError(
          `The PRD "${given}" is outside the workspace folders; Archflow only reads and writes inside them. Give the path of a Markdown file in the workspace.`,
        );
      }
      return vscode.Uri.file(
        await resolveInside(owner.uri.fsPath, absolute, 'The PRD', `the workspace folder ${owner.name}`),
      );
    }
    const recorded = this.deps.session.prdUri();
    if (recorded) return recorded;
    const active = vscode.window.activeTextEditor?.document;
    if (
      active?.languageId === 'markdown' &&
      active.uri.scheme === 'file' &&
      vscode.workspace.getWorkspaceFolder(active.uri)
    ) {
      return active.uri;
    }
    throw new ToolInputError(
      'Name the PRD: give "prd", the path of the Markdown PRD inside the workspace (for example "PRD.md").',
    );
  }
}
