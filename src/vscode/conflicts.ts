/**
 * Asks the user before a run replaces a document (SPEC §8, issue 8): a revision of a step document
 * is shown as a diff (yours ↔ Archflow's proposal) with Accept, Reject and Accept All; a file the user
 * edited by hand gets a question whose default keeps their file. Dismissing any question (Escape,
 * Cancel, closing it) skips that file only: the run goes on, and nothing the user wrote is replaced
 * without their Accept.
 *
 * A notification can slide into the notification centre while the user reads the diff, so the
 * question waiting for a revision can also be answered from the diff itself (Accept Revision and
 * Reject Revision in its editor title) and from the status bar item "Review …", which asks it again
 * as a quick pick and reopens the diff. Whichever answers first decides; a later click elsewhere
 * changes nothing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conflict, ConflictChoice, ConflictResolver } from '../core/events';
import { SerialQueue } from '../core/serialQueue';
import { stepTitle } from '../core/steps';
import { besideName } from '../core/writer';
import type { OutputFolder } from './config';
import type { ExtensionLog } from './log';
import { MemoryDocuments } from './memoryDocuments';

export const PROPOSED_SCHEME = 'archflow-proposed';

type ConflictQuestion = Conflict;

export const ACCEPT = 'Accept';
export const REJECT = 'Reject';
export const ACCEPT_ALL = 'Accept All';
export const KEEP_MINE = 'Keep Mine, Write Beside';
export const OVERWRITE = 'Overwrite Mine';
export const COMPARE = 'Compare';
export const SHOW_DIFF = 'Show the Diff Again';

/** Set while a revision waits for its answer: the diff's editor title shows Accept and Reject. */
export const REVIEW_PENDING_KEY = 'archflow.reviewPending';

/** The revision question waiting for its answer, if any (one at a time: they are asked in turn). */
interface PendingReview {
  /** output-relative path of the revised file, as the question names it. */
  name: string;
  relative: string;
  /** The proposed document of the diff that was shown for this question. */
  proposedUri: vscode.Uri;
  choices: readonly string[];
  answer(choice: string): void;
  showDiff(): Promise<void>;
}

/** What one run remembers between its questions. */
interface RunReview {
  acceptAll: boolean;
}

export class ConflictPrompts implements vscode.Disposable {
  private readonly docs = new MemoryDocuments(PROPOSED_SCHEME);
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this.docs);
  /** Parallel steps may conflict at once; the questions are asked one after another. */
  private readonly questions = new SerialQueue();
  private counter = 0;
  private pending: PendingReview | undefined;
  private readonly reviewItem = vscode.window.createStatusBarItem(
    'archflow.review',
    vscode.StatusBarAlignment.Left,
    49,
  );

  constructor(private readonly log: ExtensionLog) {
    this.reviewItem.name = 'Archflow Revision Review';
    this.reviewItem.command = { command: 'archflow.revision.review', title: 'Review the Revision' };
  }

  /** The revision waiting for an answer, if any (its output-relative name). */
  pendingReview(): string | undefined {
    return this.pending?.name;
  }

  /**
   * Answers the waiting revision from the diff's editor title. `uri`: the document the button was
   * pressed on; a diff left over from an earlier question does not answer this one.
   */
  async answerFromDiff(choice: typeof ACCEPT | typeof REJECT, uri?: unknown): Promise<void> {
    const pending = this.pending;
    if (!pending) {
      await vscode.window.showInformationMessage('Archflow: no revision is waiting for review.');
      return;
    }
    if (
      uri instanceof vscode.Uri &&
      uri.scheme === PROPOSED_SCHEME &&
      uri.toString() !== pending.proposedUri.toString()
    ) {
      await vscode.window.showInformationMessage(
        `Archflow: this diff is from an earlier question. The revision waiting now is ${pending.name}; it is shown again.`,
      );
      await pending.showDiff();
      return;
    }
    pending.answer(choice);
  }

  /** The status bar item's question: the same choices as a quick pick, or the diff again. */
  async reviewPending(): Promise<void> {
    const pending = this.pending;
    if (!pending) {
      await vscode.window.showInformationMessage('Archflow: no revision is waiting for review.');
      return;
    }
    const pick = await vscode.window.showQuickPick([...pending.choices, SHOW_DIFF], {
      title: `Archflow: the revision of ${pending.name} waits for your answer`,
      placeHolder: 'Accept writes the revision shown in the diff; Reject keeps the file as it is',
    });
    if (pick === SHOW_DIFF) await pending.showDiff();
    else if (pick && this.pending === pending) pending.answer(pick);
  }

  /** A resolver for the engine of one run in `output` (Accept All lasts for that run). */
  resolverFor(output: OutputFolder): ConflictResolver {
    const review: RunReview = { acceptAll: false };
    const resolver = (conflict: ConflictQuestion): Promise<ConflictChoice> =>
      this.questions.run(() => this.ask(output, review, conflict));
    return resolver;
  }

  private async ask(output: OutputFolder, review: RunReview, conflict: ConflictQuestion): Promise<ConflictChoice> {
    const relative = path.isAbsolute(conflict.file)
      ? path.relative(output.dir, conflict.file).split(path.sep).join('/')
      : conflict.file;
    const name = `${output.relative}/${relative}`;
    // A revision is reviewed as a diff; any other write over a hand-edited file is asked about
    // with the safe choice first. Accept All never answers for a file the user edited.
    if (conflict.reason === 'revision') {
      if (review.acceptAll && conflict.userEdited !== true)
        return this.logged(name, 'overwrite', 'accepted (Accept All)');
      return this.review(output, review, relative, name, conflict);
    }
    return this.edited(output, relative, name, conflict);
  }

  /** A revision: the diff, then Accept / Reject / Accept All beside it (not modal, so the diff can be read). */
  private async review(
    output: OutputFolder,
    review: RunReview,
    relative: string,
    name: string,
    conflict: ConflictQuestion,
  ): Promise<ConflictChoice> {
    const who = conflict.step ? stepTitle(conflict.step) : 'Archflow';
    const what = conflict.userEdited
      ? `${who} revised ${relative}, starting from your edits`
      : `${who} revised ${relative}`;
    const label = 'current ↔ proposed revision';
    const proposedUri = await this.showDiff(output, relative, conflict.proposed, label);
    // A document the user edited offers to keep theirs with the revision beside it; Accept All
    // never answers for such a file, so it is not offered there.
    const choices = conflict.userEdited ? [ACCEPT, KEEP_MINE, REJECT] : [ACCEPT, REJECT, ACCEPT_ALL];
    const message = conflict.userEdited
      ? `${what}. Accept replaces ${name} with the revision shown in the diff. ${KEEP_MINE} leaves ${relative} as it is and writes the revision to ${besideName(relative)}. Reject keeps ${relative} and writes nothing for it.`
      : `${what}. Accept replaces ${name} with the revision shown in the diff; Reject keeps ${relative} as it is and writes nothing for it. Accept All accepts the remaining revisions of this run.`;
    const choice = await this.waitForAnswer(
      { name, relative, proposedUri, choices, showDiff: () => this.showDiffAt(output, relative, proposedUri, label) },
      vscode.window.showInformationMessage(message, ...choices),
    );
    if (choice === KEEP_MINE) return this.logged(name, 'beside', `kept; revision in ${besideName(relative)}`);
    if (choice === ACCEPT_ALL) {
      review.acceptAll = true;
      return this.logged(name, 'overwrite', 'accepted (Accept All)');
    }
    if (choice === ACCEPT) return this.logged(name, 'overwrite', 'accepted');
    return this.logged(name, 'keep', choice === REJECT ? 'rejected' : 'dismissed: kept as it is');
  }

  /** A file the user edited: Keep Mine (write beside) is the default; Overwrite says it loses their edits. */
  private async edited(
    output: OutputFolder,
    relative: string,
    name: string,
    conflict: ConflictQuestion,
  ): Promise<ConflictChoice> {
    const beside = besideName(relative);
    const detail =
      `${KEEP_MINE} leaves ${relative} as you wrote it and writes Archflow's version to ${beside}. ` +
      `${OVERWRITE} replaces ${relative} with Archflow's version; your edits in it are lost. ` +
      `${COMPARE} shows the difference first. Cancel skips this file; the run goes on.`;
    let compared = false;
    for (;;) {
      // Modal first so it cannot be missed (its first button is the default); after Compare the
      // question must not block the diff, so it comes back as a notification.
      const choice = compared
        ? await vscode.window.showWarningMessage(
            `${name} was edited since Archflow wrote it. ${detail}`,
            KEEP_MINE,
            OVERWRITE,
          )
        : await vscode.window.showWarningMessage(
            `${name} was edited since Archflow wrote it.`,
            { modal: true, detail },
            KEEP_MINE,
            COMPARE,
            OVERWRITE,
          );
      if (choice === OVERWRITE) return this.logged(name, 'overwrite', 'overwritten');
      if (choice === KEEP_MINE) return this.logged(name, 'beside', `kept; proposal in ${beside}`);
      if (choice !== COMPARE) return this.logged(name, 'keep', 'cancelled: kept, nothing written');
      compared = true;
      await this.showDiff(output, relative, conflict.proposed, "yours ↔ Archflow's new version");
    }
  }

  private async showDiff(output: OutputFolder, relative: string, proposed: string, label: string): Promise<vscode.Uri> {
    const proposedUri = this.docs.uri(relative, `v=${++this.counter}`);
    this.docs.set(proposedUri, proposed);
    await this.showDiffAt(output, relative, proposedUri, label);
    return proposedUri;
  }

  private async showDiffAt(
    output: OutputFolder,
    relative: string,
    proposedUri: vscode.Uri,
    label: string,
  ): Promise<void> {
    const fileUri = vscode.Uri.joinPath(output.uri, ...relative.split('/'));
    await vscode.commands.executeCommand(
      'vscode.diff',
      fileUri,
      proposedUri,
      `${path.posix.basename(relative)} (${label})`,
      { preview: true } satisfies vscode.TextDocumentShowOptions,
    );
  }

  /**
   * The first answer to a revision question: its notification, the diff's editor title or the
   * status bar's quick pick. While it waits, the status bar says which file waits.
   */
  private async waitForAnswer(
    question: Omit<PendingReview, 'answer'>,
    notification: Thenable<string | undefined>,
  ): Promise<string | undefined> {
    let answer!: (choice: string | undefined) => void;
    const answered = new Promise<string | undefined>((resolve) => (answer = resolve));
    const pending: PendingReview = { ...question, answer };
    this.pending = pending;
    this.setPending(true);
    this.reviewItem.text = `$(git-compare) Review ${path.posix.basename(question.relative)}`;
    this.reviewItem.tooltip = `Archflow: the revision of ${question.name} waits for your answer (${question.choices.join(', ')})`;
    this.reviewItem.show();
    notification.then(answer, () => answer(undefined));
    try {
      return await answered;
    } finally {
      if (this.pending === pending) {
        this.pending = undefined;
        this.setPending(false);
        this.reviewItem.hide();
      }
    }
  }

  private setPending(value: boolean): void {
    vscode.commands.executeCommand('setContext', REVIEW_PENDING_KEY, value).then(undefined, (err: unknown) => {
      this.log.warn(`Could not set context key ${REVIEW_PENDING_KEY}: ${String(err)}`);
    });
  }

  private logged(name: string, choice: ConflictChoice, said: string): ConflictChoice {
    this.log.info(`${name}: ${said}`);
    return choice;
  }

  dispose(): void {
    this.reviewItem.dispose();
    this.registration.dispose();
    this.docs.dispose();
  }
}

/** After a run kept a user's file and wrote the proposal beside it: say where, with Compare and Open. */
export async function announceBeside(output: OutputFolder, file: string, besideFile: string): Promise<void> {
  const mine = vscode.Uri.joinPath(output.uri, ...file.split('/'));
  const theirs = vscode.Uri.joinPath(output.uri, ...besideFile.split('/'));
  const open = `Open ${path.posix.basename(besideFile)}`;
  const choice = await vscode.window.showInformationMessage(
    `Archflow kept your ${output.relative}/${file} and wrote its version beside it: ${output.relative}/${besideFile}.`,
    COMPARE,
    open,
  );
  if (choice === COMPARE) {
    await vscode.commands.executeCommand(
      'vscode.diff',
      mine,
      theirs,
      `${path.posix.basename(file)} (yours ↔ Archflow's version)`,
    );
  } else if (choice === open) await vscode.commands.executeCommand('vscode.open', theirs);
}
