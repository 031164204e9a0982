/**
 * The session's file watchers: every file of the shown output folder and the folder itself, and the PRD of its run
 * (editing the PRD makes steps stale). Any change calls `onChange`; the session reads again.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OutputFolder } from '../config';

export class FolderWatchers implements vscode.Disposable {
  private output: vscode.Disposable[] = [];
  private prd: vscode.Disposable[] = [];
  private watchedOutput?: string;
  private watchedPrd?: string;

  constructor(private readonly onChange: () => void) {}

  /** Watches `folder` (nothing when undefined); the PRD watch goes with the folder it belongs to. */
  watchOutput(folder: OutputFolder | undefined): void {
    const key = folder?.uri.toString();
    if (key === this.watchedOutput) return;
    this.dispose();
    this.watchedOutput = key;
    if (!folder) return;
    // The folder's own entry, watched from its parent: a folder deleted whole (`rm -rf`) may be
    // reported only as the deletion of the watched root, which '**/*' under it does not match; and a
    // watcher whose root went away is made again when the folder comes back.
    let inner = this.watch(new vscode.RelativePattern(folder.uri, '**/*'));
    const parent = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(folder.uri, '..'), path.posix.basename(folder.uri.path)),
    );
    const again = (): void => {
      inner.forEach((d) => d.dispose());
      inner = this.watch(new vscode.RelativePattern(folder.uri, '**/*'));
      this.onChange();
    };
    this.output = [
      parent,
      parent.onDidCreate(again),
      parent.onDidDelete(() => this.onChange()),
      { dispose: () => inner.forEach((d) => d.dispose()) },
    ];
  }

  /** Watches the PRD of the shown run (nothing when undefined). */
  watchPrd(prd: vscode.Uri | undefined): void {
    const key = prd?.toString();
    if (key === this.watchedPrd) return;
    this.watchedPrd = key;
    this.prd.forEach((d) => d.dispose());
    this.prd = prd
      ? this.watch(new vscode.RelativePattern(vscode.Uri.joinPath(prd, '..'), path.basename(prd.fsPath)))
      : [];
  }

  private watch(pattern: vscode.RelativePattern): vscode.Disposable[] {
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const changed = (): void => this.onChange();
    return [watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed)];
  }

  dispose(): void {
    [...this.output, ...this.prd].forEach((d) => d.dispose());
    this.output = [];
    this.prd = [];
    this.watchedOutput = undefined;
    this.watchedPrd = undefined;
  }
}
