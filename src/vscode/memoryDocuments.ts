/** Read-only in-memory documents (live model output, proposed file versions) behind a URI scheme. */
import * as vscode from 'vscode';

export class MemoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /**
   * @param throttleMs Streams append many small deltas; coalescing them keeps the editor from
   *   re-reading the whole document for every token.
   */
  constructor(
    readonly scheme: string,
    private readonly throttleMs = 0,
  ) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A URI of this scheme whose tab title is the last segment of `path`. */
  uri(path: string, query = ''): vscode.Uri {
    return vscode.Uri.from({ scheme: this.scheme, path: `/${path}`, query });
  }

  has(uri: vscode.Uri): boolean {
    return this.texts.has(uri.toString());
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.notify(uri);
  }

  append(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), (this.texts.get(uri.toString()) ?? '') + text);
    this.notify(uri);
  }

  delete(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  private notify(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.throttleMs <= 0) {
      this.changed.fire(uri);
      return;
    }
    if (this.pending.has(key)) return;
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.changed.fire(uri);
      }, this.throttleMs),
    );
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.changed.dispose();
  }
}
