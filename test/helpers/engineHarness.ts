/** The engine on a temporary folder with the scripted model: what the engine behaviour tests drive. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { EngineOptions, RunSummary, WorkflowEngine } from '../../src/core/engine';
import type { Conflict, ConflictChoice, EngineEvent, WorkflowView } from '../../src/core/events';
import { createWorkflow } from '../../src/core/factory';
import type { RetryPolicy } from '../../src/core/llm/resilient';
import type { Logger } from '../../src/core/log';
import { type ArchflowState, loadState } from '../../src/core/state';
import type { StepId } from '../../src/core/steps';
import { ArtifactStore } from '../../src/core/store';
import { promptsDir } from './paths';
import { ScriptedLlm } from './scriptedLlm';

/** A small PRD with features, two integrations and performance targets, so every step has something to say. */
export const HARNESS_PRD = `# Larder — Product Requirements

Larder lets neighbours share surplus food: a household lists what it can give away, others
reserve it and pick it up the same day.

## Goals

- Less food thrown away in a district; at least 500 listings a week after three months.

## Features

### Listings

A giver lists an item with a photo, a best-before date and a pickup window.

### Reservations

A taker reserves an item; the giver confirms; both get a reminder before the pickup.

### Notifications

Push notifications through Firebase Cloud Messaging; e-mail through Postmark as a fallback.

## Quality

- Search results appear in under 400 ms (p95) for 2,000 concurrent users.
- Availability 99.5% per month.
- Personal data stays in the EU (GDPR).
`;

/** Retries in milliseconds, so fault tests take no time; the watchdog fires after 150 ms of silence. */
export const FAST_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 8, idleTimeoutMs: 150 };

export interface HarnessOptions {
  concurrency?: number;
  /** Calls of a step in parts at once; default 0: the scripted answers are scripted per whole step. */
  partConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** The answer to every conflict question (default overwrite); each question is recorded. */
  conflict?: ConflictChoice;
  /** Ask before a revision replaces any step document (EngineOptions.reviewRevisions). */
  reviewRevisions?: boolean;
  /** Asked before a run voids an approval (EngineOptions.confirmApprovalVoid). */
  confirmApprovalVoid?: EngineOptions['confirmApprovalVoid'];
}

export interface Harness {
  llm: ScriptedLlm;
  outputDir: string;
  prdPath: string;
  store: ArtifactStore;
  /** Events of every run so far, in order. */
  events: EngineEvent[];
  /** Conflict questions asked so far. */
  conflicts: Conflict[];
  /** Warnings and errors the engine logged. */
  logged: string[];
  /** Changes how the next conflicts are answered. */
  answerConflicts(choice: ConflictChoice): void;
  engine(): WorkflowEngine;
  run(
    steps?: StepId[] | 'all',
    options?: { withPrerequisites?: boolean; signal?: AbortSignal; fresh?: boolean },
  ): Promise<RunSummary>;
  view(): Promise<WorkflowView>;
  state(): Promise<ArchflowState>;
  read(rel: string): Promise<string | undefined>;
}

/** A fresh folder with the PRD, removed after the test. */
export async function harness(t: TestContext, options: HarnessOptions = {}): Promise<Harness> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-engine-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const prdPath = path.join(root, 'PRD.md');
  await fs.writeFile(prdPath, HARNESS_PRD);
  const outputDir = path.join(root, 'docs', 'architecture');
  const llm = new ScriptedLlm();
  const events: EngineEvent[] = [];
  const conflicts: Harness['conflicts'] = [];
  const logged: string[] = [];
  let choice: ConflictChoice = options.conflict ?? 'overwrite';
  const log: Logger = {
    info: () => undefined,
    warn: (m) => logged.push(`warn: ${m}`),
    error: (m) => logged.push(`error: ${m}`),
  };
  const engine = (): WorkflowEngine =>
    createWorkflow({
      outputDir,
      prdPath,
      connection: { provider: 'client', client: llm },
      prompts: { builtinDir: promptsDir },
      // One call a step unless a test asks for parts (they have their own tests: sectionParts.test.ts).
      settings: {
        model: 'claude-scripted',
        maxTokens: 16000,
        concurrency: options.concurrency ?? 2,
        partConcurrency: options.partConcurrency ?? 0,
      },
      retry: { ...FAST_RETRY, ...options.retry },
      confirmApprovalVoid: options.confirmApprovalVoid,
      resolveConflict: (conflict) => {
        conflicts.push(conflict);
        return Promise.resolve(choice);
      },
      reviewRevisions: options.reviewRevisions,
      log,
    });
  const store = new ArtifactStore(outputDir);
  return {
    llm,
    outputDir,
    prdPath,
    store,
    events,
    conflicts,
    logged,
    answerConflicts: (c) => {
      choice = c;
    },
    engine,
    run: (steps = 'all', o = {}) =>
      engine().run({
        steps,
        withPrerequisites: o.withPrerequisites,
        fresh: o.fresh,
        signal: o.signal ?? new AbortController().signal,
        onEvent: (e) => events.push(e),
      }),
    view: () => engine().view(),
    state: () => loadState(store),
    read: (rel) => store.read(rel),
  };
}
