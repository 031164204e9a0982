/**
 * Live model output: one read-only Markdown document per step (scheme `archflow-stream`) that
 * grows as text streams in. Chosen over an output channel because steps 4∥5 and 6∥7 stream at
 * the same time and would interleave token by token in one channel; a per-step document stays
 * readable, gets Markdown highlighting and preview, and the tree can open it for a running step.
 * A projection of the host session's run events; which steps run is the session's to know.
 */
import * as vscode from 'vscode';
import { type StepId, stepTitle } from '../core/steps';
import { type ExtensionLog, errorMessage } from './log';
import { formatDuration } from './progressTree';
import { MemoryDocuments } from './memoryDocuments';
import type { HostSession, RunEventNote } from './session/session';
import type { SessionRun } from './session/run';

export const STREAM_SCHEME = 'archflow-stream';

export class LiveOutput implements vscode.Disposable {
  private readonly docs = new MemoryDocuments(STREAM_SCHEME, 100);
  private readonly disposables: vscode.Disposable[];
  /** Line counts before the latest change, to tell whether an editor was following the end. */
  private readonly lineCounts = new Map<string, number>();
  /** Runs whose first step was shown already. */
  private readonly shownRuns = new WeakSet<SessionRun>();

  constructor(
    session: HostSession,
    private readonly log: ExtensionLog,
  ) {
    this.disposables = [
      this.docs,
      vscode.workspace.registerTextDocumentContentProvider(STREAM_SCHEME, this.docs),
      vscode.workspace.onDidChangeTextDocument((e) => this.followEnd(e.document)),
      session.onDidRunEvent((note) => this.apply(note)),
    ];
  }

  uriOf(step: StepId): vscode.Uri {
    return this.docs.uri(`${stepTitle(step)}.md`);
  }

  /** Whether the step has live output this session. */
  has(step: StepId): boolean {
    return this.docs.has(this.uriOf(step));
  }

  /** Applies an event of a run; a cancelled run's failures are just stops. */
  private apply({ run, event, cancelled }: RunEventNote): void {
    switch (event.type) {
      case 'step-started': {
        const uri = this.uriOf(event.step);
        // Later attempts are announced by step-retry and stream into the same document.
        if (event.attempt <= 1) this.docs.set(uri, `<!-- ${stepTitle(event.step)}: live model output -->\n\n`);
        this.showFor(run, event.step);
        break;
      }
      case 'step-text':
        this.docs.append(this.uriOf(event.step), event.text);
        break;
      case 'step-retry':
        // The next attempt streams a whole new answer into the same document.
        this.docs.append(
          this.uriOf(event.step),
          `\n\n> ${event.reason.replace(/\n/g, ' ')}\n> Retrying in ${formatDuration(event.delayMs)}.\n\n---\n\n*Attempt ${event.attempt}:*\n\n`,
        );
        break;
      case 'step-repair':
        this.docs.append(
          this.uriOf(event.step),
          `\n\n---\n\n*Repair round: the output had these problems:*\n\n${event.errors.map((e) => `> - ${e.replace(/\n/g, ' ')}`).join('\n')}\n\n`,
        );
        break;
      case 'step-failed':
        this.docs.append(
          this.uriOf(event.step),
          cancelled ? '\n\n---\n\n*Cancelled.*\n' : `\n\n---\n\n*Failed: ${event.message.replace(/\n/g, ' ')}*\n`,
        );
        break;
      case 'run-started':
      case 'step-done':
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        break;
    }
  }

  /** Opens the live document of a step. */
  async show(step: StepId, options: vscode.TextDocumentShowOptions = {}): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.uriOf(step));
    await vscode.window.showTextDocument(doc, { preview: true, ...options });
  }

  /**
   * The first step of a run opens beside the editor without taking focus; later steps replace it
   * in the same place once the shown step has finished. A user who closed it is left alone.
   */
  private showFor(run: SessionRun, step: StepId): void {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === STREAM_SCHEME);
    let options: vscode.TextDocumentShowOptions | undefined;
    if (!this.shownRuns.has(run)) {
      // Beside an open editor; with no editor open, Beside would leave an empty group on the left.
      const nothingOpen = vscode.window.tabGroups.all.every((g) => g.tabs.length === 0);
      const column = nothingOpen ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
      options = { viewColumn: visible?.viewColumn ?? column, preserveFocus: true };
    } else if (visible) {
      const shown = [...run.progress.running].find((s) => this.uriOf(s).toString() === visible.document.uri.toString());
      if (shown === undefined) options = { viewColumn: visible.viewColumn, preserveFocus: true };
    }
    if (!options) return;
    this.shownRuns.add(run);
    this.show(step, options).then(undefined, (err: unknown) => {
      this.log.warn(`Could not show the live output of step ${step}: ${errorMessage(err)}`);
    });
  }

  /** Keeps an editor scrolled to the end while it was at the end, like a terminal. */
  private followEnd(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== STREAM_SCHEME) return;
    const key = doc.uri.toString();
    const before = this.lineCounts.get(key) ?? 0;
    this.lineCounts.set(key, doc.lineCount);
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
    this.disposables.forEach((d) => d.dispose());
  }
}
