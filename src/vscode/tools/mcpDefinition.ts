/**
 * Archflow's MCP server (`archflow mcp`, the CLI shipped in the extension) registered as an MCP server
 * definition, one per workspace folder, where the running VS Code has the API (1.101+): detected at
 * run time, so an older VS Code only logs that it is not there. The server runs the same tools as
 * agent mode for MCP clients inside VS Code; its run tool uses ANTHROPIC_API_KEY from the
 * environment (the stored key is never handed to another process).
 */
import * as vscode from 'vscode';
import { MCP_PROVIDER_ID } from '../commands/ids';
import { affectsOutputFolder, outputFolderOf, readBaseUrl } from '../config';
import { type ExtensionLog, errorMessage } from '../log';

/** The parts of VS Code 1.101's MCP API Archflow uses (its types are newer than `engines.vscode`). */
interface McpStdioDefinition {
  cwd?: vscode.Uri;
}
type McpStdioDefinitionClass = new (
  label: string,
  command: string,
  args?: string[],
  env?: Record<string, string | number | null>,
  version?: string,
) => McpStdioDefinition;
interface McpDefinitionProvider {
  onDidChangeMcpServerDefinitions: vscode.Event<void>;
  provideMcpServerDefinitions(): McpStdioDefinition[];
}
type RegisterMcpProvider = (id: string, provider: McpDefinitionProvider) => vscode.Disposable;

/** Whether this VS Code took the definitions. */
export type McpRegistration = 'registered' | 'unsupported';

/** The MCP API of this VS Code, when it has one. */
function mcpApi(): { Definition: McpStdioDefinitionClass; register: RegisterMcpProvider } | undefined {
  const api = vscode as unknown as {
    McpStdioServerDefinition?: McpStdioDefinitionClass;
    lm?: { registerMcpServerDefinitionProvider?: RegisterMcpProvider };
  };
  const register = api.lm?.registerMcpServerDefinitionProvider;
  if (typeof api.McpStdioServerDefinition !== 'function' || typeof register !== 'function') return undefined;
  return { Definition: api.McpStdioServerDefinition, register: register.bind(api.lm) };
}

/** Registers the provider into the extension's subscriptions where VS Code supports it. */
export function registerMcpServers(context: vscode.ExtensionContext, log: ExtensionLog): McpRegistration {
  const api = mcpApi();
  if (!api) {
    log.info(
      'This VS Code cannot register MCP servers from an extension (1.101+): use .vscode/mcp.json for `archflow mcp`.',
    );
    return 'unsupported';
  }
  const changed = new vscode.EventEmitter<void>();
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  const provider: McpDefinitionProvider = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions() {
      // The run tool writes files: no server for a workspace in Restricted Mode.
      if (!vscode.workspace.isTrusted) return [];
      const folders = vscode.workspace.workspaceFolders ?? [];
      const baseUrl = readBaseUrl();
      return folders.flatMap((folder) => {
        let dir: string;
        try {
          dir = outputFolderOf(folder).dir;
        } catch {
          return [];
        }
        const label = folders.length > 1 ? `Archflow (${folder.name})` : 'Archflow';
        // The extension host's own runtime runs the CLI (Electron as Node where VS Code is Electron).
        const env: Record<string, string> = {
          ELECTRON_RUN_AS_NODE: '1',
          ...(baseUrl ? { ANTHROPIC_BASE_URL: baseUrl } : {}),
        };
        const definition = new api.Definition(label, process.execPath, [cli, 'mcp', '--dir', dir], env, version);
        definition.cwd = folder.uri;
        return [definition];
      });
    },
  };
  try {
    context.subscriptions.push(
      changed,
      api.register(MCP_PROVIDER_ID, provider),
      vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsOutputFolder(e) || e.affectsConfiguration('archflow.anthropic.baseUrl')) {
          changed.fire();
        }
      }),
    );
    return 'registered';
  } catch (err) {
    // VS Code 1.100 has the function behind an API proposal: calling it throws.
    changed.dispose();
    log.info(`MCP server definitions are not available in this VS Code: ${errorMessage(err)}`);
    return 'unsupported';
  }
}
