/**
 * The revision API of issue 8 as the extension uses it (BRIEF "Shared interfaces"): notes for a
 * run, what a run revised and addressed, and the engine's resolve loop. Declared here in the same
 * shape, so the host builds while the core's side lands; every field is read defensively.
 */
import type { RunOptions, RunSummary, WorkflowEngine } from '../core/engine';
import type { EngineEvent } from '../core/events';
import type { StepId } from '../core/steps';

export interface HostRevisionNote {
  id?: string;
  text: string;
  file?: string;
  line?: number;
  quote?: string;
  author?: string;
}

export type StepNotes = Partial<Record<StepId, HostRevisionNote[]>>;

/** RunOptions with the notes addressed to steps (a step with notes is revised even if up to date). */
export type RunWithNotes = RunOptions & { notes?: StepNotes };

/** RunSummary with what the accepted revisions changed and answered. */
export type RevisionSummary = RunSummary & { revised?: StepId[]; addressed?: string[] };

export interface ResolveResult {
  verdict: 'pass' | 'fail';
  rounds: { round: number; revised: StepId[]; findingsBefore: string[]; findingsAfter: string[] }[];
  resolved: string[];
  open: string[];
  usage: { inputTokens: number; outputTokens: number };
}

export type ResolveOptions = { rounds: number; signal: AbortSignal; onEvent?: (e: EngineEvent) => void };

/** The engine's resolve loop; undefined when this build's engine has none. */
export function resolveOf(engine: WorkflowEngine): ((opts: ResolveOptions) => Promise<ResolveResult>) | undefined {
  const resolve = (engine as unknown as { resolve?: unknown }).resolve;
  return typeof resolve === 'function'
    ? (opts) => (resolve as (o: ResolveOptions) => Promise<ResolveResult>).call(engine, opts)
    : undefined;
}

/** The ids a run's accepted revisions answered (none when the engine does not say). */
export function addressedOf(summary: RunSummary): string[] {
  const addressed = (summary as RevisionSummary).addressed;
  return Array.isArray(addressed) ? addressed.filter((a): a is string => typeof a === 'string') : [];
}
