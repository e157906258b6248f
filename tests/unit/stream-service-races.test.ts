// Races found by review (issue "Streams that survive the real world", §3): each test fails
// against the service as it was, and asserts exactly what its name says.
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, eventually, isAlive, type Harness } from '../helpers/stream-harness';

/** A stand-in ffmpeg: goes "live" at once, then ignores 'q' and SIGTERM. */
const stubborn = fileURLToPath(
  new URL('../fixtures/stubborn-ffmpeg/stubborn-ffmpeg.mjs', import.meta.url),
);
const stubBinary = () =>
  Promise.resolve({
    path: stubborn,
    origin: 'PATH' as const,
    version: 'stub',
    filters: new Set<string>(),
  });

describe.skipIf(process.platform === 'win32')('stream service races', { timeout: 30_000 }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ ffmpeg: stubBinary, timings: { stopStepMs: 50 } });
    await h.service.init();
  });
  afterEach(() => h.dispose());

  it('a window closed while its stream is still launching leaves no session and no ffmpeg', async () => {
    const started = h.service.start('demo', { viewer: 'window:7', durationSec: 0 });
    // The window closes before the start has even resolved the camera.
    await h.service.releaseViewer('window:7');
    await started.catch(() => undefined);
    await eventually(() => h.service.list().length === 0, 10_000, 'the orphaned session ending');
    expect(h.spawned.length).toBeGreaterThan(0);
    await eventually(() => h.spawned.every((pid) => !isAlive(pid)), 5_000, 'its ffmpeg ending');
    expect(h.sessionDirs()).toEqual([]);
  });

  it('shutdown also ends starts still queued, and refuses any start after it', async () => {
    const first = h.service.start('demo', { viewer: 'w', durationSec: 0 });
    const shutdown = h.service.shutdown();
    await first.catch(() => undefined);
    await shutdown;
    expect(h.service.list()).toEqual([]);
    expect(h.spawned.filter(isAlive)).toEqual([]);
    await expect(h.service.start('demo', { viewer: 'w' })).rejects.toMatchObject({
      code: 'shutting-down',
    });
    expect(h.service.pids()).toEqual([]);
  });

  it('tray "Stop all" also ends a start still queued, and later starts still work', async () => {
    const first = h.service.start('demo', { viewer: 'w', durationSec: 0 });
    await h.service.stopAll();
    await first.catch(() => undefined);
    await eventually(() => h.service.list().length === 0, 10_000, 'every session ending');
    const again = await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    expect(again.state).toBe('starting');
  });

  it('a replaced session’s late "failed" is not published over the new session (Retry while failing)', async () => {
    await h.dispose();
    h = createHarness({ ffmpeg: stubBinary, timings: { stopStepMs: 600, stallTimeoutMs: 800 } });
    await h.service.init();
    await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    const old = await h.waitFor('demo', 'live');
    const [pid] = h.service.pids();
    if (pid === undefined) throw new Error('no ffmpeg pid recorded');
    process.kill(pid, 'SIGSTOP'); // the camera freezes: the session fails, slowly
    await eventually(() => h.logs.some((l) => l.includes('no media for')), 10_000, 'the stall');
    const fresh = await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    expect(fresh.sessionId).not.toBe(old.sessionId);
    await eventually(() => !isAlive(pid), 10_000, 'the old ffmpeg ending');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const afterFresh = h.events.slice(h.events.findIndex((e) => e.sessionId === fresh.sessionId));
    expect(afterFresh.filter((e) => e.sessionId === old.sessionId)).toEqual([]);
    expect(h.service.list().map((s) => s.sessionId)).toEqual([fresh.sessionId]);
  });

  it('a failing session is not served and has no URL while it goes down', async () => {
    await h.dispose();
    // The camera "freezes" (the stand-in is paused), the stall watchdog fails the session,
    // and its ffmpeg takes two long rungs to end: that is the window to look into.
    h = createHarness({ ffmpeg: stubBinary, timings: { stopStepMs: 600, stallTimeoutMs: 800 } });
    await h.service.init();
    await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    const live = await h.waitFor('demo', 'live');
    expect(h.service.liveDirectory(live.sessionId)).toBeDefined();
    const [pid] = h.service.pids();
    if (pid === undefined) throw new Error('no ffmpeg pid recorded');
    process.kill(pid, 'SIGSTOP');
    await eventually(() => h.logs.some((l) => l.includes('no media for')), 10_000, 'the stall');
    expect(h.service.list()[0]?.state).toBe('live'); // still tearing down
    expect(h.service.liveDirectory(live.sessionId)).toBeUndefined();
    expect(h.service.list()[0]?.url ?? null).toBeNull();
    await h.waitFor('demo', 'failed');
  });
});
