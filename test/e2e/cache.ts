/**
 * The e2e cache outside git ($ARCHFLOW_E2E_CACHE, else ~/.cache/archflow-e2e): each entry is a
 * folder built once into a staging folder, finished with a marker file, then renamed into place,
 * under a lock so that several processes can ask for it at once (the first builds, the others wait).
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Log = (line: string) => void;

const MARKER = '.archflow-e2e-installed.json';
const LOCK_STALE_MS = 20 * 60_000;

/** The cache folder: $ARCHFLOW_E2E_CACHE, else ~/.cache/archflow-e2e. */
export function cacheRoot(): string {
  return process.env.ARCHFLOW_E2E_CACHE || path.join(os.homedir(), '.cache', 'archflow-e2e');
}

/** What a cache entry is made of; a marker that differs in any field means: build it again. */
export type MarkerFields = Record<string, string | number>;

export interface CacheEntry {
  /** Folder name under the cache root ("code-server-4.100.3"). */
  name: string;
  /** What a complete entry records; compared field by field. */
  marker: MarkerFields;
  /** A file that must exist in a complete entry (relative to it). */
  sentinel: string;
  /** Builds the entry into `staging`, logging commands to `logFile`. */
  build(staging: string, logFile: string): Promise<void>;
}

/** The folder of `entry`, built now unless a complete one is in the cache; `built` says which. */
export async function ensureCached(entry: CacheEntry, log: Log): Promise<{ dir: string; built: boolean }> {
  const root = cacheRoot();
  const dir = path.join(root, entry.name);
  const complete = async (): Promise<boolean> =>
    markerFits(await readMarker(dir), entry.marker) && existsSync(path.join(dir, entry.sentinel));
  if (await complete()) return { dir, built: false };

  await fs.mkdir(root, { recursive: true });
  const release = await lock(path.join(root, `${entry.name}.lock`), entry.name, log);
  try {
    // Another process may have finished while we waited for the lock.
    if (await complete()) return { dir, built: false };
    const staging = `${dir}.partial-${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging, { recursive: true });
    const logFile = path.join(root, `install-${entry.name}.log`);
    await fs.writeFile(logFile, `${entry.name}, ${new Date().toISOString()}\n`);
    await entry.build(staging, logFile);
    if (!existsSync(path.join(staging, entry.sentinel))) {
      throw new Error(`${entry.name}: the install finished without ${entry.sentinel} (log: ${logFile})`);
    }
    const marker = { ...entry.marker, finishedAt: new Date().toISOString() };
    await fs.writeFile(path.join(staging, MARKER), JSON.stringify(marker, null, 2));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(staging, dir);
    return { dir, built: true };
  } finally {
    await release();
  }
}

async function readMarker(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, MARKER), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function markerFits(found: Record<string, unknown> | undefined, want: MarkerFields): boolean {
  return !!found && Object.entries(want).every(([k, v]) => found[k] === v);
}

/** A lock folder; a stale one (its owner gone or too old) is taken over. */
async function lock(lockDir: string, what: string, log: Log): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_STALE_MS;
  let told = false;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rm(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await fs.readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => '0'));
    const age = Date.now() - (await fs.stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if ((owner > 0 && !alive(owner)) || age > LOCK_STALE_MS || Date.now() > deadline) {
      log(`taking over a stale install lock (${lockDir})`);
      await fs.rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) log(`another process is installing ${what} (pid ${owner}); waiting`);
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `cmd` with its output appended to `logFile`; a failure quotes the log's tail. */
export function runLogged(
  cmd: string,
  args: string[],
  cwd: string,
  logFile: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((resolve, reject) => {
    void fs.appendFile(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`).then(async () => {
      const out = await fs.open(logFile, 'a');
      const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out.fd, out.fd] });
      child.on('error', (err) => {
        void out.close();
        reject(new Error(`${cmd} could not be started (${err.message}); is it installed and on PATH?`));
      });
      child.on('close', (code) => {
        void out.close().then(async () => {
          if (code === 0) return resolve();
          const tail = (await fs.readFile(logFile, 'utf8')).split('\n').slice(-40).join('\n');
          reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}) in ${cwd}:\n${tail}`));
        });
      });
    }, reject);
  });
}

/** Runs `cmd` and resolves with what it printed (stdout and stderr); rejects on a non-zero exit. */
export function runCapture(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`)),
    );
  });
}
