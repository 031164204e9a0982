/**
 * How long a real model's answers are: the characters of each step's answer in
 * ../shared/corpus/saas-activation/answers (a real Claude model, a 6 KB PRD), read from the corpus
 * when it is there and else from this table of the same files, so a plain clone benchmarks the
 * same sizes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { STEP_IDS } from '../src/core/steps';

/** Characters of `answers/step-N.md` in the corpus (early December 2026). */
export const CORPUS_ANSWER_CHARS: Readonly<Record<number, number>> = {
  1: 24115,
  2: 14945,
  3: 26764,
  4: 18070,
  5: 17389,
  6: 19623,
  7: 19193,
  8: 31989,
};

/** The answer sizes by step, and where they came from. */
export async function answerSizes(
  answersDir: string,
): Promise<{ source: 'corpus' | 'table'; chars: Record<number, number> }> {
  const chars: Record<number, number> = {};
  for (const step of STEP_IDS) {
    const stat = await fs.stat(path.join(answersDir, `step-${step}.md`)).catch(() => undefined);
    if (!stat) return { source: 'table', chars: { ...CORPUS_ANSWER_CHARS } };
    chars[step] = stat.size;
  }
  return { source: 'corpus', chars };
}
