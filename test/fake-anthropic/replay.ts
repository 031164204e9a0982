/** Recorded answers to replay instead of the fake model's own: a real model's replies, one file a step. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { STEP_IDS } from '../../src/core/steps';

/** Answer texts by step number. */
export type ReplayAnswers = Partial<Record<number, string>>;

/** Reads `step-N.md` of a folder (as in ../shared/corpus/<name>/answers); a step without a file is answered by the fake model. */
export async function loadReplay(dir: string): Promise<ReplayAnswers> {
  const out: ReplayAnswers = {};
  for (const step of STEP_IDS) {
    const text = await fs.readFile(path.join(dir, `step-${step}.md`), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text !== undefined) out[step] = text;
  }
  if (Object.keys(out).length === 0) throw new Error(`${dir} holds no step-N.md answer to replay.`);
  return out;
}
