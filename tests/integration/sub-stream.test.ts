// A camera's main and sub streams are two sessions (one ffmpeg each), held and let go of
// apart, and ended together when the camera's stream is stopped (issue "The camera wall" §2).
import { afterEach, describe, expect, it } from 'vitest';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { createHarness, isAlive, type Harness } from '../helpers/stream-harness';

const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP sub streams: GStreamer RTSP server is not installed');
const LIVE_WITHIN = 20_000;

describe.runIf(gst)('a camera’s main and sub streams', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    await stopAllFakeCameras();
  });

  it('run as two sessions; a viewer lets go of the sub stream alone; stopping the camera ends both and their ffmpeg', async () => {
    h = createHarness();
    const main = await startFakeCamera({ audio: 'none', size: '1280x720' });
    const sub = await startFakeCamera({ audio: 'none', size: '640x360' });
    h.cameras.set('cam', { kind: 'rtsp', url: main.url });
    h.cameras.set('cam#sub', { kind: 'rtsp', url: sub.url });
    const [m, s] = await Promise.all([
      h.service.start('cam', { viewer: 'window', durationSec: 0 }),
      h.service.start('cam', { viewer: 'wall', durationSec: 0, variant: 'sub' }),
    ]);
    expect(m.variant).toBe('main');
    expect(s.variant).toBe('sub');
    expect(s.sessionId).not.toBe(m.sessionId);
    await expect
      .poll(() => h?.service.list().filter((i) => i.state === 'live').length, {
        timeout: LIVE_WITHIN,
      })
      .toBe(2);
    const pids = h.service.pids();
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    // The wall lets go of its sub stream: the window's main stream plays on.
    await h.service.release('cam', 'wall', 'sub');
    await expect
      .poll(() => h?.service.list().map((i) => `${i.variant}:${i.state}`), { timeout: 10_000 })
      .toEqual(['main:live']);
    // The same viewer holds the sub stream again; the camera's Stop ends both.
    await h.service.start('cam', { viewer: 'wall', durationSec: 0, variant: 'sub' });
    await expect
      .poll(() => h?.service.list().filter((i) => i.state === 'live').length, {
        timeout: LIVE_WITHIN,
      })
      .toBe(2);
    const running = h.service.pids();
    await h.service.stop('cam');
    expect(h.service.list()).toEqual([]);
    expect(running.filter(isAlive)).toEqual([]);
    expect(h.sessionDirs()).toEqual([]);
  });

  it('a camera without a sub stream refuses one, saying what to do, and starts nothing', async () => {
    h = createHarness();
    const main = await startFakeCamera({ audio: 'none', size: '640x360' });
    h.cameras.set('cam', { kind: 'rtsp', url: main.url });
    await expect(
      h.service.start('cam', { viewer: 'wall', durationSec: 0, variant: 'sub' }),
    ).rejects.toThrow(/has no sub stream/);
    expect(h.spawned).toEqual([]);
    expect(h.service.list()).toEqual([]);
  });
});
