/**
 * The shape of one Archflow tool: what agents (VS Code's agent mode, MCP clients, the chat
 * participant) see and call. The definitions are host-neutral; each host adapts them (a
 * `vscode.lm.registerTool`, an MCP `tools/call`) and supplies what only it can do: the output
 * folder, and how a run is started.
 */
import type { RunSummary } from '../engine';
import type { StepId } from '../steps';

/** An object JSON Schema for a tool's input, as package.json and MCP's `tools/list` declare it. */
export interface ToolInputSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
}

/** What a tool returns: text a model reads, and the same facts as JSON for clients that take it. */
export interface ToolResult {
  text: string;
  data: Record<string, unknown>;
  /** The call could not do what was asked (bad input, nothing to read, the run failed). */
  isError?: boolean;
}

/** What the run tool asks its host to run. */
export interface ToolRunRequest {
  /** The PRD as the model named it (a path); undefined: the host's default PRD. */
  prd?: string;
  steps: StepId[] | 'all';
  withPrerequisites: boolean;
}

/** What a host's run reports back. */
export interface ToolRunOutcome {
  summary: RunSummary;
  /** The output folder the run wrote into (absolute). */
  outputDir: string;
  /** The PRD it ran on (absolute). */
  prdPath: string;
}

/** Starts a run through the host's own machinery (VS Code: the Runner; MCP: the CLI's engine). */
export type ToolRunner = (request: ToolRunRequest, signal: AbortSignal) => Promise<ToolRunOutcome>;

/** What a host gives a tool call. */
export interface ToolContext {
  /** The output folder the tools read (absolute). */
  outputDir: string;
  /** Steps running in that folder now (the host knows; the disk does not). */
  running?: ReadonlySet<StepId>;
  /** Absent where the host cannot run the workflow. */
  run?: ToolRunner;
  signal: AbortSignal;
}

/** A confirmation shown before a tool that writes runs (VS Code's `prepareInvocation`). */
export interface ToolConfirmation {
  title: string;
  /** Plain text (hosts escape it before rendering). */
  message: string;
}

/** One tool: its contract (name, descriptions, schema) and its handler. */
export interface ArchflowTool<I = unknown> {
  /** `archflow_<verb>_<noun>`; also the MCP tool name and the `languageModelTools` name. */
  name: string;
  /** Short title for people (displayName). */
  title: string;
  /** What a user sees in tool pickers. */
  userDescription: string;
  /** What a model reads to decide when and how to call it. */
  description: string;
  /** The `#` name in a chat prompt. */
  referenceName: string;
  /** A product icon ("$(checklist)"). */
  icon: string;
  inputSchema: ToolInputSchema;
  /** Whether the tool writes files (it then asks for confirmation where the host can). */
  writes: boolean;
  /** Validates raw input; throws ToolInputError with a message a model can act on. */
  parse(raw: unknown): I;
  /** The confirmation before it runs (tools that write); `prd` and `output` are the host's names for them. */
  confirmation?(input: I, where: { prd?: string; output: string }): ToolConfirmation;
  /** A short "what is happening" line while it runs. */
  progressMessage(input: I): string;
  handle(input: I, ctx: ToolContext): Promise<ToolResult>;
}

/** A tool's input was wrong; the message says what to send instead. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}
