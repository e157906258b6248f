/** Runs a task when a slot is free; calls beyond the limit wait in arrival order. */
export interface Limiter {
  <T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly running: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

/**
 * A counting semaphore with a queue: at most `max` tasks run at once (one per ffmpeg grab,
 * one per ONVIF inspection …), so a burst of requests cannot start a process per request.
 */
export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError('createLimiter: max must be ≥ 1');
  let running = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    running--;
    const next = queue.shift();
    if (next) next();
  };
  const run = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        running++;
        let result: Promise<T>;
        try {
          result = task();
        } catch (error) {
          result = Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
        void result.then(resolve, reject).finally(release);
      };
      if (running < max) start();
      else queue.push(start);
    });
  return Object.defineProperties(run, {
    running: { get: () => running },
    waiting: { get: () => queue.length },
  }) as Limiter;
}
