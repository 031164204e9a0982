/** One read of the output folder for a tool call: the same snapshot the tree, the preview and `check` use. */
import type { Bundle } from '../bundle';
import type { WorkflowView } from '../events';
import type { ExitReport } from '../exitCriteria';
import { readSnapshot } from '../snapshot';
import type { ToolContext } from './types';

export interface FolderRead {
  view: WorkflowView;
  bundle: Bundle;
  report: ExitReport;
}

/** Reads the context's output folder whole (documents too when it has no archflow.json yet). */
export async function readFolder(ctx: Pick<ToolContext, 'outputDir' | 'running'>): Promise<FolderRead> {
  const { view, bundle, report } = await readSnapshot(ctx.outputDir, { running: ctx.running, always: true });
  // `always` reads the bundle and the report for every folder.
  return { view, bundle: bundle!, report: report! };
}

/** Whether the folder holds nothing of a design: no run recorded and no step document. */
export function isEmptyFolder({ view, bundle }: FolderRead): boolean {
  return view.empty && Object.keys(bundle.documents).length === 0;
}

/** What to say for a folder without a design. */
export function emptyFolderText(outputDir: string): string {
  return `There is no Archflow design in ${outputDir} yet. Run the workflow on a PRD first (tool archflow_run_workflow).`;
}
