/** One run at a time per output folder, across processes (the extension and the CLI). */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import type { ArtifactStore } from './store';

export const LOCK_FILE = '.archflow.lock';

/** Another run holds the folder; the message says who and what to do. */
export class RunLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLockedError';
  }
}

interface LockBody {
  pid?: number;
  host?: string;
  startedAt?: string;
}

/** Whether a process of this machine is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock of another machine (a shared folder) is trusted for this long, since its process cannot be checked. */
const FOREIGN_LOCK_MS = 6 * 60 * 60 * 1000;

/**
 * Takes the folder's run lock (created exclusively); resolves to its release. A lock left by a
 * process that no longer runs (a crash, a kill) is taken over.
 */
export async function acquireRunLock(store: ArtifactStore, now: Date): Promise<() => Promise<void>> {
  const file = store.pathOf(LOCK_FILE);
  await fs.mkdir(store.root, { recursive: true });
  const body: LockBody = { pid: process.pid, host: os.hostname(), startedAt: now.toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(body) + '\n', { flag: 'wx' });
      return async () => {
        const held = await fs.readFile(file, 'utf8').catch(() => '');
        if (held.includes(`"pid":${process.pid},`)) await fs.rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let held: LockBody = {};
    try {
      held = JSON.parse(await fs.readFile(file, 'utf8')) as LockBody;
    } catch {
      // Unreadable or half-written: treat it as stale.
    }
    const sameHost = held.host === os.hostname();
    const age = held.startedAt ? now.getTime() - Date.parse(held.startedAt) : Infinity;
    const live = typeof held.pid === 'number' && (sameHost ? alive(held.pid) : age < FOREIGN_LOCK_MS);
    if (live) {
      throw new RunLockedError(
        `Another Archflow run (process ${held.pid}${sameHost ? '' : ` on ${held.host}`}, started ${held.startedAt}) is writing to ${store.root}. Wait for it to finish or cancel it, then run again.`,
      );
    }
    await fs.rm(file, { force: true });
  }
  throw new RunLockedError(`Could not take the run lock ${file}. Remove it if no Archflow run is going on.`);
}
