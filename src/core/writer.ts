/**
 * Writing a run's files: atomic and confined (through the store), hash bookkeeping so a user's
 * edit is recognised, and the question before an edit is replaced (keep it, overwrite it, or put
 * Archflow's version beside it).
 */
import * as path from 'node:path';
import { withoutControlChars } from './answerText';
import type { Conflict, ConflictChoice, ConflictResolver, EngineEvent } from './events';
import type { StepId } from './steps';
import { hashText } from './hash';
import type { Logger } from './log';
import type { RunFiles } from './runFiles';
import type { FileHashes } from './runState';
import { SerialQueue } from './serialQueue';

/** "foo.md" → "foo.archflow-proposed.md": where a new version goes when the user keeps theirs. */
export function besideName(rel: string): string {
  const ext = path.posix.extname(rel);
  return `${rel.slice(0, rel.length - ext.length)}.archflow-proposed${ext}`;
}

/** What the writer needs from the run. */
export interface WriterDeps {
  files: RunFiles;
  hashes: FileHashes;
  resolveConflict: ConflictResolver;
  log: Logger;
  emit: (event: EngineEvent) => void;
}

/** What the writer knows about the files of one write. */
export interface WriteMeta {
  /** The step whose answer they are. */
  step?: StepId;
  /** Files whose replacement the resolver must review even when the user did not edit them. */
  review?: ReadonlySet<string>;
  /** Files whose replacement was already accepted (asked once, not again). */
  accepted?: ReadonlySet<string>;
}

/** Writes the files of one run; parallel steps share it, so their conflict questions come one at a time. */
export class FileWriter {
  private readonly questions = new SerialQueue();

  constructor(private readonly deps: WriterDeps) {}

  /**
   * Writes files, asking before replacing content the user changed since Archflow wrote it. The
   * new hashes are recorded before the files are written, so a crash between the two never makes
   * Archflow's own file look like a user's edit. Returns the files now holding Archflow's version
   * (or the user's, kept by their choice).
   */
  async write(files: ReadonlyMap<string, string>, meta: WriteMeta = {}): Promise<string[]> {
    const { files: disk, hashes, emit } = this.deps;
    const written: string[] = [];
    for (const [rel, generated] of files) {
      // Whatever a model put into the text, no control character reaches a file.
      const content = withoutControlChars(generated);
      // From disk, not the run's cache: the user may have edited it while the run went on.
      const current = await disk.readFresh(rel);
      written.push(rel);
      if (current === content) continue;
      const userEdited = current !== undefined && !hashes.known(rel).includes(hashText(current));
      const review = current !== undefined && meta.review?.has(rel) === true;
      if (current !== undefined && (userEdited || review) && !meta.accepted?.has(rel)) {
        const conflict: Conflict = {
          file: rel,
          current,
          proposed: content,
          step: meta.step,
          userEdited,
          reason: review ? 'revision' : 'edited',
        };
        const choice = await this.ask(conflict);
        if (choice !== 'overwrite') {
          await this.decline(conflict, choice);
          continue;
        }
      }
      await hashes.record(rel, content);
      await disk.write(rel, content);
      emit({ type: 'file-written', file: rel });
    }
    return written;
  }

  /** Asks the resolver, one question at a time however many steps run at once. */
  ask(conflict: Conflict): Promise<ConflictChoice> {
    return this.questions.run(() => this.deps.resolveConflict(conflict));
  }

  /** Leaves the file on disk as it is: the proposal is dropped (`keep`) or written beside it (`beside`). */
  async decline(conflict: Conflict, choice: Exclude<ConflictChoice, 'overwrite'>): Promise<void> {
    const { files: disk, log, emit } = this.deps;
    const rel = conflict.file;
    const yours = conflict.userEdited ? 'your edited ' : '';
    if (choice === 'keep') {
      log.info(`Kept ${yours}${rel}; Archflow's new version was discarded.`);
      emit({
        type: 'file-kept',
        file: rel,
        reason: conflict.reason,
        step: conflict.step,
        userEdited: conflict.userEdited,
      });
      return;
    }
    const beside = besideName(rel);
    await disk.write(beside, withoutControlChars(conflict.proposed));
    log.info(`Kept ${yours}${rel}; wrote Archflow's new version to ${beside}.`);
    emit({
      type: 'file-kept',
      file: rel,
      besideFile: beside,
      reason: conflict.reason,
      step: conflict.step,
      userEdited: conflict.userEdited,
    });
  }

  /** Deletes a file Archflow wrote and no longer produces, unless the user changed it since. */
  async removeIfOurs(rel: string): Promise<void> {
    const text = await this.deps.files.readFresh(rel);
    if (text !== undefined && this.deps.hashes.known(rel).includes(hashText(text))) await this.deps.files.remove(rel);
  }
}
