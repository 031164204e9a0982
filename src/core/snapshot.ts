/** One read of an output folder: the step view, the design on disk and its exit criteria, together. */
import * as path from 'node:path';
import { type Bundle, loadBundle } from './bundle';
import type { WorkflowView } from './events';
import { type DesignIssue, checkDesign } from './designChecks';
import { missingDerivedFiles, obsoleteDerivedFiles } from './derived';
import { type ExitOptions, type ExitReport, evaluateExitCriteria } from './exitCriteria';
import { readPrd } from './prd';
import { deriveView, loadState } from './state';
import type { StepId } from './steps';
import { ArtifactStore } from './store';

/** Reads the workflow view of an output folder without an engine (for the tree and `status`). */
export async function readWorkflowView(
  outputDir: string,
  running: ReadonlySet<StepId> = new Set(),
): Promise<WorkflowView> {
  const store = new ArtifactStore(outputDir);
  const state = await loadState(store);
  const prdPath = state.prd ? path.resolve(outputDir, state.prd.path) : undefined;
  const prd = prdPath ? await readPrd(prdPath).catch(() => undefined) : undefined;
  return deriveView(store, state, prd?.text, running);
}

/** What every projection of a folder (the tree, the preview, `status`, `check`) is computed from. */
export interface Snapshot {
  view: WorkflowView;
  /** The design as read from disk; undefined when the folder has no run yet (unless `always`). */
  bundle?: Bundle;
  /** The exit criteria of `bundle`, computed by code. */
  report?: ExitReport;
  /** The consistency report of `bundle` (references, ids, the assembled outline, the deployment view). */
  consistency?: DesignIssue[];
  /** Derived files that should exist and do not (the next run writes them again without a model call). */
  missingDerived?: string[];
  /** Derived files of Archflow's no longer drawn (an old `c4-deployment.mmd`): the next run removes them. */
  obsoleteDerived?: string[];
}

/**
 * Reads the folder once: archflow.json with the files on disk, then the bundle and the criteria.
 * `always` reads the bundle even when there is no archflow.json (documents may exist without it).
 */
export async function readSnapshot(
  outputDir: string,
  options: { running?: ReadonlySet<StepId>; always?: boolean } & ExitOptions = {},
): Promise<Snapshot> {
  const view = await readWorkflowView(outputDir, options.running);
  if (view.empty && !options.always) return { view };
  const store = new ArtifactStore(outputDir);
  const bundle = await loadBundle(store);
  const prdName = view.prdPath ? path.basename(view.prdPath) : 'PRD';
  return {
    view,
    bundle,
    report: evaluateExitCriteria(bundle, view, { requiredApprovals: options.requiredApprovals }),
    consistency: checkDesign(bundle),
    missingDerived: await missingDerivedFiles(store, bundle, view, prdName),
    obsoleteDerived: await obsoleteDerivedFiles(store, bundle, view, prdName),
  };
}
