/** What the workflow engine reports while it runs, and the status it derives from disk. */
import type { UsageTotals } from './llm/types';
import type { StepId } from './steps';

/** The status of a step shown to users. */
export type StepStatus = 'not-started' | 'running' | 'done' | 'stale' | 'failed';

/** One step's status with what the tree and the CLI show about it. */
export interface StepView {
  id: StepId;
  status: StepStatus;
  /** Why it is stale or failed, in a sentence. */
  reason?: string;
  /** A later re-run failed, but the documents of the last finished run are current and still count. */
  keptAfterFailure?: boolean;
  /** Output files relative to the output folder, that exist on disk. */
  files: string[];
  model?: string;
  usage?: UsageTotals;
  durationMs?: number;
  /** A running step written in parts: how far its parts are ("5/14 ADRs", "4/7 sections"). */
  progress?: string;
  finishedAt?: string;
}

/** The whole run as derived from archflow.json and the files on disk. */
export interface WorkflowView {
  outputDir: string;
  prdPath?: string;
  steps: StepView[];
  /** True when there is no archflow.json yet. */
  empty: boolean;
}

/** Events the engine emits during a run, in order per step. */
export type EngineEvent =
  | { type: 'run-started'; steps: StepId[] }
  | { type: 'step-started'; step: StepId; attempt: number }
  | { type: 'step-text'; step: StepId; text: string }
  | { type: 'step-retry'; step: StepId; attempt: number; delayMs: number; reason: string }
  | { type: 'step-repair'; step: StepId; errors: string[] }
  /** A step written in parts says how far its parts are ("listing the decisions", "5/14 ADRs", "writing the outline", "4/7 sections"). */
  | { type: 'step-progress'; step: StepId; text: string }
  | { type: 'step-done'; step: StepId; usage: UsageTotals; files: string[] }
  /** `message` is the cause in host-neutral words; a host words the remedy from `error` (an LlmError, a StepError, …). */
  | { type: 'step-failed'; step: StepId; message: string; error: Error }
  | { type: 'file-written'; file: string }
  /** `reason`: 'revision' when a revision was not accepted, 'edited' (or absent) when a hand edit was kept. */
  | {
      type: 'file-kept';
      file: string;
      besideFile?: string;
      reason?: 'revision' | 'edited';
      step?: StepId;
      userEdited?: boolean;
    }
  | { type: 'run-finished'; done: StepId[]; failed: StepId[]; skipped: StepId[]; cancelled: boolean };

/**
 * What happens to a file Archflow would replace: overwrite = accept the proposal; keep = skip
 * this file only (the run goes on, nothing written for it); beside = keep the file on disk and
 * write the proposal beside it (`besideName`).
 */
export type ConflictChoice = 'overwrite' | 'keep' | 'beside';

/** A proposed replacement of a file: one the user edited, or (with `reviewRevisions`) any revised step document. */
export interface Conflict {
  /** Relative to the output folder, '/'-separated. */
  file: string;
  /** The text on disk now. */
  current: string;
  /** What Archflow would write. */
  proposed: string;
  /** The step whose answer this is. */
  step?: StepId;
  /** The file differs from what Archflow last wrote. */
  userEdited?: boolean;
  /** Revising an existing document / writing over a hand-edited file. */
  reason?: 'revision' | 'edited';
}

/** Decides what happens when Archflow would replace a file (see `Conflict`). */
export type ConflictResolver = (conflict: Conflict) => Promise<ConflictChoice>;
