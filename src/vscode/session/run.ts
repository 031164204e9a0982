/** A run in progress (or being prepared) in one output folder: the runner drives it, the session records it. */
import type { EngineEvent } from '../../core/events';
import type { OutputFolder } from '../config';
import { RunProgress } from './runProgress';

/** What the session does when a run it handed out moves on. */
export interface RunHooks {
  started(run: SessionRun): void;
  applied(run: SessionRun, event: EngineEvent, cancelled: boolean): void;
  ended(run: SessionRun): void;
}

export class SessionRun {
  /** How far the run is; the projections read it, the session updates it. */
  readonly progress = new RunProgress();
  private controller?: AbortController;

  constructor(
    readonly output: OutputFolder,
    private readonly hooks: RunHooks,
  ) {}

  /** The run itself has started (before that the entry only reserves the folder). */
  get started(): boolean {
    return this.controller !== undefined;
  }

  /** The user cancelled it (its steps' failures are just stops). */
  get cancelled(): boolean {
    return this.controller?.signal.aborted ?? false;
  }

  /** The run starts: its folder is shown, and Cancel aborts `controller`. */
  start(controller: AbortController): void {
    this.controller = controller;
    this.hooks.started(this);
  }

  /** An engine event of this run. */
  apply(event: EngineEvent): void {
    const cancelled = this.cancelled;
    this.progress.apply(event, cancelled);
    this.hooks.applied(this, event, cancelled);
  }

  /** Aborts the run; false when it has not started or was cancelled already. */
  cancel(): boolean {
    if (!this.controller || this.controller.signal.aborted) return false;
    this.controller.abort();
    return true;
  }

  /** The run is over (or never started): its folder is free for the next one. */
  end(): void {
    this.progress.end();
    this.hooks.ended(this);
  }
}
