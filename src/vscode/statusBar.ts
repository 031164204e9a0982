/** The status bar item: the run's state and the unmet exit criteria; a click opens the Workflow view. A projection of the host session. */
import * as vscode from 'vscode';
import type { HostSession } from './session/session';
import { type StatusText, statusText } from './statusSummary';

/** VS Code's command that shows and focuses a contributed view: `<view id>.focus`. */
export const OPEN_WORKFLOW_VIEW = 'archflow.progress.focus';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('archflow.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[];
  private shown: StatusText = { kind: 'hidden', text: '', tooltip: '' };

  constructor(private readonly session: HostSession) {
    this.item.name = 'Archflow';
    this.item.command = { command: OPEN_WORKFLOW_VIEW, title: 'Open the Workflow view' };
    this.disposables = [
      this.item,
      session.onDidChange(() => this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    ];
    this.update();
  }

  /** What the item shows now (the host checks read it). */
  current(): StatusText {
    return this.shown;
  }

  private update(): void {
    const { session } = this;
    const output = session.output();
    const run = output && session.runIn(output);
    const snapshot = session.snapshot();
    this.shown = statusText({
      output: output?.relative,
      trusted: vscode.workspace.isTrusted,
      steps: session.steps(),
      running: run ? [...run.progress.running] : [],
      planned: run?.progress.planned ?? 0,
      finished: run?.progress.finished ?? 0,
      report: snapshot?.report,
      problem: session.problem(),
      hasRun: session.hasRun(),
    });
    if (this.shown.kind === 'hidden') {
      this.item.hide();
      return;
    }
    this.item.text = this.shown.text;
    this.item.tooltip = this.shown.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
