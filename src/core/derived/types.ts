/** A derived file writer: files computed from the design on disk, rebuilt at the end of every run. */
import type { Bundle } from '../bundle';
import type { WorkflowView } from '../events';

/** What a derived writer reads: the design as the run left it. */
export interface DerivedInput {
  bundle: Bundle;
  view: WorkflowView;
  /** The PRD's file name, as ARCHITECTURE.md names it. */
  prdName: string;
  /** File names in a folder of the output (for files a writer produced before and may no longer). */
  list(relDir: string): Promise<string[]>;
}

/** The files one writer produces, and those it produced before and no longer does. */
export interface DerivedOutput {
  files: Map<string, string>;
  /** Removed when they still hold Archflow's version (a user's edit is kept). */
  obsolete?: string[];
}

/**
 * One kind of derived file (the C4 views, the ADR index, ARCHITECTURE.md, …). Writers run in list
 * order, each on the bundle as the ones before it left it, so a later one may read an earlier
 * one's files (ARCHITECTURE.md's exit criteria read the ADR index).
 */
export interface DerivedWriter {
  /** What it writes, for the log ("C4 views"). */
  readonly name: string;
  produce(input: DerivedInput): Promise<DerivedOutput> | DerivedOutput;
}
