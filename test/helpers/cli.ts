/** Runs the built CLI (dist/cli.js) as a child process, as a user or a CI pipeline would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath, samplePrd } from './paths';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fast retries so fault tests take milliseconds, not minutes. */
export const FAST_RETRY_ENV = {
  ARCHFLOW_RETRY_BASE_MS: '10',
  ARCHFLOW_RETRY_MAX_MS: '50',
  ARCHFLOW_RETRY_ATTEMPTS: '3',
  ARCHFLOW_IDLE_TIMEOUT_MS: '5000',
};

/** Starts the CLI; `done` resolves when it exits. */
export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: cwd ?? os.tmpdir(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<CliResult> {
  return startCli(args, env, cwd).done;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'archflow-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A fresh folder holding the English sample PRD as PRD.md; `out` is where Archflow writes (not created). */
export async function prdWorkspace(prefix = 'archflow-'): Promise<{ dir: string; prd: string; out: string }> {
  const dir = await tempDir(prefix);
  const prd = path.join(dir, 'PRD.md');
  await fs.copyFile(samplePrd('english'), prd);
  return { dir, prd, out: path.join(dir, 'docs', 'architecture') };
}

/** A prdWorkspace designed whole by `archflow design` against the server `env` names. */
export async function designedWorkspace(
  prefix: string,
  env: Record<string, string | undefined>,
): Promise<{ dir: string; prd: string; out: string }> {
  const ws = await prdWorkspace(prefix);
  const r = await runCli(['design', ws.prd, '--out', ws.out], env);
  if (r.code !== 0) throw new Error(`archflow design exited ${r.code}:\n${r.stderr}`);
  return ws;
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}
