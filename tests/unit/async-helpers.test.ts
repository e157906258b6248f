import { describe, expect, it } from 'vitest';
import { SerialQueue, SerialRunner } from '../../src/main/services/async/serial-queue';
import { SharedCalls } from '../../src/main/services/async/shared-call';

function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SerialQueue', () => {
  it('runs the tasks of one key one after another, in call order', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const first = deferred();
    const a = queue.run('cam', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = queue.run('cam', () => log.push('b'));
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.resolve();
    await Promise.all([a, b]);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs different keys side by side', async () => {
    const queue = new SerialQueue();
    const blocker = deferred();
    const slow = queue.run('one', () => blocker.promise);
    await expect(queue.run('two', () => 'done')).resolves.toBe('done');
    blocker.resolve();
    await slow;
  });

  it('goes on after a failed task and hands its error only to its own caller', async () => {
    const queue = new SerialQueue();
    const failed = queue.run('cam', () => {
      throw new Error('boom');
    });
    const next = queue.run('cam', () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('reports a key busy while a task runs or waits, and forgets it once all settled', async () => {
    const queue = new SerialQueue();
    const blocker = deferred();
    const running = queue.run('cam', () => blocker.promise);
    const waiting = queue.run('cam', () => undefined);
    expect(queue.isBusy('cam')).toBe(true);
    expect(queue.busyKeys()).toEqual(['cam']);
    blocker.resolve();
    await Promise.all([running, waiting]);
    await new Promise((r) => setImmediate(r));
    expect(queue.isBusy('cam')).toBe(false);
    expect(queue.busyKeys()).toEqual([]);
  });

  it('SerialRunner serializes keyless tasks', async () => {
    const runner = new SerialRunner();
    const order: number[] = [];
    const gate = deferred();
    const a = runner.run(async () => {
      await gate.promise;
      order.push(1);
    });
    const b = runner.run(() => order.push(2));
    gate.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
  });
});

describe('SharedCalls', () => {
  it('gives a second caller the running call instead of starting it again', async () => {
    const calls = new SharedCalls<string, number>();
    let started = 0;
    const gate = deferred<number>();
    const task = (): Promise<number> => {
      started += 1;
      return gate.promise;
    };
    const a = calls.run('cam', task);
    const b = calls.run('cam', task);
    expect(b).toBe(a);
    expect(started).toBe(1);
    gate.resolve(7);
    await expect(a).resolves.toBe(7);
  });

  it('starts afresh once the call settled, failed ones included', async () => {
    const calls = new SharedCalls<string, number>();
    await expect(calls.run('cam', () => Promise.reject(new Error('first')))).rejects.toThrow(
      'first',
    );
    expect(calls.has('cam')).toBe(false);
    await expect(calls.run('cam', () => Promise.resolve(2))).resolves.toBe(2);
  });

  it('turns a task that throws at once into a rejected call and forgets it', async () => {
    const calls = new SharedCalls<string, number>();
    const failing = calls.run('cam', () => {
      throw new Error('sync');
    });
    await expect(failing).rejects.toThrow('sync');
    expect(calls.has('cam')).toBe(false);
  });
});
