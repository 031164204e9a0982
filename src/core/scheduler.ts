/** Runs a DAG of tasks: a task starts when all its needs finished, at most `concurrency` at once. */

export interface DagTask<K> {
  id: K;
  /** Ids of tasks in this run that must finish successfully first. */
  needs: K[];
}

export interface DagResult<K> {
  done: K[];
  failed: K[];
  /** Not started: a need failed, or the run was cancelled. */
  skipped: K[];
}

/**
 * Runs `tasks` in dependency order. `run` resolves on success and rejects on failure; a failed
 * task's dependents are skipped, others go on. After `signal` aborts no new task starts.
 */
export async function runDag<K>(
  tasks: DagTask<K>[],
  concurrency: number,
  run: (id: K) => Promise<void>,
  signal?: AbortSignal,
): Promise<DagResult<K>> {
  const limit = Math.max(1, Math.floor(concurrency));
  const ids = new Set(tasks.map((t) => t.id));
  const pending = new Map(tasks.map((t) => [t.id, t.needs.filter((n) => ids.has(n))]));
  const done: K[] = [];
  const failed: K[] = [];
  const skipped: K[] = [];
  const running = new Map<K, Promise<void>>();

  const skipDependents = (): void => {
    let changed = true;
    while (changed) {
      changed = false;
      for (const [id, needs] of pending) {
        if (needs.some((n) => failed.includes(n) || skipped.includes(n))) {
          pending.delete(id);
          skipped.push(id);
          changed = true;
        }
      }
    }
  };

  while (pending.size > 0 || running.size > 0) {
    if (signal?.aborted) {
      for (const id of pending.keys()) skipped.push(id);
      pending.clear();
    }
    for (const [id, needs] of pending) {
      if (running.size >= limit || signal?.aborted) break;
      if (needs.every((n) => done.includes(n))) {
        pending.delete(id);
        running.set(
          id,
          run(id).then(
            () => {
              done.push(id);
            },
            () => {
              failed.push(id);
            },
          ),
        );
      }
    }
    if (running.size === 0) {
      // Nothing can start: whatever is left waits on something that will never finish.
      for (const id of pending.keys()) skipped.push(id);
      pending.clear();
      break;
    }
    const settled = await Promise.race([...running.entries()].map(([id, p]) => p.then(() => id)));
    running.delete(settled);
    skipDependents();
  }
  return { done, failed, skipped };
}
