/** Archflow's tools: one set for VS Code's agent mode, the MCP server and the chat participant (docs/adr/0005). */
import { c4Tool } from './c4';
import { criteriaTool } from './criteria';
import { findingsTool } from './findings';
import { runTool } from './run';
import { statusTool } from './status';
import type { ArchflowTool, ToolContext, ToolResult } from './types';

/** Every tool, in the order tool pickers list them. */
export const ARCHFLOW_TOOLS: readonly ArchflowTool<unknown>[] = [
  runTool,
  criteriaTool,
  findingsTool,
  c4Tool,
  statusTool,
];

/** The tool of that name; undefined for an unknown name. */
export function toolByName(name: string): ArchflowTool<unknown> | undefined {
  return ARCHFLOW_TOOLS.find((t) => t.name === name);
}

/** Parses the raw input and runs the tool (input errors throw ToolInputError). */
export async function callTool(tool: ArchflowTool<unknown>, raw: unknown, ctx: ToolContext): Promise<ToolResult> {
  return tool.handle(tool.parse(raw), ctx);
}
