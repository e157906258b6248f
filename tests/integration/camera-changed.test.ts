// One camera-changed path (issue "Streams that survive the real world" §6): editing a camera
// restarts its running stream from the new source in the same session, viewers and deadline
// kept, and forgets what Vigil learned about the old source.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commandLineOf } from '../../src/main/services/streaming/process-guard';
import type { StreamInfo, StreamState } from '../../src/shared/streams';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  startSilentTcpServer,
  stopAllFakeCameras,
} from '../fixtures/fake-camera';
import { fromDir, probeFirstSegment } from '../helpers/hls-probe';
import { createHarness, eventually, isAlive, type Harness } from '../helpers/stream-harness';

/** The first event for `cameraId` in `state` emitted after the first `seen` events. */
async function nextEvent(
  h: Harness,
  seen: number,
  cameraId: string,
  state: StreamState,
  timeoutMs: number,
): Promise<StreamInfo> {
  const find = () => h.events.slice(seen).find((e) => e.cameraId === cameraId && e.state === state);
  await eventually(() => find() !== undefined, timeoutMs, `${cameraId} ${state} after the change`);
  const found = find();
  if (!found) throw new Error('unreachable');
  return found;
}

/** The video size of the first segment a live session lists. */
async function videoSize(h: Harness, sessionId: string): Promise<[number?, number?]> {
  const dir = h.service.liveDirectory(sessionId);
  if (!dir) throw new Error(`session ${sessionId} is not live`);
  const video = (await probeFirstSegment(fromDir(dir))).find((s) => s.codec_type === 'video');
  return [video?.width, video?.height];
}

describe.runIf(hasGstreamerRtsp())('StreamService.cameraChanged', () => {
  let h: Harness | undefined;
  afterEach(() => h?.dispose());
  afterAll(() => stopAllFakeCameras());

  it('a live stream whose camera moved resumes from the new camera in the same session: reconnecting → live, viewers and deadline kept', async () => {
    const first = await startFakeCamera({ audio: 'none' });
    const second = await startFakeCamera({ audio: 'none', size: '640x360', path: '/second' });
    h = createHarness();
    await h.service.init();
    h.cameras.set('cam', { kind: 'rtsp', url: first.url });
    await h.service.start('cam', { viewer: 'w1', durationSec: 120 });
    await h.service.start('cam', { viewer: 'w2', durationSec: 120 });
    const live = await h.waitFor('cam', 'live', 20_000);
    expect(await videoSize(h, live.sessionId)).toEqual([1280, 720]);
    const [oldPid] = h.service.pids();
    if (oldPid === undefined) throw new Error('no ffmpeg pid recorded');

    const seen = h.events.length;
    h.cameras.set('cam', { kind: 'rtsp', url: second.url });
    await h.service.cameraChanged('cam');
    const back = await nextEvent(h, seen, 'cam', 'live', 20_000);

    const states = h.events.slice(seen).filter((e) => e.cameraId === 'cam');
    expect(states.map((e) => e.state)).toEqual(['reconnecting', 'live']);
    const kept = { sessionId: live.sessionId, deadline: live.deadline, viewers: 2 };
    expect(states[0]).toMatchObject({ ...kept, url: null, reconnectAttempt: 1, dropped: null });
    expect(back).toMatchObject({ ...kept, url: live.url, timeLimitSec: 120 });
    // The old ffmpeg is gone; the one running now reads the second camera (its picture size).
    expect(isAlive(oldPid)).toBe(false);
    expect(h.service.pids().filter(isAlive)).toHaveLength(1);
    expect(h.service.pids()).not.toContain(oldPid);
    expect(await videoSize(h, live.sessionId)).toEqual([640, 360]);
    expect(h.sessionDirs()).toEqual([live.sessionId]);
  }, 60_000);

  it('a stream still starting (a camera that never answers) restarts from the new camera: starting → live, same session', async () => {
    const silent = await startSilentTcpServer();
    const good = await startFakeCamera({ audio: 'none', size: '640x360' });
    try {
      h = createHarness();
      await h.service.init();
      h.cameras.set('cam', { kind: 'rtsp', url: silent.url });
      const started = await h.service.start('cam', { viewer: 'w', durationSec: 30 });
      expect(started.state).toBe('starting');
      const seen = h.events.length;
      h.cameras.set('cam', { kind: 'rtsp', url: good.url });
      await h.service.cameraChanged('cam');
      const live = await nextEvent(h, seen, 'cam', 'live', 20_000);
      expect(live).toMatchObject({ sessionId: started.sessionId, viewers: 1, timeLimitSec: 30 });
      const states = h.events.slice(seen).filter((e) => e.cameraId === 'cam');
      expect(states.map((e) => e.state)).toEqual(['starting', 'live']);
      expect(await videoSize(h, live.sessionId)).toEqual([640, 360]);
      expect(h.events.some((e) => e.state === 'failed')).toBe(false);
    } finally {
      await silent.close();
    }
  }, 60_000);

  it('forgets the codec learned from the old camera: an H.265 camera replaced by an H.264 one is copied, running or not', async () => {
    const hevc = await startFakeCamera({ codec: 'h265', audio: 'none', size: '640x360' });
    const avc = await startFakeCamera({ audio: 'none', size: '640x360' });
    h = createHarness();
    await h.service.init();
    h.cameras.set('cam', { kind: 'rtsp', url: hevc.url });
    await h.service.start('cam', { viewer: 'w', durationSec: 0 });
    const live = await h.waitFor('cam', 'live', 30_000);
    expect(h.logs.some((l) => l.includes('transcoding to H.264'))).toBe(true);
    const video = async (): Promise<string> => {
      const [pid] = h?.service.pids() ?? [];
      const line = pid === undefined ? null : await commandLineOf(pid);
      return /-c:v (\S+)/.exec(line ?? '')?.[1] ?? `no ffmpeg (${String(line)})`;
    };
    expect(await video()).toBe('libx264');

    // Running: the session restarts copying the new camera's H.264.
    let seen = h.events.length;
    h.cameras.set('cam', { kind: 'rtsp', url: avc.url });
    await h.service.cameraChanged('cam');
    await nextEvent(h, seen, 'cam', 'live', 30_000);
    expect(await video()).toBe('copy');

    // Not running: back to the H.265 camera (learned again), stopped, then changed to H.264.
    h.cameras.set('cam', { kind: 'rtsp', url: hevc.url });
    seen = h.events.length;
    await h.service.cameraChanged('cam');
    await nextEvent(h, seen, 'cam', 'live', 30_000);
    expect(await video()).toBe('libx264');
    await h.service.release('cam', 'w');
    expect(h.service.list()).toEqual([]);
    h.cameras.set('cam', { kind: 'rtsp', url: avc.url });
    const spawnedBefore = h.spawned.length;
    seen = h.events.length;
    await h.service.cameraChanged('cam');
    // Forgetting alone starts nothing and tells no window anything.
    expect(h.spawned.length).toBe(spawnedBefore);
    expect(h.events.length).toBe(seen);
    await h.service.start('cam', { viewer: 'w', durationSec: 0 });
    await nextEvent(h, seen, 'cam', 'live', 30_000);
    expect(await video()).toBe('copy');
    // One run: no transcoding attempt first (it would if the old camera's codec were kept).
    expect(h.spawned.length - spawnedBefore).toBe(1);
    expect(live.sessionId).not.toBe(h.service.list()[0]?.sessionId);
  }, 120_000);
});
