/** Asks the user what to do when a run would overwrite a file they edited (SPEC §8). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConflictChoice, ConflictResolver } from '../core/events';
import type { OutputFolder } from './config';
import type { ExtensionLog } from './log';
import { MemoryDocuments } from './memoryDocuments';
import { SerialQueue } from '../core/serialQueue';

export const PROPOSED_SCHEME = 'archflow-proposed';

const OVERWRITE = 'Overwrite';
const BESIDE = 'Keep Mine (write beside)';
const COMPARE = 'Compare';

export class ConflictPrompts implements vscode.Disposable {
  private readonly docs = new MemoryDocuments(PROPOSED_SCHEME);
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this.docs);
  /** Parallel steps may conflict at once; the questions are asked one after another. */
  private readonly questions = new SerialQueue();
  private counter = 0;

  constructor(private readonly log: ExtensionLog) {}

  /** A resolver for the engine of a run in `output`. */
  resolverFor(output: OutputFolder): ConflictResolver {
    return (conflict) => this.questions.run(() => this.ask(output, conflict.file, conflict.proposed));
  }

  private async ask(output: OutputFolder, file: string, proposed: string): Promise<ConflictChoice> {
    const relative = path.isAbsolute(file) ? path.relative(output.dir, file).split(path.sep).join('/') : file;
    const fileUri = vscode.Uri.joinPath(output.uri, ...relative.split('/'));
    const name = `${output.relative}/${relative}`;
    let compared = false;
    for (;;) {
      // Modal first so it cannot be missed; after Compare the question must not block the diff,
      // so it comes back as a notification.
      const choice = compared
        ? await vscode.window.showWarningMessage(`Use Archflow's new version of ${name}?`, OVERWRITE, BESIDE, COMPARE)
        : await vscode.window.showWarningMessage(
            `${name} was edited since Archflow wrote it.`,
            {
              modal: true,
              detail:
                "Overwrite replaces your edits with this run's version. Keep Mine leaves your file as it is and writes the new version beside it. Compare shows the difference first.",
            },
            OVERWRITE,
            BESIDE,
            COMPARE,
          );
      if (choice === OVERWRITE) return this.logged(name, 'overwrite');
      if (choice === BESIDE) return this.logged(name, 'beside');
      if (choice !== COMPARE) return this.logged(name, 'keep');
      compared = true;
      const proposedUri = this.docs.uri(relative, `v=${++this.counter}`);
      this.docs.set(proposedUri, proposed);
      await vscode.commands.executeCommand(
        'vscode.diff',
        fileUri,
        proposedUri,
        `${path.posix.basename(relative)} (yours ↔ Archflow's new version)`,
        { preview: true } satisfies vscode.TextDocumentShowOptions,
      );
    }
  }

  private logged(name: string, choice: ConflictChoice): ConflictChoice {
    this.log.info(`Edited file ${name}: ${choice}`);
    return choice;
  }

  dispose(): void {
    this.registration.dispose();
    this.docs.dispose();
  }
}
