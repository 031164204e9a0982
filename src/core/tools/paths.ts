/** Paths a model names in a tool's input: resolved, and refused when they leave the folder they belong to. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UnsafePathError, checkRelativePath } from '../store';
import { ToolInputError } from './types';

/** `p` with symlinks resolved as far as it exists (a file that does not exist yet keeps its own name). */
async function realPath(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(await realPath(parent), path.basename(p));
  }
}

/** Whether `p` is `root` or inside it (as paths, without touching the disk). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A path the model gave (absolute, or relative to `root`) as an absolute path inside `root`, after
 * resolving symlinks; `what` names it in the refusal ("The PRD", "The file").
 */
export async function resolveInside(root: string, given: string, what: string, rootName: string): Promise<string> {
  if (given.includes('\0')) throw new ToolInputError(`${what} path contains a NUL character.`);
  const absolute = path.resolve(root, given);
  const [realRoot, real] = await Promise.all([realPath(root), realPath(absolute)]);
  if (!isInside(realRoot, real)) {
    throw new ToolInputError(
      `${what} "${given}" is outside ${rootName} (${root}); Archflow only reads and writes inside it. Give a path inside it.`,
    );
  }
  return absolute;
}

/** A file of the output folder as the model named it, relative to the folder; refused when it leaves it. */
export function outputRelative(given: string): string {
  try {
    return checkRelativePath(given.replace(/^\.\//, ''));
  } catch (err) {
    if (!(err instanceof UnsafePathError)) throw err;
    throw new ToolInputError(
      `"${given}" is outside the output folder: give a path relative to it, such as diagrams/c4-context.mmd.`,
    );
  }
}
