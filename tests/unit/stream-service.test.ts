import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, isAlive, stubbornFfmpeg, type Harness } from '../helpers/stream-harness';

// Each test starts up to three stand-in ffmpeg (node) processes: ~0.3 s here, but several
// seconds while other suites load a 2-core machine. 20 s is room for that, not for a hang.
const onPosix = describe.skipIf(process.platform === 'win32');

onPosix('StreamService with a stand-in ffmpeg', { timeout: 20_000 }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ ffmpeg: stubbornFfmpeg, timings: { stopStepMs: 50 } });
    await h.service.init();
    for (const id of ['a', 'b', 'c'])
      h.cameras.set(id, { kind: 'rtsp', url: `rtsp://127.0.0.1:9/${id}` });
  });
  afterEach(() => h.dispose());

  it('escalates q → SIGTERM → SIGKILL for an ffmpeg that ignores the first two', async () => {
    const step = 300;
    await h.dispose();
    h = createHarness({ ffmpeg: stubbornFfmpeg, timings: { stopStepMs: step } });
    h.cameras.set('a', { kind: 'rtsp', url: 'rtsp://127.0.0.1:9/a' });
    await h.service.init();
    await h.service.start('a', { viewer: 't' });
    const live = await h.waitFor('a', 'live');
    const [pid] = h.service.pids();
    const t0 = Date.now();
    await h.service.release('a', 't');
    const took = Date.now() - t0;
    console.log(`stop ladder with ${String(step)} ms rungs took ${String(took)} ms`);
    // Waited on both rungs (one rung alone is ~step). A timer can fire early by as much as
    // the event loop's cached clock lags, which grows on a busy machine: 100 ms of slack.
    expect(took).toBeGreaterThanOrEqual(2 * step - 100);
    // SIGKILL ends it: nothing beyond the two rungs but reaping the process and removing
    // its directory, which a loaded machine may stretch to a second or two.
    expect(took).toBeLessThan(2 * step + 2_500);
    expect(isAlive(pid ?? -1)).toBe(false);
    expect(h.sessionDirs()).not.toContain(live.sessionId);
    expect((await h.waitFor('a', 'ended')).endReason).toBe('stopped');
  });

  it('shutdown ends every session and leaves an empty temp root', async () => {
    for (const id of ['a', 'b', 'c']) await h.service.start(id, { viewer: 't' });
    await Promise.all(['a', 'b', 'c'].map((id) => h.waitFor(id, 'live')));
    await h.service.shutdown();
    expect(h.spawned.filter(isAlive)).toEqual([]);
    expect(h.sessionDirs()).toEqual([]);
    const ends = h.events.filter((e) => e.state === 'ended');
    expect(ends.map((e) => e.endReason)).toEqual(['shutdown', 'shutdown', 'shutdown']);
  });

  it('reports no deadline while starting, and counts the limit from the first picture', async () => {
    const first = await h.service.start('a', { viewer: 't', durationSec: 30 });
    expect(first).toMatchObject({ state: 'starting', deadline: null, timeLimitSec: 30 });
    const live = await h.waitFor('a', 'live');
    expect((live.deadline ?? 0) - Date.now()).toBeGreaterThan(29_000);
  });

  it('durationSec 0 means no time limit', async () => {
    await h.service.start('a', { viewer: 't', durationSec: 0 });
    const live = await h.waitFor('a', 'live');
    expect(live).toMatchObject({ deadline: null, timeLimitSec: null });
    const extended = await h.service.extend('a', 60);
    expect(extended.timeLimitSec).toBeNull();
  });

  it('a joining viewer gets at least the time it asked for, and never shortens it', async () => {
    await h.service.start('a', { viewer: 'v1', durationSec: 10 });
    await h.waitFor('a', 'live');
    const longer = await h.service.start('a', { viewer: 'v2', durationSec: 120 });
    expect(longer.viewers).toBe(2);
    expect(longer.timeLimitSec).toBeGreaterThanOrEqual(120);
    const shorter = await h.service.start('a', { viewer: 'v3', durationSec: 5 });
    expect(shorter.deadline).toBe(longer.deadline);
    // The same viewer starting twice holds one reference.
    expect((await h.service.start('a', { viewer: 'v3' })).viewers).toBe(3);
  });

  it('releaseViewer drops a closed window from every session it held', async () => {
    await h.service.start('a', { viewer: 'w' });
    await h.service.start('b', { viewer: 'w' });
    await h.service.start('b', { viewer: 'other' });
    await Promise.all([h.waitFor('a', 'live'), h.waitFor('b', 'live')]);
    await h.service.releaseViewer('w');
    expect(h.service.list().map((s) => [s.cameraId, s.viewers])).toEqual([['b', 1]]);
  });

  it('stop ends a camera for every viewer (tray Stop)', async () => {
    await h.service.start('a', { viewer: 'x' });
    await h.service.start('a', { viewer: 'y' });
    await h.waitFor('a', 'live');
    await h.service.stop('a');
    expect(h.service.list()).toEqual([]);
  });

  it.each([
    [-1, /0 \(no limit\) to 86400 seconds/],
    [Number.NaN, /0 \(no limit\) to 86400 seconds/],
    [86_401, /0 \(no limit\) to 86400 seconds/],
  ])(
    'refuses durationSec %s with the allowed range, starting nothing',
    async (durationSec, message) => {
      await expect(h.service.start('a', { viewer: 't', durationSec })).rejects.toThrow(message);
      expect(h.spawned).toEqual([]);
    },
  );

  it('refuses a bad extend with the allowed range', async () => {
    await h.service.start('a', { viewer: 't' });
    await expect(h.service.extend('a', 0)).rejects.toThrow(/Extend by 1 to 86400 seconds/);
  });
});
