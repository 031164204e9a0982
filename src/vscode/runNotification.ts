/**
 * The progress notification of a run: its message and bar are a projection of the run's progress
 * in the host session (what is planned, finished and running) and of the events that explain a
 * wait (a retry, a repair round).
 */
import type * as vscode from 'vscode';
import { stepTitle } from '../core/steps';
import type { SessionRun } from './session/run';
import type { HostSession, RunEventNote } from './session/session';

/** The first sentence of an error message, for the narrow progress notification. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  const sentence = end > 0 ? text.slice(0, end) : text;
  return sentence.length > 100 ? `${sentence.slice(0, 99)}…` : sentence;
}

/** What the notification says while steps run: "Step 4 — … · Step 5 — … (3/8 done)". */
function runningText(run: SessionRun): string {
  const { planned, finished, running, parts } = run.progress;
  const count = planned > 0 ? ` (${finished}/${planned} done)` : '';
  if (running.size === 0) return `Finishing…${count}`;
  return `${[...running].map((s) => (parts.has(s) ? `${stepTitle(s)}: ${parts.get(s)}` : stepTitle(s))).join(' · ')}${count}`;
}

export class RunNotification implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    session: HostSession,
    private readonly run: SessionRun,
    private readonly progress: vscode.Progress<{ message?: string; increment?: number }>,
  ) {
    this.subscription = session.onDidRunEvent((note) => {
      if (note.run === run) this.apply(note);
    });
  }

  private apply({ event, cancelled }: RunEventNote): void {
    const { planned } = this.run.progress;
    switch (event.type) {
      case 'run-started':
        this.report(`${planned} step${planned === 1 ? '' : 's'} to run`);
        break;
      case 'step-started':
      case 'step-progress':
        this.report(runningText(this.run));
        break;
      case 'step-failed':
        // A cancelled step is reported as failed by the engine; to the user it is just stopped.
        if (cancelled) break;
        this.report(runningText(this.run), planned > 0 ? 100 / planned : undefined);
        break;
      case 'step-done':
        this.report(runningText(this.run), planned > 0 ? 100 / planned : undefined);
        break;
      case 'step-retry':
        this.report(
          `${stepTitle(event.step)}: retrying in ${Math.ceil(event.delayMs / 1000)}s (${firstSentence(event.reason)})`,
        );
        break;
      case 'step-repair':
        this.report(`${stepTitle(event.step)}: asking the agent to fix its output`);
        break;
      case 'step-text':
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        break;
    }
  }

  private report(message: string, increment?: number): void {
    this.progress.report(increment === undefined ? { message } : { message, increment });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
