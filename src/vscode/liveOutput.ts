/**
 * Live model output in one reused place: a single read-only Markdown document (scheme
 * `archflow-stream`) that shows one step's answer as it streams, with its structured JSON blocks
 * summarised in a line each (liveStreams.ts). It opens only when the user asks (the tree's Open
 * Output on a running step, "Show Live Output"), in the active editor group without taking focus,
 * and moves on to the next running step when the one it shows ends: no editor is taken over and no
 * group is split while a run streams. A projection of the host session's run events.
 */
import * as vscode from 'vscode';
import type { StepId } from '../core/steps';
import { LiveStreams } from './liveStreams';
import type { HostSession, RunEventNote } from './session/session';

export const STREAM_SCHEME = 'archflow-stream';

/** Streams append many small deltas; coalescing them keeps the editor from re-reading for every token. */
const RENDER_DELAY_MS = 100;

export class LiveOutput implements vscode.Disposable, vscode.TextDocumentContentProvider {
  /** The one document; its tab reads "Archflow Live Output.md". */
  readonly uri = vscode.Uri.from({ scheme: STREAM_SCHEME, path: '/Archflow Live Output.md' });
  private readonly streams = new LiveStreams();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[];
  private renderTimer?: NodeJS.Timeout;
  /** The line count before the latest change, to tell whether an editor was following the end. */
  private lineCount = 0;

  constructor(session: HostSession) {
    this.disposables = [
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(STREAM_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.followEnd(e.document)),
      session.onDidRunEvent((note) => this.apply(note)),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return uri.toString() === this.uri.toString() ? this.streams.text() : '';
  }

  /** Whether the step streamed in this window. */
  has(step: StepId): boolean {
    return this.streams.has(step);
  }

  /**
   * Shows the live output (following `step` when given): where it is already open, else in the
   * active editor group, as a preview tab, without taking focus.
   */
  async show(step?: StepId): Promise<void> {
    if (step !== undefined && this.streams.following !== step) {
      this.streams.follow(step);
      this.render(0);
    }
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    await vscode.window.showTextDocument(doc, {
      viewColumn: open?.viewColumn ?? vscode.ViewColumn.Active,
      preserveFocus: true,
      preview: true,
    });
  }

  private apply({ run, event, cancelled }: RunEventNote): void {
    if (this.streams.apply(event, cancelled, [...run.progress.running])) this.render();
  }

  /** Tells VS Code the document changed, at most every RENDER_DELAY_MS. */
  private render(delayMs = RENDER_DELAY_MS): void {
    if (this.renderTimer && delayMs > 0) return;
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.changed.fire(this.uri);
    }, delayMs);
  }

  /** Keeps an editor scrolled to the end while it was at the end, like a terminal. */
  private followEnd(doc: vscode.TextDocument): void {
    if (doc.uri.toString() !== this.uri.toString()) return;
    const before = this.lineCount;
    this.lineCount = doc.lineCount;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== doc) continue;
      const lastVisible = editor.visibleRanges.at(-1)?.end.line ?? 0;
      if (lastVisible >= before - 2) {
        const end = new vscode.Position(doc.lineCount - 1, 0);
        editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.Default);
      }
    }
  }

  dispose(): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    this.disposables.forEach((d) => d.dispose());
  }
}
