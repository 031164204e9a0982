/**
 * What the running engine said about the shown output folder since it was last read from disk:
 * what finished or failed in this session, over the step view read from disk, with the running
 * steps of the folder's run on top. Pure (no `vscode`), so its rules are unit tests.
 */
import type { EngineEvent, StepView, WorkflowView } from '../../core/events';
import { STEPS, type StepId } from '../../core/steps';

/** A finished or failed step as its event reported it, until the disk agrees. */
type Reported = Pick<StepView, 'status' | 'reason' | 'usage'> & { files?: string[] };

export class LiveOverlay {
  private readonly reported = new Map<StepId, Reported>();

  /** How many steps show what an event said rather than what the disk says. */
  get size(): number {
    return this.reported.size;
  }

  /**
   * Applies an engine event of a run in the shown folder. `cancelled` says the run was cancelled:
   * the engine reports the steps it stopped as failed, but to the user they are just stopped.
   */
  apply(event: EngineEvent, cancelled: boolean): void {
    if (event.type === 'step-started') this.reported.delete(event.step);
    else if (event.type === 'step-done') {
      this.reported.set(event.step, { status: 'done', usage: event.usage, files: event.files, reason: undefined });
    } else if (event.type === 'step-failed' && !cancelled) {
      this.reported.set(event.step, { status: 'failed', reason: event.message });
    }
  }

  /** Forgets what events said (another folder is shown, or the run was reset). */
  clear(): void {
    this.reported.clear();
  }

  /**
   * A fresh read from disk: once the disk agrees with what an event reported, the disk is the
   * truth. Until then a finished or failed step keeps what its event said (the state file may be
   * written after the event, and failures are not recorded in it).
   */
  settle(view: WorkflowView): void {
    for (const [id, reported] of this.reported) {
      if (view.steps.find((s) => s.id === id)?.status === reported.status) this.reported.delete(id);
    }
  }

  /** Every step of the table: the disk's view, what events reported, and the running steps on top. */
  steps(
    view: WorkflowView | undefined,
    running: ReadonlySet<StepId>,
    parts: ReadonlyMap<StepId, string> = new Map(),
  ): StepView[] {
    const disk = new Map((view?.steps ?? []).map((s) => [s.id, s]));
    return STEPS.map((def) => {
      const base: StepView = disk.get(def.id) ?? { id: def.id, status: 'not-started', files: [] };
      if (running.has(def.id)) return { ...base, status: 'running', reason: undefined, progress: parts.get(def.id) };
      const reported = this.reported.get(def.id);
      return reported ? { ...base, ...reported, id: def.id, files: reported.files ?? base.files } : base;
    });
  }
}
