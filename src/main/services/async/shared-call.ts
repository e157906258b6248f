/**
 * Shares the running call per key: while `run(key, task)` is pending, another call for the
 * same key gets the same promise instead of starting the work again. Once it settles, the
 * next call starts afresh (results are not cached).
 */
export class SharedCalls<K, T> {
  private readonly running = new Map<K, Promise<T>>();

  run(key: K, task: () => Promise<T>): Promise<T> {
    const current = this.running.get(key);
    if (current) return current;
    const started = (async () => task())().finally(() => {
      if (this.running.get(key) === started) this.running.delete(key);
    });
    this.running.set(key, started);
    return started;
  }

  /** True while a call for `key` is running. */
  has(key: K): boolean {
    return this.running.has(key);
  }
}
