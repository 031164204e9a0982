/**
 * Composition root of everything behind the entry (extension.ts): builds the adapter's parts and
 * wires them together. The host session owns what is shown; the tree, the preview, the live output
 * and the context keys are its projections; the runner feeds it the engine's events. Its own bundle
 * (dist/extension-host.js, esbuild.mjs): the entry requires it on the first command, view, tool call,
 * chat request or restored panel, so activation does not load, evaluate or run any of it.
 */
import * as vscode from 'vscode';
import { type ChatHandler, chatHandler } from './chat/participant';
import { setApiKey } from './commands/apiKey';
import type { CommandId } from './commands/ids';
import { commandRunner } from './commands/registry';
import { buildCommandTable } from './commands/table';
import { type ProviderSetting, outputFolderOf, readBaseUrl, readEngineSettings, readProvider } from './config';
import { ConflictPrompts } from './conflicts';
import { ContextKeys } from './contextKeys';
import type { ExtensionLog } from './log';
import { LiveOutput } from './liveOutput';
import { PreviewPanel } from './previewPanel';
import { ProgressTree, type WorkflowNode } from './progressTree';
import { ReviewComments } from './reviewComments';
import { Runner } from './runner';
import { ApiKeyStore } from './secrets';
import { HostSession } from './session/session';
import { StatusBar } from './statusBar';
import type { StatusText } from './statusSummary';
import { ToolHost } from './tools/host';
import { toolAdapters } from './tools/register';
import type { EngineSettings } from '../core/engine';

export { extendMarkdownIt } from './markdownPlugin';

/** What the entry made at activation and hands over. */
export interface Shell {
  log: ExtensionLog;
  /** The Workflow view the entry created; from now on it shows `tree`. */
  showTree(tree: ProgressTree): vscode.TreeView<WorkflowNode>;
}

/** What the entry's registrations call. */
export interface Host {
  run(id: CommandId, args: unknown[]): Promise<void>;
  tree: vscode.TreeDataProvider<WorkflowNode>;
  tools: Map<string, vscode.LanguageModelTool<unknown>>;
  chat: ChatHandler;
  preview: PreviewPanel;
  test: HostTestApi;
}

/** The part of the test API (extension.ts ArchflowTestApi) that reads the host's state. */
export interface HostTestApi {
  workflowTree(): Promise<{
    output?: string;
    rows: { id: number; status: string; label: string; contextValue?: string; files: string[] }[];
  }>;
  settings(): { outputFolder?: string; baseUrl?: string; provider: ProviderSetting; engine: EngineSettings };
  statusBar(): Promise<StatusText>;
}

export function start(context: vscode.ExtensionContext, shell: Shell): Host {
  const { log } = shell;
  const secrets = new ApiKeyStore(context.secrets);
  const session = new HostSession(log);
  const tree = new ProgressTree(session, shell.showTree);
  const live = new LiveOutput(session);
  const keys = new ContextKeys(session, log, secrets);
  const status = new StatusBar(session);
  const conflicts = new ConflictPrompts(log);
  const preview = new PreviewPanel({ extensionUri: context.extensionUri, log, session });
  const comments = new ReviewComments(log);
  context.subscriptions.push(session, tree, live, keys, status, conflicts, preview, comments);

  const runner = new Runner({
    extensionUri: context.extensionUri,
    log,
    secrets,
    session,
    conflicts,
    setApiKey: () => setApiKey(secrets, log),
  });
  const run = commandRunner(
    buildCommandTable({ log, secrets, session, live, runner, preview, comments, conflicts }),
    log,
  );
  const toolHost = new ToolHost({ session, runner, secrets });
  session.start();
  return {
    run,
    tree,
    tools: toolAdapters(toolHost),
    chat: chatHandler({ runner, session, tools: toolHost, log }),
    preview,
    test: testApi(session, tree, status),
  };
}

function testApi(session: HostSession, tree: ProgressTree, status: StatusBar): HostTestApi {
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
      return status.current();
    },
  };
}
