// Races found by review (issue "Streams that survive the real world", §3): each test fails
// against the service as it was, and asserts exactly what its name says.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHarness,
  eventually,
  isAlive,
  neverLiveFfmpeg,
  stubbornFfmpeg,
  type Harness,
} from '../helpers/stream-harness';

describe.skipIf(process.platform === 'win32')('stream service races', { timeout: 30_000 }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ ffmpeg: stubbornFfmpeg, timings: { stopStepMs: 50 } });
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
    // Never goes live, ignores q and SIGTERM: the start times out and the failing session
    // takes two long rungs to end. Retry arrives meanwhile.
    h = createHarness({
      ffmpeg: neverLiveFfmpeg,
      timings: { stopStepMs: 600, startTimeoutMs: 800 },
    });
    await h.service.init();
    const old = await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    const [pid] = h.service.pids();
    if (pid === undefined) throw new Error('no ffmpeg pid recorded');
    await eventually(() => h.logs.some((l) => l.includes('failed (timed-out)')), 10_000, 'timeout');
    const fresh = await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    expect(fresh.sessionId).not.toBe(old.sessionId);
    await eventually(() => !isAlive(pid), 10_000, 'the old ffmpeg ending');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const afterFresh = h.events.slice(h.events.findIndex((e) => e.sessionId === fresh.sessionId));
    expect(afterFresh.filter((e) => e.sessionId === old.sessionId)).toEqual([]);
    expect(h.service.list().map((s) => s.sessionId)).toEqual([fresh.sessionId]);
  });

  it('a live session whose camera froze is not served and has no URL while it reconnects', async () => {
    await h.dispose();
    h = createHarness({
      ffmpeg: stubbornFfmpeg,
      timings: { stopStepMs: 600, stallTimeoutMs: 800 },
    });
    await h.service.init();
    await h.service.start('demo', { viewer: 'w', durationSec: 0 });
    const live = await h.waitFor('demo', 'live');
    expect(h.service.liveDirectory(live.sessionId)).toBeDefined();
    const [pid] = h.service.pids();
    if (pid === undefined) throw new Error('no ffmpeg pid recorded');
    process.kill(pid, 'SIGSTOP'); // the camera freezes: no more media time
    const dropped = await h.waitFor('demo', 'reconnecting', 10_000);
    expect(dropped).toMatchObject({ sessionId: live.sessionId, url: null, reconnectAttempt: 1 });
    expect(h.service.liveDirectory(live.sessionId)).toBeUndefined();
    // The frozen ffmpeg is ended (a stopped process dies on SIGKILL).
    await eventually(() => !isAlive(pid), 5_000, 'the frozen ffmpeg ending');
  });
});
