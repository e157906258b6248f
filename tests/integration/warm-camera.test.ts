// Issue 11 §2, "Warm cameras": a kept-ready camera's session runs with nobody watching, writes
// nothing to disk, and a viewer starts from its cached keyframe at once. Real ffmpeg, real
// fake cameras (GStreamer), the real stream service.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createVigilCore, type VigilCore } from '../../src/main/core';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import type { StreamInfo } from '../../src/shared/streams';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { liveReader as reader } from '../helpers/live-reader';
import { createHarness, isAlive, type Harness } from '../helpers/stream-harness';
import { RecordingService } from '../../src/main/services/recording/recording-service';
import { openFileSink } from '../../src/main/services/recording/recording-sink';
import { statSync } from 'node:fs';

const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP warm cameras: GStreamer RTSP server is not installed');

/** Short pauses so the tests see relaunches; the app waits 30 s after a failure. */
const timings = { warmRetryMs: 400 };

/** Resolves with the first event from index `from` on that matches. */
async function eventAfter(
  h: Harness,
  from: number,
  match: (info: StreamInfo) => boolean,
  timeoutMs = 20_000,
): Promise<StreamInfo> {
  let found: StreamInfo | undefined;
  await expect
    .poll(() => (found = h.events.slice(from).find(match)), { timeout: timeoutMs, interval: 20 })
    .toBeDefined();
  return found as StreamInfo;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(gst)('a kept-ready (warm) camera', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    await stopAllFakeCameras();
  });

  async function warmCamera(options: { gop?: number } = {}) {
    h = createHarness({ timings });
    const camera = await startFakeCamera({
      size: '640x360',
      audio: 'none',
      gop: options.gop ?? 50,
    });
    h.cameras.set('cam', { kind: 'rtsp', url: camera.url });
    await h.service.setKeepReady('cam', true);
    const live = await h.waitFor('cam', 'live', 20_000);
    return { h, camera, live };
  }

  it('writes no HLS file, goes live, and a new subscriber gets the init and a keyframe at once', async () => {
    const { h, live } = await warmCamera();
    expect(live).toMatchObject({ viewers: 0, url: null, deadline: null, warm: true });
    expect(live.liveUrl).toBe(`vigil-stream://${live.sessionId}/live.mp4`);
    expect(h.events.filter((e) => e.cameraId === 'cam').map((e) => e.state)).toEqual([
      'starting',
      'live',
    ]);
    // A 2 s GOP: three seconds cover at least one keyframe and many HLS segments' worth.
    await sleep(3_000);
    // Only what a run must have: its private input list and the reaper's pid file; no media.
    expect(readdirSync(join(h.tempRoot, live.sessionId)).sort()).toEqual([
      'ffmpeg.pid',
      'input.ffconcat',
    ]);
    expect(h.service.liveDirectory(live.sessionId)).toBeUndefined();
    expect(h.service.output('cam')).toMatchObject({ live: true, files: false });
    const asked = Date.now();
    const viewer = reader(h.service.liveStream(live.sessionId) as ReadableStream<Uint8Array>);
    await expect.poll(() => viewer.firstKeyAt(), { timeout: 5_000, interval: 10 }).not.toBeNull();
    const took = (viewer.firstKeyAt() as number) - asked;
    console.log(`warm camera: subscribe → init + keyframe fragment in ${String(took)} ms`);
    expect(viewer.pieces[0]?.piece.kind).toBe('init');
    const second = viewer.pieces[1]?.piece;
    expect(second?.kind === 'fragment' && second.keyframe).toBe(true);
    // From the cache, not the camera's next keyframe (up to 2 s away); room for a loaded machine.
    expect(took).toBeLessThan(1_500);
    await viewer.cancel();
  });

  it('start() joins it live at once (url null, liveUrl set); files:true restarts the run with a playlist, and the low-latency viewer gets the new init', async () => {
    const { h, live } = await warmCamera({ gop: 25 });
    const ll = reader(h.service.liveStream(live.sessionId) as ReadableStream<Uint8Array>);
    await expect.poll(() => ll.firstKeyAt(), { timeout: 5_000 }).not.toBeNull();
    const from = h.events.length;
    const joined = await h.service.start('cam', { viewer: 'window', durationSec: 0 });
    expect(joined).toMatchObject({
      state: 'live',
      sessionId: live.sessionId,
      viewers: 1,
      url: null,
    });
    expect(joined.liveUrl).toBe(live.liveUrl);
    expect(h.events.slice(from).map((e) => e.state)).toEqual(['live']);

    const before = h.events.length;
    await h.service.start('cam', { viewer: 'old-window', durationSec: 0, files: true });
    await eventAfter(h, before, (e) => e.state === 'reconnecting');
    const back = await eventAfter(h, before, (e) => e.state === 'live');
    expect(back.sessionId).toBe(live.sessionId);
    expect(back.url).toBe(`vigil-stream://${live.sessionId}/index.m3u8`);
    expect(existsSync(join(h.tempRoot, live.sessionId, 'index.m3u8'))).toBe(true);
    expect(h.service.liveDirectory(live.sessionId)).toBe(join(h.tempRoot, live.sessionId));
    // The same low-latency viewer: the new run's init in-band, then its keyframe, then frames.
    await expect.poll(() => ll.inits(), { timeout: 10_000 }).toBe(2);
    const second = ll.pieces.findIndex((p, i) => i > 0 && p.piece.kind === 'init');
    await expect.poll(() => ll.pieces.length, { timeout: 5_000 }).toBeGreaterThan(second + 5);
    const next = ll.pieces[second + 1]?.piece;
    expect(next?.kind === 'fragment' && next.keyframe).toBe(true);
    await ll.cancel();
  });

  it('its last viewer leaving ends that session for the windows, and a new warm session goes live', async () => {
    const { h, live } = await warmCamera({ gop: 25 });
    await h.service.start('cam', { viewer: 'window', durationSec: 0 });
    const from = h.events.length;
    const released = Date.now();
    await h.service.release('cam', 'window');
    const ended = await eventAfter(
      h,
      from,
      (e) => e.sessionId === live.sessionId && e.state === 'ended',
    );
    expect(ended.endReason).toBe('stopped');
    const next = await eventAfter(
      h,
      from,
      (e) => e.sessionId !== live.sessionId && e.state === 'live',
    );
    console.log(
      `warm camera: release → next warm session live in ${String(Date.now() - released)} ms`,
    );
    expect(next).toMatchObject({ viewers: 0, url: null, warm: true });
    expect(h.sessionDirs()).toEqual([next.sessionId]);
  });

  it('its first viewer’s deadline counts from the join, then the session ends and a new warm one goes live', async () => {
    const { h, live } = await warmCamera({ gop: 25 });
    // Warm for a while first: a deadline counted from the session's first picture would be past.
    await sleep(2_500);
    const joinedAt = Date.now();
    const joined = await h.service.start('cam', { viewer: 'window', durationSec: 2 });
    expect(joined.deadline).toBeGreaterThanOrEqual(joinedAt + 1_900);
    const from = h.events.length;
    const ended = await eventAfter(
      h,
      from,
      (e) => e.sessionId === live.sessionId && e.state === 'ended',
    );
    expect(ended.endReason).toBe('timeout');
    expect(Date.now() - joinedAt).toBeGreaterThanOrEqual(1_900);
    const next = await eventAfter(
      h,
      from,
      (e) => e.sessionId !== live.sessionId && e.state === 'live',
    );
    expect(next).toMatchObject({ viewers: 0, deadline: null, warm: true });
  });

  it('keepReady off stops the warm session (process and folder gone) and none comes back', async () => {
    const { h, live } = await warmCamera({ gop: 25 });
    const pids = h.service.pids();
    expect(pids).toHaveLength(1);
    expect(h.spawned).toContain(pids[0]);
    await h.service.setKeepReady('cam', false);
    await h.waitFor('cam', 'ended', 10_000);
    expect(isAlive(pids[0] as number)).toBe(false);
    expect(h.sessionDirs()).toEqual([]);
    const spawned = h.spawned.length;
    await sleep(timings.warmRetryMs * 3);
    expect(h.spawned.length).toBe(spawned);
    expect(h.service.list()).toEqual([]);
    expect(live.sessionId).toBeTruthy();
  });

  it('shutdown leaves no ffmpeg and no folder, and launches no warm session after', async () => {
    const { h, camera } = await warmCamera({ gop: 25 });
    h.cameras.set('watched', { kind: 'rtsp', url: camera.url });
    await h.service.setKeepReady('watched', true);
    await h.waitFor('watched', 'live', 20_000);
    await h.service.start('watched', { viewer: 'window', durationSec: 0 });
    const pids = h.service.pids();
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(h.spawned).toContain(pid);
    await h.service.shutdown();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(h.sessionDirs()).toEqual([]);
    const spawned = h.spawned.length;
    await sleep(timings.warmRetryMs * 3);
    expect(h.spawned.length).toBe(spawned);
    expect(h.sessionDirs()).toEqual([]);
    await expect(h.service.setKeepReady('cam', true)).rejects.toThrow(/quitting/);
  });

  it('a failed warm session is tried again after the pause, never in a loop', async () => {
    h = createHarness({ timings: { ...timings, warmRetryMs: 1_000 } });
    // Nobody listens on this port: each session fails within milliseconds ('refused').
    const gone = await startFakeCamera({ size: '640x360', audio: 'none' });
    await gone.stop();
    h.cameras.set('cam', { kind: 'rtsp', url: gone.url });
    await h.service.setKeepReady('cam', true);
    await h.waitFor('cam', 'failed', 10_000);
    await sleep(3_500);
    const fails = h.events.filter((e) => e.state === 'failed');
    // One at once, then one a second: four or five in 3.5 s, not hundreds.
    expect(fails.length).toBeGreaterThanOrEqual(3);
    expect(fails.length).toBeLessThanOrEqual(5);
    expect(
      h.logs.some((l) => l.includes('its session failed; the next warm session in 1000 ms')),
    ).toBe(true);
  });

  it('battery and demo cameras are refused with the reason, and nothing starts', async () => {
    h = createHarness({ timings });
    h.cameras.set('battery', { kind: 'rtsp', url: 'rtsp://127.0.0.1:9/cam', wake: true });
    await expect(h.service.setKeepReady('battery', true)).rejects.toThrow(
      /Battery cameras cannot be kept ready: .*drain the battery/,
    );
    await expect(h.service.setKeepReady('demo', true)).rejects.toThrow(
      /demo camera cannot be kept ready/,
    );
    expect(h.spawned).toEqual([]);
    expect(h.service.list()).toEqual([]);
  });

  it('Record on a watched warm camera asks for its files, waits for them, and records the camera', async () => {
    const { h, live } = await warmCamera({ gop: 25 });
    await h.service.start('cam', { viewer: 'window', durationSec: 60 });
    expect(h.service.output('cam')).toMatchObject({ live: true, files: false });
    const folder = mkdtempSync(join(tmpdir(), 'vigil-warm-rec-'));
    const recorder = new RecordingService({
      streams: h.service,
      folder: () => ({ path: folder, isDefault: false }),
      cameraName: () => 'Hall',
      emit: () => undefined,
      openSink: openFileSink,
    });
    try {
      const started = await recorder.start('cam');
      expect(started.state).toBe('recording');
      // The same session, now writing files: no new camera session for the recording.
      expect(h.service.output('cam')).toMatchObject({ sessionId: live.sessionId, files: true });
      await sleep(3_000);
      const done = await recorder.stop('cam');
      expect(done?.path).toBeDefined();
      expect(statSync(done?.path ?? '').size).toBeGreaterThan(10_000);
    } finally {
      await recorder.stopAll();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('a camera whose video must be transcoded: the warm session ends with the reason logged, and is not relaunched', async () => {
    h = createHarness({ timings });
    // H.265, and the pages (as in Debian Chromium) play H.264 only: no low-latency output.
    const camera = await startFakeCamera({ size: '640x360', codec: 'h265', audio: 'none' });
    h.cameras.set('cam', { kind: 'rtsp', url: camera.url });
    await h.service.setKeepReady('cam', true);
    const ended = await h.waitFor('cam', 'ended', 20_000);
    expect(h.events.some((e) => e.state === 'live')).toBe(false);
    expect(h.logs.some((l) => l.includes('not kept ready: its video must be transcoded'))).toBe(
      true,
    );
    expect(h.sessionDirs()).toEqual([]);
    const spawned = h.spawned.length;
    await sleep(timings.warmRetryMs * 4);
    expect(h.spawned.length).toBe(spawned);
    expect(h.service.list()).toEqual([]);
    // Setting it again (or a camera change) tries again; it ends the same way, now at once.
    await h.service.setKeepReady('cam', false);
    const from = h.events.length;
    await h.service.setKeepReady('cam', true);
    await eventAfter(h, from, (e) => e.state === 'ended' && e.sessionId !== ended.sessionId);
  });
});

describe.runIf(gst)('keepReady through main’s core (camera edits, removal, a restart)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-warm-core-'));
  const cores: VigilCore[] = [];
  afterAll(async () => {
    for (const core of cores) await core.shutdown();
    await rm(dataDir, { recursive: true, force: true });
    await stopAllFakeCameras();
  });

  function startCore(logs: string[]): VigilCore {
    const core = createVigilCore({
      dataDir,
      tempRoot: join(dataDir, 'streams'),
      secrets: createMemorySecretStore(),
      ffmpeg: () =>
        probeFfmpeg({ env: { FFMPEG_BIN: process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg' } }),
      broadcast: () => undefined,
      log: (line) => logs.push(line),
    });
    cores.push(core);
    return core;
  }

  const warmOf = (core: VigilCore, id: string) =>
    core.streams.list().find((s) => s.cameraId === id && s.state === 'live' && s.warm === true);

  it('an edit turns it on and off, a restart brings it back from the file, a removal stops it', async () => {
    const logs: string[] = [];
    const camera = await startFakeCamera({ size: '640x360', audio: 'none' });
    const core = startCore(logs);
    await core.init();
    const input = { name: 'Porch', source: { kind: 'rtsp' as const, url: camera.url } };
    const added = await core.registry.add({ ...input, options: { keepReady: true } });
    await expect.poll(() => warmOf(core, added.id), { timeout: 20_000 }).toBeDefined();
    await core.registry.update(added.id, { ...input, options: { keepReady: false } });
    await expect.poll(() => core.streams.list(), { timeout: 10_000 }).toEqual([]);
    await core.registry.update(added.id, { ...input, options: { keepReady: true } });
    await expect.poll(() => warmOf(core, added.id), { timeout: 20_000 }).toBeDefined();
    // The card's live picture skips a session without files, quietly.
    await sleep(500);
    expect(logs.filter((l) => l.startsWith('live picture'))).toEqual([]);

    await core.shutdown();
    cores.splice(cores.indexOf(core), 1);
    const again = startCore(logs);
    await again.init();
    await expect.poll(() => warmOf(again, added.id), { timeout: 20_000 }).toBeDefined();
    const pids = again.streams.pids();
    expect(pids).toHaveLength(1);
    await again.registry.remove(added.id);
    await expect.poll(() => again.streams.list(), { timeout: 10_000 }).toEqual([]);
    expect(isAlive(pids[0] as number)).toBe(false);
    await sleep(timings.warmRetryMs * 2);
    expect(again.streams.list()).toEqual([]);
  });
});
