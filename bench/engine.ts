/** The workflow as the benchmark runs it: a copy of the PRD in a temporary folder, the fake server's URL. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MODEL } from '../src/core/config';
import type { WorkflowEngine } from '../src/core/engine';
import { createWorkflow } from '../src/core/factory';
import { silentLogger } from '../src/core/log';

/** The model the runs ask for (the settings' default), whose list price the costs use. */
export const BENCH_MODEL = DEFAULT_MODEL;

export interface BenchFolder {
  dir: string;
  prdCopy: string;
  outputDir: string;
  engine: (concurrency: number) => WorkflowEngine;
}

/** A fresh folder with a copy of `prd`, and engines over it that call `url`. */
export async function benchFolder(prd: string, url: string, repo: string): Promise<BenchFolder> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-bench-'));
  const prdCopy = path.join(dir, 'PRD.md');
  await fs.copyFile(prd, prdCopy);
  const outputDir = path.join(dir, 'docs', 'architecture');
  return {
    dir,
    prdCopy,
    outputDir,
    engine: (concurrency) =>
      createWorkflow({
        outputDir,
        prdPath: prdCopy,
        connection: { provider: 'anthropic', apiKey: 'bench-key', baseURL: url },
        prompts: { builtinDir: path.join(repo, 'prompts') },
        settings: { model: BENCH_MODEL, maxTokens: 16000, concurrency },
        resolveConflict: async () => 'overwrite',
        log: silentLogger,
      }),
  };
}
