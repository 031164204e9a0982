/** archflow.json: the run state, and the step status derived from it and the files on disk. */
import * as path from 'node:path';
import type { StepStatus, StepView, WorkflowView } from './events';
import { hashText } from './hash';
import type { UsageTotals } from './llm/types';
import { LAYOUT, STEPS, type StepId, stepById, stepTitle } from './steps';
import { redactValue } from './redact';
import { ArtifactStore, type FolderReader } from './store';

/** 2: an approval carries `voided` (who or what voided it, and when), so archflow.json keeps the history. */
export const STATE_VERSION = 2;

/** What Archflow recorded about one step's last run. */
export interface StepRecord {
  status: 'done' | 'failed';
  /** Hash of each input (PRD and upstream documents) as the step saw them. */
  inputs: Record<string, string>;
  /** Files the step wrote, relative to the output folder. */
  files: string[];
  model?: string;
  usage?: UsageTotals;
  attempts?: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  error?: string;
  /** A later re-run failed; the documents of this (done) run are kept and still count downstream. */
  lastError?: string;
  lastErrorAt?: string;
  /** What the failed re-run used (billed, though its answer was not kept) and its calls. */
  lastErrorUsage?: UsageTotals;
  lastErrorAttempts?: number;
}

/** Hashes of the contents Archflow wrote to a file (recent first): any other content is a user edit. */
export interface FileRecord {
  hashes: string[];
}

export interface Approval {
  name: string;
  role: string;
  comment?: string;
  date: string;
  /** Hash of ARCHITECTURE.md that was approved. */
  documentHash: string;
  /** Set when a change of ARCHITECTURE.md voided it (the entry stays: archflow.json keeps the history). */
  voided?: ApprovalVoiding;
}

/** What voided an approval: a run ("the run of …") or "ARCHITECTURE.md edited by hand", and when. */
export interface ApprovalVoiding {
  by: string;
  /** ISO date and time it was recorded. */
  date: string;
}

export interface ArchflowState {
  version: number;
  tool: string;
  /** The PRD, relative to the output folder, with its hash at the last run. */
  prd?: { path: string; hash: string };
  steps: { [K in StepId]?: StepRecord };
  files: Record<string, FileRecord>;
  /** Every ADR number ever assigned, by decision key: numbers are never reused. */
  adrs: { key: string; number: number; title: string; file: string; date?: string }[];
  security?: { verdict: 'pass' | 'fail'; open: Record<string, number> };
  /** Every approval ever recorded, oldest first; a voided one keeps its entry with `voided`. */
  approvals: Approval[];
  updatedAt?: string;
}

/** A fresh, empty state. */
export function emptyState(): ArchflowState {
  return { version: STATE_VERSION, tool: 'archflow', steps: {}, files: {}, adrs: [], approvals: [] };
}

/** Why archflow.json cannot be used: not JSON, not Archflow's, or written by a newer Archflow. */
export type StateErrorKind = 'invalid-json' | 'not-archflow' | 'too-new';

/** archflow.json could not be read. The message says why; a host adds how to recover (`kind`). */
export class StateError extends Error {
  constructor(
    readonly kind: StateErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'StateError';
  }
}

/** Parses archflow.json text; throws StateError on a broken file. */
export function parseState(text: string): ArchflowState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StateError('invalid-json', `${LAYOUT.state} is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as { tool?: unknown }).tool !== 'archflow') {
    throw new StateError(
      'not-archflow',
      `${LAYOUT.state} was not written by Archflow. Move it away or choose another output folder.`,
    );
  }
  const s = { ...emptyState(), ...(raw as Partial<ArchflowState>) };
  if (typeof s.version !== 'number' || s.version > STATE_VERSION) {
    throw new StateError(
      'too-new',
      `${LAYOUT.state} has version ${String(s.version)}, newer than this Archflow understands. Update Archflow.`,
    );
  }
  return migrateState(s);
}

/**
 * Brings an older archflow.json to the current shape. Version 1 kept approvals without `voided`: they
 * stay as they are (whether one still counts is derived from the document's hash), and entries that are
 * not approvals (a hand edit) are dropped instead of failing later.
 */
function migrateState(s: ArchflowState): ArchflowState {
  if (s.version >= STATE_VERSION) return s;
  const approvals = Array.isArray(s.approvals) ? s.approvals : [];
  return { ...s, version: STATE_VERSION, approvals: approvals.filter((a) => typeof a === 'object' && a !== null) };
}

/** Reads archflow.json from the store; an empty state when there is none. */
export async function loadState(store: FolderReader): Promise<ArchflowState> {
  const text = await store.read(LAYOUT.state);
  return text === undefined ? emptyState() : parseState(text);
}

/** Serialises the state (stable key order for readable diffs), with no secret in any of its texts. */
export function serializeState(state: ArchflowState): string {
  return JSON.stringify(redactValue(state), null, 2) + '\n';
}

/** The names and hashes of a step's inputs as they are now: the PRD (when it reads it) and upstream documents. */
export async function currentInputs(store: FolderReader, id: StepId, prdHash: string): Promise<Record<string, string>> {
  const step = stepById(id);
  const inputs: Record<string, string> = step.reads.prd ? { PRD: prdHash } : {};
  for (const n of step.needs) {
    const doc = stepById(n).document;
    const text = await store.read(doc);
    inputs[doc] = text === undefined ? 'missing' : hashText(text);
  }
  return inputs;
}

/** Names the inputs whose hash differs, for the "stale because" reason. */
export function changedInputs(recorded: Record<string, string>, now: Record<string, string>): string[] {
  return Object.keys(now).filter((k) => recorded[k] !== now[k]);
}

/**
 * Derives each step's status from the recorded state and the files as they are now: a done step
 * is stale when the PRD or an upstream document changed since it ran, or an upstream step is not
 * done and up to date.
 */
export async function deriveView(
  store: FolderReader,
  state: ArchflowState,
  prdText: string | undefined,
  running: ReadonlySet<StepId> = new Set(),
): Promise<WorkflowView> {
  const prdHash = prdText === undefined ? (state.prd?.hash ?? 'missing') : hashText(prdText);
  const statuses = new Map<StepId, StepStatus>();
  // Steps whose documents are current, even when a later re-run of theirs failed.
  const usable = new Set<StepId>();
  const views: StepView[] = [];
  for (const def of STEPS) {
    const rec = state.steps[def.id];
    const files: string[] = [];
    for (const f of rec?.files ?? []) if ((await store.read(f)) !== undefined) files.push(f);
    let status: StepStatus = 'not-started';
    let reason: string | undefined;
    if (running.has(def.id)) {
      status = 'running';
    } else if (rec?.status === 'failed') {
      status = 'failed';
      reason = rec.error;
    } else if (rec?.status === 'done') {
      status = 'done';
      const doc = await store.read(def.document);
      const changed = changedInputs(rec.inputs, await currentInputs(store, def.id, prdHash));
      const upstreamNotDone = def.needs.filter((n) => !usable.has(n));
      if (doc === undefined) {
        status = 'not-started';
        reason = `${def.document} was deleted.`;
      } else if (changed.length > 0) {
        status = 'stale';
        reason = `${changed.map((c) => (c === 'PRD' ? 'the PRD' : c)).join(', ')} changed since this step ran.`;
      } else if (upstreamNotDone.length > 0) {
        status = 'stale';
        reason = `${upstreamNotDone.map((n) => stepTitle(n)).join(', ')} must run again first.`;
      }
    }
    if (status === 'done') usable.add(def.id);
    const keptAfterFailure = status === 'done' && Boolean(rec?.lastError);
    if (keptAfterFailure) {
      status = 'failed';
      reason = `${rec?.lastError} The documents of the previous run are kept.`;
    }
    statuses.set(def.id, status);
    views.push({
      id: def.id,
      status,
      reason,
      ...(keptAfterFailure ? { keptAfterFailure } : {}),
      files,
      model: rec?.model,
      usage: rec?.usage,
      durationMs: rec?.durationMs,
      finishedAt: rec?.finishedAt,
    });
  }
  const prdPath = state.prd ? path.resolve(store.root, state.prd.path) : undefined;
  return { outputDir: store.root, prdPath, steps: views, empty: Object.keys(state.steps).length === 0 };
}

/** Forgets the step records of archflow.json; documents, file hashes, ADR numbers and approvals stay. */
export async function resetRun(outputDir: string): Promise<void> {
  const store = new ArtifactStore(outputDir);
  const state = await loadState(store);
  state.steps = {};
  delete state.security;
  await store.write(LAYOUT.state, serializeState(state));
}
