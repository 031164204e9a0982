/**
 * The one message contract between the extension host and the preview webview. Both ends switch
 * exhaustively over these unions (`assertNever`); everything the webview sends is checked by
 * `isWebviewMessage` before the host acts on it, because a compromised or buggy page must not be
 * able to make the host open a file outside the output folder or run an arbitrary command.
 *
 * The types here are plain data (JSON-safe, no Node or DOM types) so the webview can import this
 * file under its own tsconfig. The host maps its core types onto them in `src/vscode/preview/state.ts`.
 */
import type { DiagramView } from './diagram/types';
import { MAX_RELATIVE_PATH, isSafeRelativePath } from './paths';

/** The status of a workflow step as the panel shows it. */
export type PreviewStepStatus = 'not-started' | 'running' | 'done' | 'stale' | 'failed';

/** Token counts of one step. */
export interface PreviewUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** The provider did not report usage: the counts mean nothing. */
  unknown?: boolean;
}

/** One of the eight steps. */
export interface PreviewStep {
  id: number;
  /** "Step 3 — Service Design". */
  title: string;
  agent: string;
  status: PreviewStepStatus;
  /** Why it is stale or failed, in a sentence. */
  reason?: string;
  /** Its document, relative to the output folder. */
  document: string;
  model?: string;
  usage?: PreviewUsage;
  durationMs?: number;
}

/** One C4 view: what it draws (the panel lays it out and draws it), with its portable Mermaid text. */
export interface PreviewDiagram {
  /** Stable key: "context", "container", "component:<containerId>" or "deployment:<environmentId>". */
  key: string;
  /** 4: a deployment view (one per environment). */
  level: 1 | 2 | 3 | 4;
  /** Level 3: the container the view details. */
  containerId?: string;
  /** Level 4: the environment the view shows, its id and its name. */
  environment?: string;
  environmentName?: string;
  title: string;
  /** The `.mmd` file the view is written to, relative to the output folder. */
  file: string;
  /** Mermaid C4 source (the `.mmd` file's text): labels sanitised, `%%{init}%%` directives stripped. */
  mermaid: string;
  /** The elements, boundaries and relationships the view draws (element identity comes from here). */
  view: DiagramView;
  /** Consistency problems found at this view's level. */
  issues: string[];
}

export type PreviewElementKind =
  'person' | 'system' | 'container' | 'component' | 'infrastructure' | 'environment' | 'node';

/** What the panel shows about a selected element. */
export interface PreviewElement {
  id: string;
  name: string;
  kind: PreviewElementKind;
  external: boolean;
  description: string;
  technology?: string;
  /** The system of a container, the container of a component, the node of a deployed element. */
  parent?: string;
  /** The assumption (`A-n`) a proposed technology rests on (the PRD named none). */
  assumption?: string;
  /** Requirement ids linked to the element (through ADRs, findings or its own description). */
  requirements: string[];
  /** ADRs that name the element. */
  adrs: { number: number; title: string; file: string }[];
  /** Security findings about the element. */
  findings: { id: string; severity: string; title: string; status: string }[];
}

/** A document the panel renders (Markdown, rendered on the webview side with raw HTML off). */
export interface PreviewDocument {
  /** Path relative to the output folder: "ARCHITECTURE.md", "03-service-architecture.md", "adr/0001-….md". */
  file: string;
  title: string;
  group: 'architecture' | 'step' | 'adr';
  markdown: string;
  /** True when the text was cut at the size limit. */
  truncated?: boolean;
  /** Facts shown above the text as a small table (an ADR's status, date, requirements, elements). */
  meta?: { name: string; value: string }[];
  /** The C4 views its ```mermaid blocks draw, with each block's text (blocks that are not C4 are absent). */
  c4?: { source: string; view: DiagramView }[];
}

/** One ADR in the list. */
export interface PreviewAdr {
  number?: number;
  title: string;
  status?: string;
  date?: string;
  file: string;
  /** Required fields the file lacks. */
  missing: string[];
}

/** One exit criterion: met or not, with every reason for an unmet one. */
export interface PreviewCriterion {
  id: string;
  title: string;
  met: boolean;
  /** met, not met, or not yet (its steps are not done or are stale); absent from older hosts: met decides. */
  state?: 'met' | 'unmet' | 'not-yet';
  reasons: string[];
  /** What shows a met criterion is met (views, ADRs, the sections tracing each NFR, approvals). */
  evidence?: string[];
}

/** The exit report, or why it could not be computed. */
export type PreviewExitReport =
  { kind: 'report'; criteria: PreviewCriterion[]; allMet: boolean } | { kind: 'unavailable'; message: string };

/** The stakeholder approval of the current ARCHITECTURE.md. */
export interface PreviewApproval {
  /** none: never approved; valid: approves the current document; void: the document changed since. */
  status: 'none' | 'valid' | 'void';
  /** The latest approval, if any. */
  latest?: { name: string; role: string; comment?: string; date: string };
  /** A sentence for the panel ("ARCHITECTURE.md changed after the approval…"). */
  message: string;
  /** Whether an approval can be recorded now (ARCHITECTURE.md exists, the workspace is trusted). */
  canApprove: boolean;
}

/** Everything the panel shows, sent whole after `ready` and whenever the output folder changes. */
export interface PreviewState {
  /** The output folder as the user knows it ("docs/architecture"). */
  outputLabel: string;
  /** No run has written anything yet. */
  empty: boolean;
  /** A run is in progress in this output folder. */
  running: boolean;
  /** The workspace is untrusted: nothing is written, approval is disabled. */
  readOnly: boolean;
  steps: PreviewStep[];
  diagrams: PreviewDiagram[];
  /** Why the C4 model could not be read or drawn (file problems), shown above the diagrams. */
  diagramProblems: string[];
  elements: Record<string, PreviewElement>;
  documents: PreviewDocument[];
  adrs: PreviewAdr[];
  exit: PreviewExitReport;
  approval: PreviewApproval;
  /** Problems reading the output folder as a whole (a broken archflow.json). */
  problems: string[];
}

/** Messages the host posts to the webview. */
export type HostToWebview =
  /** The whole state: the panel re-renders what changed. */
  | { type: 'state'; state: PreviewState }
  /** Live step status while a run progresses (between full states). */
  | { type: 'runProgress'; running: boolean; steps: { id: number; status: PreviewStepStatus; reason?: string }[] }
  /** Show the diagram or document of a file of the output folder (opened from its editor title). */
  | { type: 'reveal'; file: string }
  /** Export views (every view when `files` is absent) in `format` (the Export Diagrams command). */
  | { type: 'exportViews'; format: ExportFormat; files?: string[] };

/** Messages the webview posts to the host. */
export type WebviewToHost =
  /** The page has installed its listeners; the host may post now. */
  | { type: 'ready' }
  /** Open a file of the output folder in an editor (relative path; the host re-checks it). */
  | { type: 'openFile'; file: string }
  /** Run "Record Stakeholder Approval". */
  | { type: 'requestApproval' }
  /** Run "Resolve Security Findings" (the security criterion's button). */
  | { type: 'resolveFindings' }
  /** A problem the user saw in the panel (a diagram that failed to render), for the log. */
  | { type: 'reportProblem'; message: string }
  /** Save a view as an image beside its `.mmd` file (the host picks the path from `file`). */
  | { type: 'exportDiagram'; file: string; format: ExportFormat; data: string };

/** Image formats a view is exported in. `data` is the SVG text, or a PNG as base64. */
export type ExportFormat = 'svg' | 'png';

/** The largest export the host accepts from the webview (characters of `data`). */
export const MAX_EXPORT_LENGTH = 40_000_000;

/** The longest problem text the host will log from the webview. */
export const MAX_PROBLEM_LENGTH = 2000;

/** Exhaustiveness check for `switch` over a union: a new member is a compile error here. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether `x` has exactly the keys `allowed` (extra fields are refused, not ignored). */
function hasOnlyKeys(x: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(x).every((k) => allowed.includes(k));
}

/**
 * The runtime guard on everything the webview sends. Every field is checked; unknown types and extra
 * fields are refused. A relative file path must stay inside the output folder (the host re-checks
 * against the real folder before opening it).
 */
export function isWebviewMessage(x: unknown): x is WebviewToHost {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'ready':
    case 'requestApproval':
    case 'resolveFindings':
      return hasOnlyKeys(x, ['type']);
    case 'openFile':
      return hasOnlyKeys(x, ['type', 'file']) && isSafeRelativePath(x.file) && x.file.length <= MAX_RELATIVE_PATH;
    case 'reportProblem':
      return (
        hasOnlyKeys(x, ['type', 'message']) &&
        typeof x.message === 'string' &&
        x.message.length > 0 &&
        x.message.length <= MAX_PROBLEM_LENGTH
      );
    case 'exportDiagram':
      return (
        hasOnlyKeys(x, ['type', 'file', 'format', 'data']) &&
        isSafeRelativePath(x.file) &&
        x.file.length <= MAX_RELATIVE_PATH &&
        /^diagrams\/[A-Za-z0-9._-]+\.mmd$/.test(x.file) &&
        (x.format === 'svg' || x.format === 'png') &&
        typeof x.data === 'string' &&
        x.data.length > 0 &&
        x.data.length <= MAX_EXPORT_LENGTH
      );
    default:
      return false;
  }
}

/** A light shape check of what the host posts (the webview trusts its host, but not other posters). */
export function isHostMessage(x: unknown): x is HostToWebview {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'state':
      return isRecord(x.state) && Array.isArray(x.state.diagrams) && Array.isArray(x.state.documents);
    case 'runProgress':
      return typeof x.running === 'boolean' && Array.isArray(x.steps);
    case 'reveal':
      return typeof x.file === 'string';
    case 'exportViews':
      return (x.format === 'svg' || x.format === 'png') && (x.files === undefined || Array.isArray(x.files));
    default:
      return false;
  }
}
