/**
 * Review comments on the step documents of the output folders (issue 8): a comment controller whose
 * threads are the ones of `<output>/comments.json` (src/core/comments.ts). Threads are re-read when
 * the file changes (a git pull, another window), shown on the line whose text they quote, and moved
 * there for good when the document is saved.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  COMMENTS_FILE,
  type CommentThread,
  CommentStore,
  PREVIOUS_DIR,
  notesOf,
  reanchor,
  stepOfDocument,
} from '../core/comments';
import { ArtifactStore } from '../core/store';
import type { StepId } from '../core/steps';
import { type OutputFolder, outputFolderOf } from './config';
import { type ExtensionLog, errorMessage } from './log';

export const COMMENT_CONTROLLER_ID = 'archflow.review';

/** What a shown thread stands for. */
interface Shown {
  output: OutputFolder;
  id: string;
  file: string;
  /** The version the resolving revision replaced (inside the output folder's `.archflow/revisions/`). */
  previous?: string;
  resolvedBy?: string;
}

export class ReviewComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController(COMMENT_CONTROLLER_ID, 'Archflow Review');
  private readonly shown = new Map<vscode.CommentThread, Shown>();
  private readonly disposables: vscode.Disposable[] = [this.controller];
  private readonly stores = new Map<string, CommentStore>();
  private watchers: vscode.Disposable[] = [];
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly log: ExtensionLog) {
    this.controller.options = {
      prompt: 'Comment on this line for the revision of the step',
      placeHolder: 'What should change here?',
    };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (document) => {
        if (!this.locate(document.uri)) return [];
        return [new vscode.Range(0, 0, Math.max(document.lineCount - 1, 0), 0)];
      },
    };
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('archflow.outputFolder')) this.watch();
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => void this.reanchorSaved(doc)),
    );
    this.watch();
  }

  /** The output folder and step document a URI is, when it is one. */
  locate(uri: vscode.Uri): { output: OutputFolder; file: string; step: StepId } | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const output = outputFolderOf(folder);
    const base = output.uri.path.endsWith('/') ? output.uri.path : `${output.uri.path}/`;
    if (!uri.path.startsWith(base)) return undefined;
    const file = uri.path.slice(base.length);
    const step = stepOfDocument(file);
    return step === undefined ? undefined : { output, file, step };
  }

  store(output: OutputFolder): CommentStore {
    let store = this.stores.get(output.dir);
    if (!store) {
      store = new CommentStore(new ArtifactStore(output.dir));
      this.stores.set(output.dir, store);
    }
    return store;
  }

  /** Which stored thread a shown one is (undefined for a new, unsaved thread). */
  threadOf(thread: vscode.CommentThread): Shown | undefined {
    return this.shown.get(thread);
  }

  /** The open threads of a step's document, as notes for its revision. */
  async openNotes(output: OutputFolder, step: StepId): Promise<ReturnType<typeof notesOf>> {
    const { threads, problems } = await this.store(output).load();
    if (problems.length > 0) this.log.warn(problems.join(' '));
    return notesOf(threads.filter((t) => stepOfDocument(t.file) === step));
  }

  /** Saves a new thread typed into the editor, or a reply to a stored one. */
  async submit(reply: vscode.CommentReply): Promise<void> {
    const known = this.shown.get(reply.thread);
    if (known) {
      await this.store(known.output).reply(known.id, { author: author(), body: reply.text });
    } else {
      const where = this.locate(reply.thread.uri);
      if (!where) throw new Error('Comments go on the step documents of the Archflow output folder.');
      const line = (reply.thread.range?.start.line ?? 0) + 1;
      const doc = await vscode.workspace.openTextDocument(reply.thread.uri);
      const lineText = line <= doc.lineCount ? doc.lineAt(line - 1).text : '';
      const made = await this.store(where.output).add({
        file: where.file,
        line,
        lineText,
        author: author(),
        body: reply.text,
      });
      this.log.info(`Comment ${made.id} on ${where.output.relative}/${where.file}:${line}`);
      reply.thread.dispose();
    }
    await this.reload();
  }

  async setResolved(thread: vscode.CommentThread, resolved: boolean): Promise<void> {
    const known = this.shown.get(thread);
    if (!known) return;
    const store = this.store(known.output);
    if (resolved) await store.resolve([known.id], { by: author() });
    else await store.reopen(known.id);
    await this.reload();
  }

  async remove(thread: vscode.CommentThread): Promise<void> {
    const known = this.shown.get(thread);
    if (known) await this.store(known.output).remove(known.id);
    else thread.dispose();
    await this.reload();
  }

  /**
   * Marks the threads a revision addressed as resolved, linking the proposal when one was written
   * beside, or the version the revision replaced (Show the Change opens the diff).
   */
  async markAddressed(
    output: OutputFolder,
    ids: readonly string[],
    by: string,
    link: { proposal?: string; previous?: string } = {},
  ): Promise<CommentThread[]> {
    if (ids.length === 0) return [];
    const changed = await this.store(output).resolve(ids, { by, ...link });
    await this.reload();
    return changed;
  }

  /** "Show the Change": the diff of the revision that resolved the thread (the version it replaced → now). */
  async showChange(thread: vscode.CommentThread): Promise<void> {
    const known = this.shown.get(thread);
    if (!known?.previous || !known.previous.startsWith(`${PREVIOUS_DIR}/`)) {
      await vscode.window.showInformationMessage(
        'Archflow: this thread was not resolved by a revision that Archflow kept the previous version of.',
      );
      return;
    }
    const before = vscode.Uri.joinPath(known.output.uri, ...known.previous.split('/'));
    const after = vscode.Uri.joinPath(known.output.uri, ...known.file.split('/'));
    await vscode.commands.executeCommand(
      'vscode.diff',
      before,
      after,
      `${known.file}: ${known.id} resolved by ${known.resolvedBy ?? 'a revision'} (before ↔ now)`,
    );
  }

  /** Re-reads every output folder's comments.json and redraws its threads. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(
      () => this.redraw(),
      () => this.redraw(),
    );
    return this.reloading;
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const output = outputFolderOf(folder);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(output.uri, COMMENTS_FILE));
      const again = (): void => void this.reload();
      watcher.onDidChange(again);
      watcher.onDidCreate(again);
      watcher.onDidDelete(again);
      this.watchers.push(watcher);
    }
    void this.reload();
  }

  private async redraw(): Promise<void> {
    const next: { output: OutputFolder; thread: CommentThread; line: number }[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const output = outputFolderOf(folder);
      try {
        const { threads, problems } = await this.store(output).load();
        if (problems.length > 0) this.log.warn(`${output.relative}/${problems.join(' ')}`);
        for (const thread of threads) next.push({ output, thread, line: await this.lineNow(output, thread) });
      } catch (err) {
        this.log.warn(`Could not read ${output.relative}/${COMMENTS_FILE}: ${errorMessage(err)}`);
      }
    }
    for (const t of this.shown.keys()) t.dispose();
    this.shown.clear();
    for (const { output, thread, line } of next) {
      const uri = vscode.Uri.joinPath(output.uri, ...thread.file.split('/'));
      const shown = this.controller.createCommentThread(
        uri,
        new vscode.Range(line - 1, 0, line - 1, 0),
        thread.comments.map(toComment),
      );
      shown.label =
        thread.status === 'resolved' ? `${thread.id} · resolved${resolvedBy(thread)}` : `${thread.id} · open`;
      const previous = thread.status === 'resolved' ? thread.resolved?.previous : undefined;
      shown.contextValue = `archflow.thread.${thread.status}${previous ? '.change' : ''}`;
      shown.canReply = true;
      shown.state =
        thread.status === 'resolved' ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
      shown.collapsibleState =
        thread.status === 'resolved'
          ? vscode.CommentThreadCollapsibleState.Collapsed
          : vscode.CommentThreadCollapsibleState.Expanded;
      this.shown.set(shown, {
        output,
        id: thread.id,
        file: thread.file,
        ...(previous ? { previous, resolvedBy: thread.resolved?.by } : {}),
      });
    }
  }

  /** Where a thread's quote is in the document as it is now (an open editor's text when there is one). */
  private async lineNow(output: OutputFolder, thread: CommentThread): Promise<number> {
    const uri = vscode.Uri.joinPath(output.uri, ...thread.file.split('/'));
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text = open?.getText();
    if (text === undefined) {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        return thread.line;
      }
    }
    return reanchor(thread, text).line;
  }

  private async reanchorSaved(doc: vscode.TextDocument): Promise<void> {
    const where = this.locate(doc.uri);
    if (!where) return;
    try {
      const moved = await this.store(where.output).reanchorFile(where.file, doc.getText());
      if (moved.length > 0) await this.reload();
    } catch (err) {
      this.log.warn(`Could not move the comments of ${where.file}: ${errorMessage(err)}`);
    }
  }

  dispose(): void {
    for (const w of this.watchers) w.dispose();
    for (const t of this.shown.keys()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function toComment(c: { author: string; body: string; createdAt: string }): vscode.Comment {
  // Comment text is someone's input (and travels with git): shown as Markdown that runs nothing.
  const body = new vscode.MarkdownString(undefined, false);
  body.isTrusted = false;
  body.supportHtml = false;
  body.appendText(c.body);
  const at = new Date(c.createdAt);
  return {
    body,
    mode: vscode.CommentMode.Preview,
    author: { name: c.author },
    ...(Number.isNaN(at.getTime()) ? {} : { timestamp: at }),
  };
}

function resolvedBy(thread: CommentThread): string {
  if (!thread.resolved) return '';
  return ` by ${thread.resolved.by}${thread.resolved.proposal ? ` (proposal: ${thread.resolved.proposal})` : ''}`;
}

function author(): string {
  try {
    return os.userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}
