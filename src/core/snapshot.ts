/** One read of an output folder: the step view, the design on disk and its exit criteria, together. */
import { type Bundle, loadBundle } from './bundle';
import { readWorkflowView } from './engine';
import type { StepId } from './steps';
import type { WorkflowView } from './events';
import { type ExitReport, evaluateExitCriteria } from './exitCriteria';
import { ArtifactStore } from './store';

/** What every projection of a folder (the tree, the preview, `status`, `check`) is computed from. */
export interface Snapshot {
  view: WorkflowView;
  /** The design as read from disk; undefined when the folder has no run yet (unless `always`). */
  bundle?: Bundle;
  /** The exit criteria of `bundle`, computed by code. */
  report?: ExitReport;
}

/**
 * Reads the folder once: archflow.json with the files on disk, then the bundle and the criteria.
 * `always` reads the bundle even when there is no archflow.json (documents may exist without it).
 */
export async function readSnapshot(
  outputDir: string,
  options: { running?: ReadonlySet<StepId>; always?: boolean } = {},
): Promise<Snapshot> {
  const view = await readWorkflowView(outputDir, options.running);
  if (view.empty && !options.always) return { view };
  const bundle = await loadBundle(new ArtifactStore(outputDir));
  return { view, bundle, report: evaluateExitCriteria(bundle, view) };
}
