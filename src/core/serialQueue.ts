/** One promise serialiser: async critical sections that must not interleave run one after another. */

/**
 * Runs tasks one at a time, in the order they were queued. A task that fails rejects its own
 * promise only: the queue goes on with the next one.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` after every task queued before it; resolves or rejects with its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
