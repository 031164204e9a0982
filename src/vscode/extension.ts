/**
 * The entry VS Code loads (dist/extension.js): small on purpose. activate() registers what the
 * manifest contributes — every command, the Workflow view, the language model tools, @architect, the
 * MCP server definitions, the preview's serializer — and nothing else runs: each registration hands
 * its first call to the host (host.ts, its own bundle dist/extension-host.js), required then, once.
 * So activation reads no workspace state, no SecretStorage and starts no watcher; the first command,
 * view, tool call, chat request or restored preview does (ADR 0018).
 */
import * as vscode from 'vscode';
import { COMMAND_IDS, PARTICIPANT_ID, PREVIEW_VIEW_TYPE, PROGRESS_VIEW_ID } from './commands/ids';
import type { Host, HostTestApi } from './host';
import { ExtensionLog } from './log';
import type { MarkdownIt } from 'markdown-it';
import type { WorkflowNode } from './progressTree';
import { type McpRegistration, registerMcpServers } from './tools/mcpDefinition';

/** Set by the bundle's first and last lines (esbuild.mjs); absent when this module runs unbundled. */
declare const __archflowLoadStarted: number | undefined;
declare let __archflowLoadEnded: number | undefined;

/** The host's module: required (evaluated) on first need, from its own bundle when bundled. */
function hostModule(): typeof import('./host') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./host') as typeof import('./host');
}

export function activate(context: vscode.ExtensionContext): ArchflowTestApi & {
  extendMarkdownIt(md: MarkdownIt): MarkdownIt;
} {
  const started = performance.now();
  const evaluated = typeof __archflowLoadEnded === 'number' ? __archflowLoadEnded : started;
  const log = new ExtensionLog();
  context.subscriptions.push(log);

  const treeChanged = new vscode.EventEmitter<WorkflowNode | undefined>();
  let host: Host | undefined;
  const load = (): Host => {
    if (host) return host;
    const t0 = performance.now();
    host = hostModule().start(context, {
      log,
      showTree(tree) {
        context.subscriptions.push(tree.onDidChangeTreeData((node) => treeChanged.fire(node ?? undefined)));
        return view;
      },
    });
    log.info(`Archflow loaded its workflow host in ${Math.round((performance.now() - t0) * 10) / 10} ms.`);
    return host;
  };

  const view = vscode.window.createTreeView<WorkflowNode>(PROGRESS_VIEW_ID, {
    treeDataProvider: {
      onDidChangeTreeData: treeChanged.event,
      getChildren: (node) => load().tree.getChildren(node),
      getTreeItem: (node) => load().tree.getTreeItem(node),
    },
  });
  context.subscriptions.push(treeChanged, view);
  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => load().run(id, args)));
  }
  context.subscriptions.push(
    // Restores the panel after a window reload (needs the onWebviewPanel:archflow.preview activation event).
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => load().preview.restore(panel),
    }),
  );
  const tools = registerTools(context, log, load);
  const mcp = registerMcpServers(context, log);
  const chat = registerChatParticipant(context, log, load);

  const now = performance.now();
  const activateMs = Math.round((now - started) * 10) / 10;
  const loaded = typeof __archflowLoadStarted === 'number' ? __archflowLoadStarted : started;
  const loadAndActivateMs = Math.round((now - loaded) * 10) / 10;
  const evaluateMs = Math.round((evaluated - loaded) * 10) / 10;
  log.info(
    `Archflow ${String(context.extension.packageJSON.version)} activated: its modules ran in ${evaluateMs} ms, activate() in ${activateMs} ms (${loadAndActivateMs} ms from the bundle's first line, with VS Code's part between them).`,
  );
  const test: Pick<ArchflowTestApi, keyof HostTestApi> = {
    workflowTree: () => load().test.workflowTree(),
    settings: () => load().test.settings(),
    statusBar: () => load().test.statusBar(),
  };
  return {
    ...test,
    activateMs,
    loadAndActivateMs,
    activationMarks: { loadStarted: loaded, loadEnded: evaluated, activateStarted: started, activateEnded: now },
    hostLoaded: () => host !== undefined,
    doors: () => ({ tools, mcp, chat }),
    // VS Code's Markdown preview calls this when it opens: the C4 rule is the host module's (not started).
    extendMarkdownIt: (md) => hostModule().extendMarkdownIt(md),
  };
}

/** The contributed tool names (package.json `languageModelTools`). */
function contributedTools(context: vscode.ExtensionContext): string[] {
  const manifest = context.extension.packageJSON as { contributes?: { languageModelTools?: { name: string }[] } };
  return (manifest.contributes?.languageModelTools ?? []).map((t) => t.name);
}

/**
 * Registers every contributed tool; returns the names registered. A VS Code without the language
 * model tools API (or where registering fails) gets none, and the log says so.
 */
function registerTools(context: vscode.ExtensionContext, log: ExtensionLog, load: () => Host): string[] {
  const lm = (vscode as Partial<typeof vscode>).lm;
  if (typeof lm?.registerTool !== 'function') {
    log.info('This VS Code has no language model tools API: Archflow’s agent-mode tools are not registered.');
    return [];
  }
  const registered: string[] = [];
  for (const name of contributedTools(context)) {
    const tool = (): vscode.LanguageModelTool<unknown> => {
      const found = load().tools.get(name);
      if (!found) throw new Error(`Archflow has no tool ${name}.`);
      return found;
    };
    try {
      context.subscriptions.push(
        lm.registerTool<unknown>(name, {
          prepareInvocation: (options, token) => tool().prepareInvocation?.(options, token),
          invoke: (options, token) => tool().invoke(options, token),
        }),
      );
      registered.push(name);
    } catch (err) {
      log.warn(`Could not register the tool ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return registered;
}

/** Registers `@architect`; false (logged) where this VS Code has no chat participant API. */
function registerChatParticipant(context: vscode.ExtensionContext, log: ExtensionLog, load: () => Host): boolean {
  const chat = (vscode as Partial<typeof vscode>).chat;
  if (typeof chat?.createChatParticipant !== 'function') {
    log.info('This VS Code has no chat participant API: @architect is not registered.');
    return false;
  }
  try {
    const participant = chat.createChatParticipant(PARTICIPANT_ID, (request, ctx, stream, token) =>
      load().chat.handle(request, ctx, stream, token),
    );
    participant.iconPath = new vscode.ThemeIcon('type-hierarchy');
    participant.followupProvider = { provideFollowups: (result) => load().chat.followups(result) };
    context.subscriptions.push(participant);
    return true;
  } catch (err) {
    log.warn(`Could not register @architect: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** What `activate` returns: a read-only view for the end-to-end host checks (test/e2e/hostChecks). */
export interface ArchflowTestApi extends HostTestApi {
  /** How long activate() took, ms. */
  activateMs: number;
  /**
   * From the bundle's first line to the end of activate(), ms: running its modules, VS Code's part
   * (it loads the extension's context in parallel with the module and calls activate() once both are
   * ready), then activate().
   */
  loadAndActivateMs: number;
  /**
   * performance.now() (the extension host's clock) when the bundle's first and last lines ran, when
   * activate() was called and when it returned: the host checks put them beside their own.
   */
  activationMarks: { loadStarted: number; loadEnded: number; activateStarted: number; activateEnded: number };
  /** Whether the workflow host (host.ts) has been loaded: not by activation itself. */
  hostLoaded(): boolean;
  /** The language model tools registered, whether the MCP server definitions were, and @architect. */
  doors(): { tools: string[]; mcp: McpRegistration; chat: boolean };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; a run in progress is aborted with its
  // host, and the engine's atomic writes leave every file old or new.
}
