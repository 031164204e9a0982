/**
 * The preview panel host: one reusable webview panel (restored after a window reload), its HTML set
 * once, its content sent by message after the page says `ready`. It is a projection of the host
 * session (the shown output folder's snapshot and what running engines report); it re-sends the
 * state (debounced) when the session read the folder again. Everything the page sends is checked by
 * `isWebviewMessage`, and a file it asks to open is checked again against the real output folder.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ArtifactStore, checkRelativePath } from '../core/store';
import { buildPreviewHtml } from './preview/html';
import { buildRunProgress, buildStateMessage, unreadablePreviewState } from './preview/state';
import {
  type ExportFormat,
  type HostToWebview,
  type WebviewToHost,
  assertNever,
  isWebviewMessage,
} from '../shared/protocol';
import { isSafeRelativePath } from '../shared/paths';
import { type OutputFolder, outputFolderOf } from './config';
import { type ExtensionLog, errorMessage } from './log';
import { SerialQueue } from '../core/serialQueue';
import type { HostSession, SessionChange } from './session/session';

import { PREVIEW_VIEW_TYPE } from './commands/ids';

/** Coalesces bursts of file events (a run writes many files at once). */
const STATE_DEBOUNCE_MS = 300;

export interface PreviewDeps {
  extensionUri: vscode.Uri;
  log: ExtensionLog;
  session: HostSession;
}

export class PreviewPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** The page has said `ready` since its HTML was (re)loaded. */
  private ready = false;
  /** The output folder the last full state was of (a state for a new folder goes out at once). */
  private postedOutput?: string;
  private pendingReveal?: string;
  private lastProgress?: string;
  private stateTimer?: NodeJS.Timeout;
  /** Builds and posts one state at a time, so an older state never overwrites a newer one. */
  private readonly posting = new SerialQueue();
  /** The `.mmd` files of the views in the last state posted. */
  private lastDiagramFiles: string[] = [];
  /** An export of every view the command asked for: the files still expected, and what was written. */
  private exporting?: { format: ExportFormat; pending: Set<string>; written: string[]; done: () => void };

  constructor(private readonly deps: PreviewDeps) {
    this.disposables.push(
      deps.session.onDidChange((change) => this.onSessionChanged(change)),
      // Trust changes what the page may offer (readOnly), not what is on disk.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleState(0)),
    );
  }

  /**
   * Opens the panel, or brings it to the front; `uri` (a file of an output folder) is shown in it,
   * and the session shows that file's output folder from now on (the tree follows too).
   */
  show(uri?: vscode.Uri): void {
    const found = uri ? this.locate(uri) : undefined;
    if (found) {
      this.deps.session.show(found.output);
      this.pendingReveal = found.file;
    }
    if (this.panel) {
      this.panel.reveal(this.panel.viewColumn, false);
    } else {
      const panel = vscode.window.createWebviewPanel(
        PREVIEW_VIEW_TYPE,
        'Archflow Preview',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { ...this.webviewOptions(), retainContextWhenHidden: false },
      );
      this.attach(panel);
    }
    this.scheduleState(0);
  }

  dispose(): void {
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.panel?.dispose();
    this.disposePanel();
    this.disposables.forEach((d) => d.dispose());
  }

  private webviewOptions(): vscode.WebviewOptions {
    const { extensionUri } = this.deps;
    return {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      // Only what we ship: the bundle and the style sheet. Nothing of the workspace.
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  /** Shows the preview in a panel VS Code restored after a window reload (the entry's serializer). */
  restore(panel: vscode.WebviewPanel): void {
    this.attach(panel);
  }

  /** Takes over a new or restored panel: options, HTML (once), listeners. */
  private attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.disposePanel();
    this.panel = panel;
    this.ready = false;
    this.lastProgress = undefined;
    const { extensionUri } = this.deps;
    const webview = panel.webview;
    webview.options = this.webviewOptions();
    // The tab shows the icon as an image, where currentColor is black: one colour per theme kind
    // (high contrast uses the dark one), so it stays visible on a black tab bar.
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'archflow-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'archflow-dark.svg'),
    };
    webview.html = buildPreviewHtml({
      nonce: randomBytes(18).toString('base64'),
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'preview.css')).toString(),
    });
    this.panelDisposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      // Without retainContextWhenHidden the page is discarded when hidden and says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.disposePanel();
        }
      }),
    );
  }

  private disposePanel(): void {
    this.panelDisposables.forEach((d) => d.dispose());
    this.panelDisposables = [];
    this.ready = false;
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewMessage(raw)) {
      this.deps.log.warn(`Preview: ignored a message that does not match the protocol: ${describe(raw)}`);
      return;
    }
    void this.handle(raw).catch(async (err: unknown) => {
      this.deps.log.failure(`Preview: ${raw.type}`, err);
      await vscode.window.showErrorMessage(`Archflow: ${errorMessage(err)}`);
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.lastProgress = undefined;
        await this.enqueuePost();
        return;
      case 'openFile':
        await this.openFile(message.file);
        return;
      case 'requestApproval':
        await vscode.commands.executeCommand('archflow.recordApproval');
        return;
      case 'resolveFindings':
        await vscode.commands.executeCommand('archflow.resolveFindings');
        return;
      case 'reportProblem':
        this.deps.log.warn(`Preview: ${message.message}`);
        return;
      case 'exportDiagram':
        await this.saveExport(message.file, message.format, message.data);
        return;
      default:
        assertNever(message, 'webview message');
    }
  }

  /**
   * Exports every view of the shown output folder as SVG or PNG beside its `.mmd` file: the panel
   * draws them (the same renderer as on screen) and sends them back. Resolves with the files written.
   */
  async exportViews(format: ExportFormat): Promise<string[]> {
    if (!vscode.workspace.isTrusted)
      throw new Error('Exporting writes files, which Archflow does not do in an untrusted workspace.');
    this.show();
    const deadline = Date.now() + 30_000;
    while (!this.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!this.ready) throw new Error('The preview did not open in time to draw the diagrams.');
    await this.enqueuePost();
    const files = this.lastDiagramFiles;
    if (files.length === 0) throw new Error('There is no C4 model to export yet: run steps 2 and 3 first.');
    const written: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exporting = undefined;
        reject(new Error(`The preview exported ${written.length} of ${files.length} views before giving up.`));
      }, 60_000);
      this.exporting = {
        format,
        pending: new Set(files),
        written,
        done: () => {
          clearTimeout(timer);
          this.exporting = undefined;
          resolve();
        },
      };
      void this.post({ type: 'exportViews', format });
    });
    return written;
  }

  /** Writes one exported view beside its `.mmd` file (atomic, inside the output folder). */
  private async saveExport(file: string, format: ExportFormat, data: string): Promise<void> {
    const output = this.deps.session.output();
    if (!output) throw new Error('No output folder to save the diagram in.');
    if (!vscode.workspace.isTrusted) throw new Error('Archflow does not write files in an untrusted workspace.');
    const rel = checkRelativePath(file.replace(/\.mmd$/, `.${format}`));
    const content = format === 'png' ? Buffer.from(data, 'base64') : data;
    await new ArtifactStore(output.dir).write(rel, content);
    this.deps.log.info(`Exported ${output.relative}/${rel}`);
    const batch = this.exporting;
    if (batch && batch.format === format && batch.pending.delete(file)) {
      batch.written.push(rel);
      if (batch.pending.size === 0) batch.done();
      return;
    }
    const open = 'Open';
    const choice = await vscode.window.showInformationMessage(`Archflow: saved ${output.relative}/${rel}.`, open);
    if (choice === open)
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(output.uri, ...rel.split('/')));
  }

  /** Opens a file of the output folder, after checking again that it is one (symlinks resolved). */
  private async openFile(file: string): Promise<void> {
    const output = this.deps.session.output();
    if (!output || !isSafeRelativePath(file))
      throw new Error(`The preview asked to open "${file}", which is not a file of the output folder.`);
    const rel = checkRelativePath(file);
    const abs = path.join(output.dir, ...rel.split('/'));
    let real: string;
    let root: string;
    try {
      [real, root] = await Promise.all([fs.realpath(abs), fs.realpath(output.dir)]);
    } catch {
      await vscode.window.showInformationMessage(`Archflow: ${output.relative}/${rel} does not exist (yet).`);
      return;
    }
    if (!real.startsWith(root + path.sep)) {
      throw new Error(`Refusing to open "${rel}": it resolves outside ${output.relative}.`);
    }
    const uri = vscode.Uri.joinPath(output.uri, ...rel.split('/'));
    // Open beside the panel, not over it.
    const column = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(uri, { viewColumn: column, preview: true });
  }

  /** The output folder containing `uri`, with the file's path relative to it. */
  private locate(uri: vscode.Uri): { output: OutputFolder; file: string } | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    let output: OutputFolder;
    try {
      output = outputFolderOf(folder);
    } catch {
      return undefined;
    }
    const rel = path.relative(output.dir, uri.fsPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return { output, file: rel.split(path.sep).join('/') };
  }

  private onSessionChanged(change: SessionChange): void {
    if (!this.panel) return;
    const { session } = this.deps;
    const output = session.output();
    if (change === 'folder') {
      this.scheduleState(0);
      return;
    }
    if (change === 'snapshot') {
      // The session read the folder again: the full state follows (at once for a folder not yet posted).
      this.scheduleState(output?.uri.toString() === this.postedOutput ? STATE_DEBOUNCE_MS : 0);
    }
    // Live status while a run progresses: small deltas between full states.
    if (!this.ready || !output) return;
    const message = buildRunProgress(session.steps(), session.isBusy(output));
    const key = JSON.stringify(message);
    if (key === this.lastProgress) return;
    this.lastProgress = key;
    void this.post(message);
    // A step that finished wrote files: the full state follows (debounced), even if no watcher event comes.
    this.scheduleState();
  }

  private scheduleState(delayMs = STATE_DEBOUNCE_MS): void {
    if (!this.panel) return;
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      void this.enqueuePost();
    }, delayMs);
  }

  /** Posts the state after any post in progress. Never rejects. */
  private enqueuePost(): Promise<void> {
    return this.posting
      .run(() => this.postState())
      .catch((err: unknown) => this.deps.log.warn(`Preview update failed: ${errorMessage(err)}`));
  }

  private async postState(): Promise<void> {
    if (!this.panel) return;
    const { session } = this.deps;
    const output = session.output();
    const readOnly = !vscode.workspace.isTrusted;
    if (!output) {
      this.postedOutput = undefined;
      await this.post({
        type: 'state',
        state: unreadablePreviewState(
          '',
          'Open the workspace folder that contains your PRD to see its architecture here.',
          readOnly,
        ),
      });
      return;
    }
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const outputLabel = multiRoot ? `${output.folder.name}/${output.relative}` : output.relative;
    this.panel.title = `Archflow Preview — ${output.relative}`;
    const snapshot = session.snapshot();
    const problem = session.problem();
    let message: HostToWebview;
    if (problem !== undefined) {
      message = { type: 'state', state: unreadablePreviewState(outputLabel, problem, readOnly) };
    } else if (snapshot) {
      const { bundle, view, report } = snapshot;
      message = buildStateMessage({
        bundle,
        view,
        evaluate: () => report,
        outputLabel,
        liveSteps: session.steps(),
        running: session.isBusy(output),
        readOnly,
      });
    } else {
      // The session is reading the folder; the snapshot it reads brings the state.
      return;
    }
    this.postedOutput = output.uri.toString();
    this.lastDiagramFiles = message.type === 'state' ? message.state.diagrams.map((d) => d.file) : [];
    await this.post(message);
    if (this.pendingReveal !== undefined && this.ready) {
      const file = this.pendingReveal;
      this.pendingReveal = undefined;
      await this.post({ type: 'reveal', file });
    }
  }

  /** Posts only to a page that said `ready` (earlier messages would be lost; `ready` re-sends). */
  private async post(message: HostToWebview): Promise<void> {
    if (!this.panel || !this.ready) return;
    await this.panel.webview.postMessage(message);
  }
}

/** A short description of a refused message for the log (never its whole content). */
function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' ? `type "${type.slice(0, 40)}"` : 'no type';
}
