/**
 * The material beside the repository in ../shared (the real PRDs of other people, a real model's
 * answers). CI has it; a plain clone does not, so the tests that read it skip with a reason that
 * names the missing folder, and every other test uses the project's own samples.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

/** ../shared relative to the repository root. */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');

const WHAT = {
  prds: 'the real PRDs',
  corpus: "a real model's answers",
} as const;

/** A folder of ../shared and the node:test `skip` option for the tests that read it. */
export interface SharedFolder {
  /** Absolute path of the folder. */
  dir: string;
  /** Whether the folder exists. */
  present: boolean;
  /** `false` when present, else the reason printed for each skipped test. */
  skip: false | string;
}

/** `../shared/<name>`: its path, and `skip` for tests that need it (give it to every such test). */
export function sharedFolder(name: keyof typeof WHAT): SharedFolder {
  const dir = path.join(sharedDir, name);
  const present = existsSync(dir);
  return {
    dir,
    present,
    skip: present
      ? false
      : `needs ${WHAT[name]} in ../shared/${name}: ${dir} does not exist (CI has it beside the repository)`,
  };
}
