/** Paths of the repository, from compiled tests in out/test/**. */
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const promptsDir = path.join(repoRoot, 'prompts');
export const prdsDir = path.resolve(repoRoot, '..', 'shared', 'prds');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
