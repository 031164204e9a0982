/**
 * Writing a run's files: atomic and confined (through the store), hash bookkeeping so a user's
 * edit is recognised, and the question before an edit is replaced (keep it, overwrite it, or put
 * Archflow's version beside it).
 */
import * as path from 'node:path';
import { withoutControlChars } from './answerText';
import type { ConflictResolver, EngineEvent } from './events';
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
  async write(files: ReadonlyMap<string, string>): Promise<string[]> {
    const { files: disk, hashes, log, emit } = this.deps;
    const written: string[] = [];
    for (const [rel, generated] of files) {
      // Whatever a model put into the text, no control character reaches a file.
      const content = withoutControlChars(generated);
      // From disk, not the run's cache: the user may have edited it while the run went on.
      const current = await disk.readFresh(rel);
      written.push(rel);
      if (current === content) continue;
      if (current !== undefined && !hashes.known(rel).includes(hashText(current))) {
        const choice = await this.questions.run(() =>
          this.deps.resolveConflict({ file: rel, current, proposed: content }),
        );
        if (choice === 'keep') {
          log.info(`Kept your edited ${rel}; Archflow's new version was discarded.`);
          emit({ type: 'file-kept', file: rel });
          continue;
        }
        if (choice === 'beside') {
          const beside = besideName(rel);
          await disk.write(beside, content);
          log.info(`Kept your edited ${rel}; wrote Archflow's new version to ${beside}.`);
          emit({ type: 'file-kept', file: rel, besideFile: beside });
          continue;
        }
      }
      await hashes.record(rel, content);
      await disk.write(rel, content);
      emit({ type: 'file-written', file: rel });
    }
    return written;
  }

  /** Deletes a file Archflow wrote and no longer produces, unless the user changed it since. */
  async removeIfOurs(rel: string): Promise<void> {
    const text = await this.deps.files.readFresh(rel);
    if (text !== undefined && this.deps.hashes.known(rel).includes(hashText(text))) await this.deps.files.remove(rel);
  }
}
