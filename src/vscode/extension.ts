/**
 * Composition root: builds the adapter's parts, wires them together, registers the commands. The
 * host session owns what is shown; the tree, the preview, the live output and the context keys are
 * its projections; the runner feeds it the engine's events.
 */
import * as vscode from 'vscode';
import type { EngineSettings } from '../core/engine';
import { registerChatParticipant } from './chat/participant';
import { setApiKey } from './commands/apiKey';
import { registerCommands } from './commands/registry';
import { buildCommandTable } from './commands/table';
import { type ProviderSetting, outputFolderOf, readBaseUrl, readEngineSettings, readProvider } from './config';
import { ConflictPrompts } from './conflicts';
import { ReviewComments } from './reviewComments';
import { ContextKeys } from './contextKeys';
import { LiveOutput } from './liveOutput';
import { extendMarkdownIt } from './markdownPlugin';
import { PreviewPanel } from './previewPanel';
import { ExtensionLog } from './log';
import { ProgressTree } from './progressTree';
import { Runner } from './runner';
import { ApiKeyStore } from './secrets';
import { HostSession } from './session/session';
import { StatusBar } from './statusBar';
import type { StatusText } from './statusSummary';
import { ToolHost } from './tools/host';
import { type McpRegistration, registerMcpServers } from './tools/mcpDefinition';
import { registerTools } from './tools/register';

/** Set by the bundle's first line (esbuild.mjs); absent when this module runs unbundled. */
declare const __archflowLoadStarted: number | undefined;

export function activate(
  context: vscode.ExtensionContext,
): ArchflowTestApi & { extendMarkdownIt: typeof extendMarkdownIt } {
  const started = performance.now();
  const log = new ExtensionLog();
  const secrets = new ApiKeyStore(context.secrets);
  const session = new HostSession(log);
  const tree = new ProgressTree(session);
  const live = new LiveOutput(session);
  const keys = new ContextKeys(session, log, secrets);
  const status = new StatusBar(session);
  const conflicts = new ConflictPrompts(log);
  const preview = new PreviewPanel({ extensionUri: context.extensionUri, log, session });
  const comments = new ReviewComments(log);
  context.subscriptions.push(log, session, tree, live, keys, status, conflicts, preview, comments);

  const runner = new Runner({
    extensionUri: context.extensionUri,
    log,
    secrets,
    session,
    conflicts,
    setApiKey: () => setApiKey(secrets, log),
  });
  registerCommands(
    context,
    buildCommandTable({ log, secrets, session, live, runner, preview, comments, conflicts }),
    log,
  );
  const toolHost = new ToolHost({ session, runner, secrets });
  const tools = registerTools(context, toolHost, log);
  const mcp = registerMcpServers(context, log);
  const chat = registerChatParticipant(context, { runner, session, tools: toolHost, log });

  session.start();
  const now = performance.now();
  const activateMs = Math.round((now - started) * 10) / 10;
  const loaded = typeof __archflowLoadStarted === 'number' ? __archflowLoadStarted : started;
  const loadAndActivateMs = Math.round((now - loaded) * 10) / 10;
  log.info(
    `Archflow ${String(context.extension.packageJSON.version)} activated in ${loadAndActivateMs} ms (activate() ${activateMs} ms).`,
  );
  return { ...testApi(session, tree, { status, tools, mcp, chat }), activateMs, loadAndActivateMs, extendMarkdownIt };
}

/** What `activate` returns: a read-only view for the end-to-end host checks (test/e2e/hostChecks). */
export interface ArchflowTestApi {
  /** How long activate() took, ms. */
  activateMs: number;
  /** From the bundle's first line to the end of activate(), ms: running its modules, then activate(). */
  loadAndActivateMs: number;
  /** The Workflow tree's rows as shown, after a fresh read from disk, with the output folder shown. */
  workflowTree(): Promise<{
    output?: string;
    rows: { id: number; status: string; label: string; contextValue?: string; files: string[] }[];
  }>;
  /** The settings the next run in the first workspace folder would use. */
  settings(): { outputFolder?: string; baseUrl?: string; provider: ProviderSetting; engine: EngineSettings };
  /** What the status bar item shows, after a fresh read from disk. */
  statusBar(): Promise<StatusText>;
  /** The language model tools registered, whether the MCP server definitions were, and @architect. */
  doors(): { tools: string[]; mcp: McpRegistration; chat: boolean };
}

interface Doors {
  status: StatusBar;
  tools: string[];
  mcp: McpRegistration;
  chat: boolean;
}

function testApi(
  session: HostSession,
  tree: ProgressTree,
  doors: Doors,
): Omit<ArchflowTestApi, 'activateMs' | 'loadAndActivateMs'> {
  return {
    async workflowTree() {
      await session.refresh();
      const rows = tree.getChildren().flatMap((node) => {
        if (node.kind !== 'step') return [];
        const item = tree.getTreeItem(node);
        const files = tree.getChildren(node).flatMap((f) => (f.kind === 'file' ? [f.file] : []));
        return [
          {
            id: node.step.id,
            status: node.step.status,
            label: String(item.label),
            contextValue: item.contextValue,
            files,
          },
        ];
      });
      return { output: session.output()?.relative, rows };
    },
    settings() {
      const folder = vscode.workspace.workspaceFolders?.[0];
      return {
        outputFolder: folder && outputFolderOf(folder).relative,
        baseUrl: readBaseUrl(),
        provider: readProvider(),
        engine: readEngineSettings(folder),
      };
    },
    async statusBar() {
      await session.refresh();
      return doors.status.current();
    },
    doors() {
      return { tools: doors.tools, mcp: doors.mcp, chat: doors.chat };
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; a run in progress is aborted with its
  // host, and the engine's atomic writes leave every file old or new.
}
