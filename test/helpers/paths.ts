/** Paths of the repository, from compiled tests in out/test/**. */
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const promptsDir = path.join(repoRoot, 'prompts');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

/** The project's own sample PRDs (test/fixtures/prds), read from the source tree. */
export const samplePrdsDir = path.join(repoRoot, 'test', 'fixtures', 'prds');

/** The sample PRDs by language; every test that only needs "a PRD" uses one of these. */
export const SAMPLE_PRDS = {
  english: 'pantry-network.md',
  german: 'kita-platzvergabe.md',
  korean: 'sijang-jangbogi.md',
} as const;

/** Absolute path of a sample PRD. */
export function samplePrd(language: keyof typeof SAMPLE_PRDS): string {
  return path.join(samplePrdsDir, SAMPLE_PRDS[language]);
}
