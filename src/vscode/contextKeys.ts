/** The context keys Archflow sets for `when` clauses in package.json: a projection of the host session. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { STEPS } from '../core/steps';
import { affectsOutputFolder, outputFolderOf } from './config';
import { errorMessage } from './log';
import type { ApiKeyStore } from './secrets';
import type { HostSession } from './session/session';

/**
 * `archflow.running`: a run is in progress. `archflow.hasRun`: the tree has something to show.
 * `archflow.outputFolders`: the output folders and their adr/ and diagrams/ subfolders (the editor
 * title's "Open Preview" on their files, `resourceDirname in …`). `archflow.hasStoredKey`: an API key
 * is in SecretStorage ("Clear API Key" shows only then). `archflow.stepDocuments`: the step documents'
 * paths (the editor title's "Revise with Comments" and "Request Changes…", `resourcePath in …`).
 */
export type ContextKey =
  | 'archflow.running'
  | 'archflow.hasRun'
  | 'archflow.outputFolders'
  | 'archflow.stepDocuments'
  | 'archflow.hasStoredKey';

/** Sets a context key; a failure only costs a menu item, so it is logged, not shown. */
function setContextKey(key: ContextKey, value: boolean | string[], log: Logger): void {
  vscode.commands.executeCommand('setContext', key, value).then(undefined, (err: unknown) => {
    log.warn(`Could not set context key ${key}: ${errorMessage(err)}`);
  });
}

export class ContextKeys implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];
  private readonly last = new Map<ContextKey, string>();
  private keyReads = 0;

  constructor(
    private readonly session: HostSession,
    private readonly log: Logger,
    private readonly secrets: ApiKeyStore,
  ) {
    this.disposables = [
      session.onDidChange(() => this.updateRun()),
      secrets.onDidChange(() => this.updateStoredKey()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsOutputFolder(e)) this.updateOutputFolders();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.updateOutputFolders()),
    ];
    this.updateRun();
    this.updateOutputFolders();
    this.updateStoredKey();
  }

  private updateStoredKey(): void {
    // Reads can finish out of order after quick changes: only the latest one sets the key.
    const read = ++this.keyReads;
    this.secrets.hasStoredKey().then(
      (stored) => {
        if (read === this.keyReads) this.set('archflow.hasStoredKey', stored);
      },
      (err: unknown) => this.log.warn(`Could not read Secret Storage: ${errorMessage(err)}`),
    );
  }

  private updateRun(): void {
    this.set('archflow.running', this.session.isRunning());
    this.set('archflow.hasRun', this.session.hasRun());
  }

  private updateOutputFolders(): void {
    const dirs: string[] = [];
    const documents: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const { dir } = outputFolderOf(folder);
        dirs.push(dir, path.join(dir, 'adr'), path.join(dir, 'diagrams'));
        documents.push(...STEPS.map((s) => path.join(dir, s.document)));
      } catch {
        // An invalid outputFolder setting: no menu entry for that folder.
      }
    }
    this.set('archflow.outputFolders', dirs);
    this.set('archflow.stepDocuments', documents);
  }

  /** Sets a key when its value changed (the session changes often while a run streams). */
  private set(key: ContextKey, value: boolean | string[]): void {
    const text = JSON.stringify(value);
    if (this.last.get(key) === text) return;
    this.last.set(key, text);
    setContextKey(key, value, this.log);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
