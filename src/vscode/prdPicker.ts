/** Which PRD a command works on: the right-clicked file, the active Markdown editor, or a pick. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { outputFolderOf } from './config';

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd']);

/** The Uri among a command's arguments (Explorer and editor menus pass the resource first). */
export function uriArgument(args: readonly unknown[]): vscode.Uri | undefined {
  return args.find((a): a is vscode.Uri => a instanceof vscode.Uri);
}

function isMarkdownUri(uri: vscode.Uri): boolean {
  return MARKDOWN_EXTENSIONS.has(path.extname(uri.path).toLowerCase());
}

/** Throws a user-facing error when `uri` cannot be a PRD Archflow runs on. */
export function checkPrd(uri: vscode.Uri): void {
  if (uri.scheme === 'untitled') throw new Error('Save the PRD into your workspace before running Archflow on it.');
  if (!vscode.workspace.getWorkspaceFolder(uri)) {
    throw new Error(
      `${path.basename(uri.fsPath)} is not inside an open workspace folder. Archflow writes next to the PRD's workspace folder, so open that folder first.`,
    );
  }
}

/**
 * The PRD to run on: the Uri the menu passed, else the active Markdown editor (unless it is one of
 * Archflow's output documents), else `lastPrd`
 * (the PRD of the run the tree shows), else a quick pick of the workspace's Markdown files.
 * Undefined when the user dismissed the pick; throws a user-facing error when there is nothing to pick.
 */
export async function pickPrd(
  args: readonly unknown[],
  title: string,
  lastPrd?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const given = uriArgument(args);
  if (given) {
    checkPrd(given);
    return given;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (
    active &&
    active.languageId === 'markdown' &&
    active.uri.scheme !== 'untitled' &&
    vscode.workspace.getWorkspaceFolder(active.uri) &&
    !isInOutputFolder(active.uri)
  ) {
    return active.uri;
  }
  if (lastPrd && vscode.workspace.getWorkspaceFolder(lastPrd) && (await exists(lastPrd))) return lastPrd;
  return pickFromWorkspace(title);
}

/** Whether `uri` is one of Archflow's own documents (an open ARCHITECTURE.md is not a PRD). */
function isInOutputFolder(uri: vscode.Uri): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return false;
  try {
    return uri.toString().startsWith(`${outputFolderOf(folder).uri.toString()}/`);
  } catch {
    // An invalid outputFolder setting is reported when a run starts.
    return false;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function pickFromWorkspace(title: string): Promise<vscode.Uri | undefined> {
  const excludedOutputs: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      excludedOutputs.push(`${outputFolderOf(folder).uri.toString()}/`);
    } catch {
      // An invalid outputFolder setting is reported when a run starts; it excludes nothing here.
    }
  }
  const found = await vscode.workspace.findFiles(
    '**/*.{md,markdown}',
    '{**/node_modules/**,**/.archflow/**,**/.git/**}',
    2000,
  );
  const candidates = found.filter(
    (uri) => isMarkdownUri(uri) && !excludedOutputs.some((prefix) => uri.toString().startsWith(prefix)),
  );
  if (candidates.length === 0) {
    throw new Error(
      'No Markdown file found in the workspace. Open your PRD (a Markdown file) and run the command again.',
    );
  }
  // Files that look like a PRD first, then by path.
  const looksLikePrd = (uri: vscode.Uri): number => (/prd|requirement|spec/i.test(path.basename(uri.path)) ? 0 : 1);
  const items = candidates
    .map((uri) => ({
      uri,
      label: path.basename(uri.path),
      description: path.dirname(vscode.workspace.asRelativePath(uri, true)).replace(/^\.$/, ''),
    }))
    .sort(
      (a, b) =>
        looksLikePrd(a.uri) - looksLikePrd(b.uri) ||
        a.description.localeCompare(b.description) ||
        a.label.localeCompare(b.label),
    );
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Pick the PRD (product requirements document)',
    matchOnDescription: true,
  });
  return picked?.uri;
}
