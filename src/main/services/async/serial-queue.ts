/**
 * Runs tasks one after another per key: a task starts when the previous task of the same
 * key has settled (fulfilled or rejected), so work on one camera (or one file) never
 * interleaves while different keys run side by side. A failed task does not stop the queue.
 */
export class SerialQueue<K = string> {
  private readonly tails = new Map<K, Promise<void>>();

  /** Queues `task` behind the running and queued tasks of `key`; resolves with its result. */
  run<T>(key: K, task: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or queued right now. */
  busyKeys(): K[] {
    return [...this.tails.keys()];
  }

  /** True while `key` has a task running or queued. */
  isBusy(key: K): boolean {
    return this.tails.has(key);
  }
}

/** A single serial queue: tasks run one after another, in call order. */
export class SerialRunner {
  private readonly queue = new SerialQueue<null>();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    return this.queue.run(null, task);
  }
}
