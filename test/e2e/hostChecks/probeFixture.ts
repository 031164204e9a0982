/**
 * What the host-checks extension contributes so the checks can drive VS Code's chat and tool APIs:
 * a chat participant, a language model tool and an MCP server definition provider. No `vscode`
 * import: setup.ts writes these into the test extension's package.json.
 */

/** The probe chat participant: "@e2eprobe /ping …" in the Chat view reaches it. */
export const PROBE_PARTICIPANT = { id: 'archflow-e2e.probe', name: 'e2eprobe', command: 'ping' };

/** A language model tool that echoes its input. */
export const PROBE_TOOL = 'archflow-e2e_echo';

/** An MCP server definition provider (contributes.mcpServerDefinitionProviders). */
export const PROBE_MCP_PROVIDER = 'archflow-e2e.mcp';

/** package.json `contributes` of the host-checks extension. */
export const PROBE_CONTRIBUTIONS: Record<string, unknown> = {
  chatParticipants: [
    {
      id: PROBE_PARTICIPANT.id,
      name: PROBE_PARTICIPANT.name,
      fullName: 'Archflow e2e probe',
      description: 'Answers the end-to-end tests',
      commands: [{ name: PROBE_PARTICIPANT.command, description: 'Answers pong' }],
    },
  ],
  languageModelTools: [
    {
      name: PROBE_TOOL,
      displayName: 'Echo (Archflow tests)',
      modelDescription: 'Echoes the given text back. Only for the Archflow end-to-end tests.',
      canBeReferencedInPrompt: false,
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', description: 'The text to echo' } },
        required: ['text'],
      },
    },
  ],
  mcpServerDefinitionProviders: [{ id: PROBE_MCP_PROVIDER, label: 'Archflow e2e probe MCP' }],
};
