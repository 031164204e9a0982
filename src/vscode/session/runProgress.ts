/**
 * How far one run is: the steps it planned, how many finished, which are running now. The one
 * record of "which steps are running" that the tree, the preview, the live output and the progress
 * notification all read. Pure (no `vscode`), so its rules are unit tests.
 */
import type { EngineEvent } from '../../core/events';
import type { StepId } from '../../core/steps';

export class RunProgress {
  private readonly runningSteps = new Set<StepId>();
  private readonly partsOf = new Map<StepId, string>();
  private plannedSteps = 0;
  private finishedSteps = 0;

  /** The steps running now, in the order they started. */
  get running(): ReadonlySet<StepId> {
    return this.runningSteps;
  }

  /** How far the parts of the running steps written in parts are ("5/14 ADRs"). */
  get parts(): ReadonlyMap<StepId, string> {
    return this.partsOf;
  }

  /** How many steps the run will run (0 until the engine has planned). */
  get planned(): number {
    return this.plannedSteps;
  }

  /** How many of them are done or failed (steps stopped by a cancel do not count). */
  get finished(): number {
    return this.finishedSteps;
  }

  /** Applies an engine event; `cancelled` says the run was cancelled (its failures are just stops). */
  apply(event: EngineEvent, cancelled: boolean): void {
    switch (event.type) {
      case 'run-started':
        this.plannedSteps = event.steps.length;
        break;
      case 'step-started':
        this.runningSteps.add(event.step);
        this.partsOf.delete(event.step);
        break;
      case 'step-progress':
        if (this.runningSteps.has(event.step)) this.partsOf.set(event.step, event.text);
        break;
      case 'step-done':
      case 'step-failed':
        this.runningSteps.delete(event.step);
        this.partsOf.delete(event.step);
        if (!(cancelled && event.type === 'step-failed')) this.finishedSteps++;
        break;
      case 'step-text':
      case 'step-retry':
      case 'step-repair':
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        break;
    }
  }

  /** The run ended: nothing of it runs any more. */
  end(): void {
    this.runningSteps.clear();
    this.partsOf.clear();
  }
}
