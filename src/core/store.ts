/** Files in the output folder: confined, atomic, and never over a user's edit without asking. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** A path that would leave the output folder or is not a plain file name. */
export class UnsafePathError extends Error {
  constructor(rel: string, why: string) {
    super(`Refusing to write "${rel}": ${why}. Archflow only writes inside its output folder.`);
    this.name = 'UnsafePathError';
  }
}

/** Checks a relative path is a plain path inside the folder (no absolute path, `..`, NUL, drive). */
export function checkRelativePath(rel: string): string {
  if (rel.length === 0 || rel.length > 240) throw new UnsafePathError(rel, 'the path is empty or too long');
  if (rel.includes('\0')) throw new UnsafePathError(rel, 'the path contains a NUL character');
  if (path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\')) {
    throw new UnsafePathError(rel, 'the path is absolute');
  }
  const parts = rel.split(/[\\/]/);
  if (parts.some((p) => p === '..' || p === '.' || p === ''))
    throw new UnsafePathError(rel, 'the path has empty, "." or ".." segments');
  return parts.join('/');
}

/** What reading the design needs of a folder: its files by relative path. */
export interface FolderReader {
  /** The absolute path of the folder. */
  readonly root: string;
  /** A file's text; undefined when it does not exist. */
  read(rel: string): Promise<string | undefined>;
  /** File names in a folder of the store; empty when it does not exist. */
  list(relDir: string): Promise<string[]>;
}

/** The output folder as a store of text files addressed by relative paths. */
export class ArtifactStore implements FolderReader {
  private realRoot: string | undefined;

  constructor(readonly root: string) {}

  /** The absolute path of `rel`, after checking it stays inside the root. */
  pathOf(rel: string): string {
    return path.join(this.root, checkRelativePath(rel));
  }

  /** Reads a file; undefined when it does not exist. */
  async read(rel: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.pathOf(rel), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Lists file names in a folder of the store; empty when it does not exist. */
  async list(relDir: string): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.pathOf(relDir), { withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /**
   * Writes atomically: a temporary file in the same folder, then rename, so a crash or cancel
   * leaves the old or the new content, never a mix. Refuses to follow a symlink out of the root.
   */
  async write(rel: string, content: string | Uint8Array): Promise<void> {
    const target = this.pathOf(rel);
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    await this.assertInside(dir, rel);
    const existing = await fs.lstat(target).catch(() => undefined);
    if (existing?.isSymbolicLink()) throw new UnsafePathError(rel, 'the file is a symbolic link');
    if (existing?.isDirectory()) throw new UnsafePathError(rel, 'a folder of that name exists');
    const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(tmp, content, typeof content === 'string' ? { encoding: 'utf8', flag: 'wx' } : { flag: 'wx' });
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  /** Deletes a file if it exists. */
  async remove(rel: string): Promise<void> {
    await fs.rm(this.pathOf(rel), { force: true });
  }

  private async assertInside(absDir: string, rel: string): Promise<void> {
    if (!this.realRoot) {
      await fs.mkdir(this.root, { recursive: true });
      this.realRoot = await fs.realpath(this.root);
    }
    const real = await fs.realpath(absDir);
    if (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep)) {
      throw new UnsafePathError(rel, `its folder resolves to ${real}, outside ${this.realRoot}`);
    }
  }
}
