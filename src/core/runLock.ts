/**
 * One run at a time per output folder, across processes (the extension, the CLI, MCP), under any
 * interleaving (ADR 0015). The lock file `.archflow.lock` is created whole and atomically with
 * link(): a unique candidate file holding the owner's facts is written first, then linked to the
 * lock's name, which fails when the name exists. A stale lock (its owner provably gone) is taken
 * over only under a short take-over guard (a directory made with mkdir, atomic too): the holder
 * of the guard reads the lock again, and only when it is still the stale one removes it and links
 * its own. Every acquisition is verified by reading the lock back.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsProblem } from './fsError';
import type { ArtifactStore } from './store';

export const LOCK_FILE = '.archflow.lock';
/** The take-over guard: exists only for the few milliseconds of a take-over. */
const GUARD = `${LOCK_FILE}.takeover`;
/** A guard older than this was left by a process killed during a take-over. */
const GUARD_STALE_MS = 5_000;
/** An unreadable lock (an old Archflow's, half written) older than this is stale. */
const UNREADABLE_STALE_MS = 10_000;

/** What is known about the run that holds a folder. */
export interface LockOwner {
  pid?: number;
  host?: string;
  startedAt?: string;
  /** How long ago the run started, in ms. */
  ageMs?: number;
  /** The lock may be left over: its owner could not be checked (another machine, no process start time). */
  unverified?: boolean;
}

/** Another run holds the folder; the message names the lock file, its owner and its age, and what to do. */
export class RunLockedError extends Error {
  constructor(
    message: string,
    readonly lockFile: string,
    readonly owner: LockOwner = {},
  ) {
    super(message);
    this.name = 'RunLockedError';
  }
}

interface LockBody {
  pid?: number;
  host?: string;
  startedAt?: string;
  /** Unique per acquisition: the owner knows its lock by it. */
  token?: string;
  /** The owner's process start time (Linux: field 22 of /proc/<pid>/stat): a reused PID has another. */
  procStart?: string;
}

/** Whether a process of this machine is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time where the system tells it (Linux /proc), else undefined. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** "42 s", "3 min", "2 h 5 min". */
function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface HeldLock {
  text: string;
  body?: LockBody;
  mtimeMs: number;
}

async function readHeld(file: string): Promise<HeldLock | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    let body: LockBody | undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object') body = parsed as LockBody;
    } catch {
      // Unreadable: judged by its age.
    }
    return { text, body, mtimeMs: stat.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsProblem(err, file, 'read');
  }
}

/** Whether the lock's owner is provably gone ('stale'), provably running ('live'), or cannot be checked. */
async function judge(held: HeldLock, nowMs: number): Promise<'stale' | 'live' | 'unverified'> {
  const b = held.body;
  if (!b || typeof b.pid !== 'number') return nowMs - held.mtimeMs > UNREADABLE_STALE_MS ? 'stale' : 'unverified';
  if (b.host !== undefined && b.host !== os.hostname()) return 'unverified';
  if (b.pid === process.pid) return 'live';
  if (!alive(b.pid)) return 'stale';
  const start = await processStartTime(b.pid);
  if (start !== undefined && b.procStart !== undefined) return start === b.procStart ? 'live' : 'stale';
  return 'unverified';
}

function lockedError(
  root: string,
  file: string,
  held: HeldLock,
  verdict: 'live' | 'unverified',
  nowMs: number,
): RunLockedError {
  const b = held.body ?? {};
  const started = b.startedAt ? Date.parse(b.startedAt) : held.mtimeMs;
  const ageMs = Number.isFinite(started) ? nowMs - started : undefined;
  const foreign = b.host !== undefined && b.host !== os.hostname();
  const who =
    typeof b.pid === 'number'
      ? `process ${b.pid}${foreign ? ` on ${b.host}` : ''}, started ${b.startedAt ?? 'at an unknown time'}${ageMs !== undefined ? `, ${ageText(ageMs)} ago` : ''}`
      : `its lock file cannot be read, written ${ageText(nowMs - held.mtimeMs)} ago`;
  const clear =
    verdict === 'unverified'
      ? ` If no Archflow run is going on${foreign ? ` on ${b.host}` : ''}, the lock is left over: delete ${file} and run again.`
      : '';
  return new RunLockedError(
    `Another Archflow run (${who}) is writing to ${root}; it holds the lock ${file}. Wait for it to finish or cancel it, then run again.${clear}`,
    file,
    {
      pid: b.pid,
      host: b.host,
      startedAt: b.startedAt,
      ageMs,
      unverified: verdict === 'unverified',
    },
  );
}

/** Runs `fn` holding the take-over guard; 'busy' when another process holds it. */
async function withGuard<T>(root: string, fn: () => Promise<T>): Promise<T | 'busy'> {
  const guard = path.join(root, GUARD);
  try {
    await fs.mkdir(guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsProblem(err, guard, 'create');
    const stat = await fs.stat(guard).catch(() => undefined);
    // A guard lives for milliseconds; an old one was left by a process killed during a take-over.
    if (stat && Date.now() - stat.mtimeMs > GUARD_STALE_MS) await fs.rmdir(guard).catch(() => undefined);
    return 'busy';
  }
  try {
    return await fn();
  } finally {
    await fs.rmdir(guard).catch(() => undefined);
  }
}

/**
 * Takes the folder's run lock; resolves to its release. A lock whose owner is provably gone (its
 * process is dead, or its PID now belongs to a process that started at another time) is taken
 * over atomically; any other lock is refused with a RunLockedError.
 */
export async function acquireRunLock(store: ArtifactStore, now: Date): Promise<() => Promise<void>> {
  const root = store.root;
  const file = path.join(root, LOCK_FILE);
  await store.ensureRoot();
  const token = randomBytes(6).toString('hex');
  const body: LockBody = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: now.toISOString(),
    token,
    procStart: await processStartTime(process.pid),
  };
  const text = JSON.stringify(body) + '\n';
  const candidate = path.join(root, `${LOCK_FILE}.${token}.tmp`);
  const writeCandidate = async (): Promise<void> => {
    await fs.writeFile(candidate, text, { flag: 'w' }).catch((err: unknown) => {
      throw fsProblem(err, file, 'create');
    });
  };
  const ours = async (): Promise<boolean> => (await readHeld(file))?.body?.token === token;
  const release = async (): Promise<void> => {
    if (await ours().catch(() => false)) await fs.rm(file, { force: true });
  };
  /** link(): creates the lock with its whole content, or fails when it exists. */
  const link = async (): Promise<'taken' | 'exists'> => {
    for (;;) {
      try {
        await fs.link(candidate, file);
        return 'taken';
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return 'exists';
        // The candidate went away (a cleanup of leftovers): write it again.
        if (code === 'ENOENT') await writeCandidate();
        else throw fsProblem(err, file, 'create');
      }
    }
  };
  await writeCandidate();
  try {
    for (let attempt = 0; attempt < 400; attempt++) {
      if ((await link()) === 'taken') {
        if (await ours()) return release;
        continue;
      }
      const held = await readHeld(file);
      if (!held) continue;
      const verdict = await judge(held, Date.now());
      if (verdict !== 'stale') throw lockedError(root, file, held, verdict, now.getTime());
      const outcome = await withGuard(root, async () => {
        const again = await readHeld(file);
        // Someone else took it over (or released it) since it was judged: judge anew.
        if (again && again.text !== held.text) return 'changed';
        if (again) await fs.rm(file, { force: true });
        return link();
      });
      if (outcome === 'taken' && (await ours())) return release;
      if (outcome === 'busy') await sleep(5 + Math.random() * 20);
    }
  } finally {
    await fs.rm(candidate, { force: true });
  }
  throw new RunLockedError(
    `Could not take the run lock ${file}: other processes kept changing it. If no Archflow run is going on, delete it and run again.`,
    file,
  );
}
