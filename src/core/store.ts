/** Files in the output folder: confined, atomic, and never over a user's edit without asking. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsError, fsProblem } from './fsError';

/** A path that would leave the output folder or is not a plain file name. */
export class UnsafePathError extends Error {
  constructor(rel: string, why: string, verb: 'write' | 'read' = 'write') {
    super(
      verb === 'write'
        ? `Refusing to write "${rel}": ${why}. Archflow only writes inside its output folder.`
        : `Refusing to read "${rel}": ${why}. Archflow reads nothing outside its output folder but the PRD and the prompts; replace the link with the file itself (or remove it), then run again.`,
    );
    this.name = 'UnsafePathError';
  }
}

/** Our temporary files: `.<name>.<12 hex digits>.tmp` (atomic writes, lock candidates). */
export const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

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

  /**
   * Reads a file; undefined when it does not exist. A file that resolves outside the folder (a
   * symbolic link, or a linked folder on its path) is refused, naming the link: nothing outside
   * the output folder is read and sent to a model.
   */
  async read(rel: string): Promise<string | undefined> {
    const target = this.pathOf(rel);
    try {
      const real = await this.realInside(target, rel);
      if (real === undefined) return undefined;
      return await fs.readFile(real, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (err instanceof UnsafePathError) throw err;
      throw fsProblem(err, target, 'read');
    }
  }

  /** Lists file names in a folder of the store (plain files, not links); empty when it does not exist. */
  async list(relDir: string): Promise<string[]> {
    const target = this.pathOf(relDir);
    try {
      const real = await this.realInside(target, relDir);
      if (real === undefined) return [];
      const entries = await fs.readdir(real, { withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      if (err instanceof UnsafePathError) throw err;
      throw fsProblem(err, target, 'list');
    }
  }

  /** Creates the output folder when missing; a file in its place is explained. */
  async ensureRoot(): Promise<void> {
    const stat = await fs.stat(this.root).catch(() => undefined);
    if (stat && !stat.isDirectory()) {
      throw new FsError(
        'file-in-the-way',
        this.root,
        'create',
        'EEXIST',
        `The output folder ${this.root} is a file, not a folder. Choose another output folder, or move the file away, then run again.`,
      );
    }
    if (!stat)
      await fs.mkdir(this.root, { recursive: true }).catch((err: unknown) => {
        throw fsProblem(err, this.root, 'create');
      });
  }

  /**
   * Removes the temporary files a killed run left (ours only: `TEMP_FILE`), in the folder and its
   * subfolders (links are not followed). Call it holding the run lock. Returns what it removed.
   */
  async removeLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory() && depth < 4) await walk(abs, depth + 1);
        else if (e.isFile() && TEMP_FILE.test(e.name)) {
          await fs.rm(abs, { force: true }).catch(() => undefined);
          removed.push(path.relative(this.root, abs).split(path.sep).join('/'));
        }
      }
    };
    await walk(this.root, 0);
    return removed;
  }

  /**
   * `abs` with links resolved, refused when it resolves outside the root; undefined when it does
   * not exist (a dangling link included).
   */
  private async realInside(abs: string, rel: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const realRoot = await fs.realpath(this.root).catch(() => this.root);
    if (real === realRoot || real.startsWith(realRoot + path.sep)) return real;
    throw new UnsafePathError(rel, `${await this.linkOn(abs)} resolves to ${real}, outside the output folder`, 'read');
  }

  /** Names the symbolic link on the way from the root to `abs` ("it is a symbolic link", "its folder diagrams is …"). */
  private async linkOn(abs: string): Promise<string> {
    const parts = path.relative(this.root, abs).split(path.sep);
    for (let i = 1; i <= parts.length; i++) {
      const p = path.join(this.root, ...parts.slice(0, i));
      const st = await fs.lstat(p).catch(() => undefined);
      if (st?.isSymbolicLink()) {
        const to = await fs.readlink(p).catch(() => '?');
        const name = parts.slice(0, i).join('/');
        return i === parts.length
          ? `it is a symbolic link (to ${to}) that`
          : `the folder ${name} is a symbolic link (to ${to}) that`;
      }
    }
    return 'it';
  }

  /**
   * Writes atomically: a temporary file in the same folder, then rename, so a crash or cancel
   * leaves the old or the new content, never a mix. Refuses to follow a symlink out of the root.
   */
  async write(rel: string, content: string | Uint8Array): Promise<void> {
    const target = this.pathOf(rel);
    const dir = path.dirname(target);
    await this.ensureRoot();
    await fs.mkdir(dir, { recursive: true }).catch((err: unknown) => {
      throw fsProblem(err, dir, 'create');
    });
    await this.assertInside(dir, rel);
    const existing = await fs.lstat(target).catch(() => undefined);
    if (existing?.isSymbolicLink()) throw new UnsafePathError(rel, 'the file is a symbolic link');
    if (existing?.isDirectory()) throw new UnsafePathError(rel, 'a folder of that name exists');
    const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(tmp, content, typeof content === 'string' ? { encoding: 'utf8', flag: 'wx' } : { flag: 'wx' });
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw fsProblem(err, target, 'write');
    }
  }

  /** Deletes a file if it exists. */
  async remove(rel: string): Promise<void> {
    const target = this.pathOf(rel);
    await fs.rm(target, { force: true }).catch((err: unknown) => {
      throw fsProblem(err, target, 'remove');
    });
  }

  private async assertInside(absDir: string, rel: string): Promise<void> {
    if (!this.realRoot) {
      this.realRoot = await fs.realpath(this.root);
    }
    const real = await fs.realpath(absDir);
    if (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep)) {
      throw new UnsafePathError(rel, `its folder resolves to ${real}, outside ${this.realRoot}`);
    }
  }
}
