/**
 * Checks of the chat and language model APIs a VS Code offers extensions, run in the extension
 * host where the API exists: the fake Claude models (test/e2e/fakeLm) stream the fake server's
 * answers to `vscode.lm.selectChatModels()`, a tool is invoked with `vscode.lm.invokeTool`, a chat
 * participant is reached from the Chat view by `workbench.action.chat.open` with a query, and an
 * MCP server definition provider is registered. What the API offers is reported as it is found.
 */
import * as vscode from 'vscode';
import { FAKE_LM_VENDOR, FAKE_MODELS } from '../fakeLm/models';
import { PROBE_MCP_PROVIDER, PROBE_PARTICIPANT, PROBE_TOOL } from './probeFixture';

/** Runs one named check; a throw is a failed check. */
export type Check = (name: string, body: () => Promise<string>) => Promise<void>;

/** A chat request as the probe participant saw it. */
export interface ParticipantCall {
  prompt: string;
  command: string | undefined;
  model: string;
  /** What the model streamed back to the participant (the fake server's answer), or the error. */
  answer: string;
}

/** The probe contributions, registered at activation. */
export interface Probes {
  /** Resolves with each call of the probe participant. */
  participantCalls: ParticipantCall[];
  /** Times VS Code asked the MCP provider for its servers. */
  mcpProvided: number;
  /**
   * Registrations the running VS Code refused, by API name, with its message (1.100 has
   * registerMcpServerDefinitionProvider, but wants the contribution under another name).
   */
  refused: Record<string, string>;
}

/** The prompt whose answer the fake server computes from its word count (responses.ts genericAnswer). */
const PROMPT = 'Say something about the architecture of a small web shop.';

/** Which extension API functions the running VS Code has (reported, never asserted). */
export function apiSurface(): Record<string, boolean> {
  const has = (obj: unknown, name: string): boolean =>
    typeof (obj as Record<string, unknown> | undefined)?.[name] === 'function';
  const api = vscode as unknown as Record<string, unknown>;
  return {
    'lm.selectChatModels': has(vscode.lm, 'selectChatModels'),
    'lm.registerLanguageModelChatProvider': has(vscode.lm, 'registerLanguageModelChatProvider'),
    'lm.registerTool': has(vscode.lm, 'registerTool'),
    'lm.invokeTool': has(vscode.lm, 'invokeTool'),
    'lm.registerMcpServerDefinitionProvider': has(vscode.lm, 'registerMcpServerDefinitionProvider'),
    'chat.createChatParticipant': has(vscode.chat, 'createChatParticipant'),
    McpStdioServerDefinition: typeof api.McpStdioServerDefinition === 'function',
    McpHttpServerDefinition: typeof api.McpHttpServerDefinition === 'function',
    ChatResponseFileTreePart: typeof api.ChatResponseFileTreePart === 'function',
    LanguageModelToolResult: typeof api.LanguageModelToolResult === 'function',
  };
}

/** Registers the probe participant, tool and MCP provider where the API has them. */
export function registerProbes(context: vscode.ExtensionContext): Probes {
  const probes: Probes = { participantCalls: [], mcpProvided: 0, refused: {} };
  const surface = apiSurface();
  // A refused registration is a finding, not a reason to skip the others.
  const register = (api: string, body: () => vscode.Disposable): void => {
    if (!surface[api]) return;
    try {
      context.subscriptions.push(body());
    } catch (err) {
      probes.refused[api] = err instanceof Error ? err.message : String(err);
    }
  };
  register('chat.createChatParticipant', () =>
    vscode.chat.createChatParticipant(PROBE_PARTICIPANT.id, async (request, _ctx, stream, token) => {
      let answer = '';
      try {
        const response = await request.model.sendRequest(
          [vscode.LanguageModelChatMessage.User(request.prompt)],
          {},
          token,
        );
        for await (const chunk of response.text) answer += chunk;
      } catch (err) {
        answer = `error: ${err instanceof Error ? err.message : String(err)}`;
      }
      probes.participantCalls.push({
        prompt: request.prompt,
        command: request.command,
        model: `${request.model.vendor}/${request.model.id}`,
        answer,
      });
      stream.markdown(`pong: ${answer}`);
      return {};
    }),
  );
  register('lm.registerTool', () =>
    vscode.lm.registerTool<{ text: string }>(PROBE_TOOL, {
      invoke: (options) =>
        new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`echo: ${options.input.text}`)]),
    }),
  );
  const lm = vscode.lm as unknown as {
    registerMcpServerDefinitionProvider?: (
      id: string,
      provider: { provideMcpServerDefinitions(): unknown[] },
    ) => vscode.Disposable;
  };
  const Stdio = (
    vscode as unknown as { McpStdioServerDefinition?: new (label: string, command: string, args: string[]) => unknown }
  ).McpStdioServerDefinition;
  if (Stdio) {
    register('lm.registerMcpServerDefinitionProvider', () =>
      lm.registerMcpServerDefinitionProvider!(PROBE_MCP_PROVIDER, {
        provideMcpServerDefinitions: () => {
          probes.mcpProvided++;
          // A server that is never started by these checks: only the registration is probed.
          return [new Stdio('Archflow e2e probe', process.execPath, ['--version'])];
        },
      }),
    );
  }
  return probes;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The chat and language model checks for a VS Code that lets extensions provide models. */
export async function runChatChecks(check: Check, probes: Probes): Promise<void> {
  await check('the fake Claude model streams the fake server answer', async () => {
    // The provider extension activates on the first selection of its vendor; models can show up a moment later.
    let models: vscode.LanguageModelChat[] = [];
    const deadline = Date.now() + 20_000;
    while (models.length < FAKE_MODELS.length && Date.now() < deadline) {
      models = await vscode.lm.selectChatModels({ vendor: FAKE_LM_VENDOR });
      if (models.length < FAKE_MODELS.length) await sleep(250);
    }
    const ids = models.map((m) => m.id).sort();
    const want = FAKE_MODELS.map((m) => m.id).sort();
    if (ids.join() !== want.join())
      throw new Error(`vendor ${FAKE_LM_VENDOR} offers [${ids.join(', ')}], want [${want.join(', ')}]`);
    const [byFamily] = await vscode.lm.selectChatModels({ family: FAKE_MODELS[0].family });
    if (!byFamily || byFamily.id !== FAKE_MODELS[0].id)
      throw new Error(`family ${FAKE_MODELS[0].family} selects ${byFamily?.id}`);
    const all = await vscode.lm.selectChatModels();
    const claude = all.filter((m) => /claude/i.test(m.family) && /claude/i.test(m.name));
    if (!claude.some((m) => m.id === byFamily.id))
      throw new Error(`selectChatModels() lists no fake Claude: ${all.map((m) => m.id).join(', ')}`);
    if (byFamily.maxInputTokens !== FAKE_MODELS[0].maxInputTokens)
      throw new Error(`maxInputTokens ${byFamily.maxInputTokens}`);
    const response = await byFamily.sendRequest([vscode.LanguageModelChatMessage.User(PROMPT)], {
      justification: 'The Archflow host checks test the fake model.',
    });
    const chunks: string[] = [];
    for await (const chunk of response.text) chunks.push(chunk);
    const text = chunks.join('');
    const words = PROMPT.split(/\s+/).length;
    if (!text.startsWith('This is the fake Anthropic server.') || !text.includes(`had ${words} words`)) {
      throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
    }
    if (chunks.length < 2) throw new Error(`the answer came in ${chunks.length} chunk(s), not streamed`);
    const tokens = await byFamily.countTokens(PROMPT);
    return `${all.length} models in all; ${byFamily.vendor}/${byFamily.id} "${byFamily.name}" (family ${byFamily.family}, ${byFamily.maxInputTokens} input tokens) streamed ${text.length} characters in ${chunks.length} chunks; countTokens ${tokens}`;
  });

  await check('a tool is invoked through vscode.lm.invokeTool', async () => {
    const info = vscode.lm.tools.find((t) => t.name === PROBE_TOOL);
    if (!info) throw new Error(`${PROBE_TOOL} not in vscode.lm.tools (${vscode.lm.tools.length} tools)`);
    const result = await vscode.lm.invokeTool(PROBE_TOOL, { input: { text: 'ping' }, toolInvocationToken: undefined });
    const text = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '?')).join('');
    if (text !== 'echo: ping') throw new Error(`the tool answered "${text}"`);
    return `${PROBE_TOOL} (one of ${vscode.lm.tools.length} tools) answered "${text}"; inputSchema ${JSON.stringify(info.inputSchema)}`;
  });

  await check('a chat participant is reached from the Chat view', async () => {
    const before = probes.participantCalls.length;
    const query = `@${PROBE_PARTICIPANT.name} /${PROBE_PARTICIPANT.command} ${PROMPT}`;
    // Chat has no default model without Copilot: the request names one (modelSelector). Ask mode:
    // agent mode offers only models with tool calling.
    const modelSelector = { vendor: FAKE_LM_VENDOR, id: FAKE_MODELS[0].id };
    await vscode.commands.executeCommand('workbench.action.chat.open', {
      query,
      isPartialQuery: false,
      mode: 'ask',
      modelSelector,
    });
    const deadline = Date.now() + 30_000;
    while (probes.participantCalls.length === before && Date.now() < deadline) await sleep(250);
    const call = probes.participantCalls[before];
    if (!call)
      throw new Error(`workbench.action.chat.open({ query: "${query}" }) did not reach the participant in 30 s`);
    if (call.command !== PROBE_PARTICIPANT.command || call.prompt !== PROMPT) {
      throw new Error(`the participant got command ${call.command}, prompt "${call.prompt}"`);
    }
    if (call.model !== `${FAKE_LM_VENDOR}/${FAKE_MODELS[0].id}`) throw new Error(`request.model is ${call.model}`);
    if (!call.answer.startsWith('This is the fake Anthropic server.')) {
      throw new Error(`request.model (${call.model}) answered: ${call.answer.slice(0, 300)}`);
    }
    return `workbench.action.chat.open with a query reached @${PROBE_PARTICIPANT.name} /${call.command}; request.model ${call.model} answered ${call.answer.length} characters`;
  });

  await check('an MCP server definition provider registers', async () => {
    if (!apiSurface()['lm.registerMcpServerDefinitionProvider'])
      throw new Error('no vscode.lm.registerMcpServerDefinitionProvider');
    // VS Code asks providers lazily (when it lists or starts MCP servers); reported, not required.
    return `registered ${PROBE_MCP_PROVIDER}; VS Code asked it for servers ${probes.mcpProvided} time(s) so far`;
  });
}
