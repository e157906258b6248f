import { afterEach, describe, expect, it, vi } from 'vitest';
import { QUIT_DEADLINE_MS, quitAfterShutdown } from '../../src/main/quit-guard';

describe('quit after shutdown', () => {
  afterEach(() => void vi.useRealTimers());

  it('quits once the shutdown has finished, without exiting hard', async () => {
    const quit = vi.fn();
    const exit = vi.fn();
    await quitAfterShutdown({ shutdown: () => Promise.resolve(), quit, exit });
    expect(quit).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
  });

  it('a shutdown that hangs: exits after the deadline, and never quits twice', async () => {
    vi.useFakeTimers();
    const quit = vi.fn();
    const exit = vi.fn();
    const lines: string[] = [];
    let finish: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (finish = resolve));
    const running = quitAfterShutdown({
      shutdown: () => hung,
      quit,
      exit,
      log: (l) => lines.push(l),
    });
    await vi.advanceTimersByTimeAsync(QUIT_DEADLINE_MS - 1);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit).toHaveBeenCalledWith(0);
    expect(lines.join('\n')).toMatch(/exiting anyway/);
    // The teardown finishing late must not start a second quit.
    finish();
    await running;
    expect(quit).not.toHaveBeenCalled();
  });

  it('a shutdown that rejects still quits, and says why', async () => {
    const quit = vi.fn();
    const lines: string[] = [];
    await quitAfterShutdown({
      shutdown: () => Promise.reject(new Error('EBUSY: rm')),
      quit,
      exit: vi.fn(),
      log: (l) => lines.push(l),
    });
    expect(quit).toHaveBeenCalledTimes(1);
    expect(lines).toEqual(['quit: shutdown failed: EBUSY: rm']);
  });
});
