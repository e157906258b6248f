import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingService } from '../../src/main/services/recording/recording-service';
import type { OpenSink } from '../../src/main/services/recording/recording-sink';
import { openFileSink } from '../../src/main/services/recording/recording-sink';
import type { RecordingInfo } from '../../src/shared/recordings';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { decodeErrors, packetTimeline, probeMedia } from '../helpers/media-probe';
import { createHarness, eventually, type Harness } from '../helpers/stream-harness';

const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP recording tests: GStreamer RTSP server (python3-gi) is not installed');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tmpfs of `size` at a fresh folder (root only); null where mounting is not allowed. */
function tinyDisk(options: string): { dir: string; unmount: () => void } | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rec-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    execFileSync('rmdir', [dir]);
    return null;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir]);
      execFileSync('rmdir', [dir]);
    },
  };
}

describe.runIf(gst)('recording from the live session (real ffmpeg, fake camera)', () => {
  let h: Harness;
  let cam: FakeCamera;
  let folder: string;
  let events: RecordingInfo[];
  let sink: OpenSink;
  let recorder: RecordingService;
  let target: { path: string; isDefault: boolean };

  beforeEach(async () => {
    h = createHarness();
    await h.service.init();
    // An NVR-like stream (High, B-frames) at 640×360: a re-encode would not keep both.
    cam = await startFakeCamera({ audio: 'aac', bframes: 2, size: '640x360' });
    h.cameras.set('cam', { kind: 'rtsp', url: cam.url });
    folder = mkdtempSync(join(tmpdir(), 'vigil-recordings-'));
    target = { path: folder, isDefault: false };
    events = [];
    sink = openFileSink;
    recorder = new RecordingService({
      streams: h.service,
      folder: () => target,
      cameraName: () => 'Front door',
      emit: (info) => events.push(info),
      openSink: (path) => sink(path),
      log: (line) => h.logs.push(line),
    });
  });
  afterEach(async () => {
    await recorder.stopAll();
    await h.dispose();
    await cam.stop();
    await chmod(folder, 0o700).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  });
  afterAll(() => stopAllFakeCameras());

  async function live(durationSec = 120): Promise<void> {
    await h.service.start('cam', { viewer: 't', durationSec });
    await h.waitFor('cam', 'live');
  }

  it("a 10 s recording is a playable MP4: 9–11 s from 0, H.264 copied (the camera's High, 640×360) + AAC", async () => {
    await live();
    // As a user would, a moment after the picture: the run's first segment carries audio
    // from before the first keyframe (up to a GOP), which the kill -9 test covers.
    await sleep(2_000);
    const info = await recorder.start('cam');
    expect(info.path).toMatch(/\/Front door \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.mp4$/);
    await sleep(10_000);
    const ended = await recorder.stop('cam');
    expect(ended?.state).toBe('ended');

    const probed = await probeMedia(info.path);
    console.log(
      `10 s recording: ffprobe duration ${String(probed.durationSec)} s, start ${String(probed.startSec)} s, ${String(ended?.bytes)} bytes`,
    );
    expect(probed.durationSec).toBeGreaterThanOrEqual(9);
    expect(probed.durationSec).toBeLessThanOrEqual(11);
    // Rebased: the file starts at 0, not at the session's clock.
    expect(probed.startSec).toBeLessThan(0.2);
    const camera = await probeMedia(cam.url, ['-rtsp_transport', 'tcp']);
    const camVideo = camera.streams.find((s) => s.codec_type === 'video');
    const video = probed.streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({
      codec_name: 'h264',
      profile: camVideo?.profile,
      width: camVideo?.width,
      height: camVideo?.height,
    });
    expect(video?.profile).toBe('High');
    expect(probed.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(await decodeErrors(info.path)).toBe('');
    expect(statSync(info.path).size).toBe(ended?.bytes);
    // Length and size were reported while it ran.
    const during = events.filter((e) => e.state === 'recording');
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(during.at(-1)?.bytes).toBeGreaterThan(during[0]?.bytes ?? Infinity);
    // The stream was never touched: still live, one ffmpeg.
    expect(h.service.list()[0]?.state).toBe('live');
    expect(h.spawned).toHaveLength(1);
  });

  it('kill -9 of ffmpeg mid-recording leaves a playable file; the recording goes on after the reconnect', async () => {
    await live();
    const info = await recorder.start('cam');
    const began = Date.now();
    await sleep(4_000);
    const [pid] = h.service.pids();
    if (pid === undefined) throw new Error('no ffmpeg');
    process.kill(pid, 'SIGKILL');
    const recordedMs = Date.now() - began;
    await h.waitFor('cam', 'reconnecting');
    // The file as the kill left it (copied before the next run appends to it).
    const atKill = join(folder, 'at-kill.mp4');
    await sleep(300);
    copyFileSync(info.path, atKill);
    const killed = await probeMedia(atKill);
    console.log(
      `after kill -9 at ${String(recordedMs)} ms: ffprobe duration ${String(killed.durationSec)} s`,
    );
    // Everything up to the last finished segment (0.25 s) and the one not yet taken, less
    // what came before the first keyframe (the file begins with one; a 1 s GOP here).
    expect(killed.durationSec).toBeGreaterThanOrEqual(recordedMs / 1000 - 1.75);
    expect(await decodeErrors(atKill)).toBe('');

    // A crash of Vigil itself mid-write: a fragment cut short; the rest still plays.
    truncateSync(atKill, statSync(atKill).size - 3_000);
    const cut = await probeMedia(atKill);
    expect(cut.durationSec).toBeGreaterThanOrEqual(recordedMs / 1000 - 2.25);

    // Back live (a new ffmpeg run): the same camera format continues the same file.
    const before = events.at(-1)?.durationSec ?? 0;
    await eventually(
      () => (events.at(-1)?.durationSec ?? 0) >= before + 2,
      15_000,
      'recording after the reconnect',
    );
    const ended = await recorder.stop('cam');
    expect(ended?.files).toEqual([info.path]);
    const whole = await probeMedia(info.path);
    console.log(
      `after the reconnect: ffprobe duration ${String(whole.durationSec)} s, reported ${String(ended?.durationSec)} s`,
    );
    // ffprobe's format duration adds the video's start (a run's first segment has audio from
    // before its first keyframe) to the video's end; each stream's own duration is its end.
    const end = Math.max(...whole.streams.map((s) => Number(s.duration)));
    expect(Math.abs(end - (ended?.durationSec ?? 0))).toBeLessThan(0.2);
    expect(await decodeErrors(info.path)).toBe('');
    // The runs follow each other: no time going back; the camera's outage is squeezed out
    // (a gap of at most the audio a new run has before its first keyframe, one GOP).
    for (const stream of await packetTimeline(info.path)) {
      expect(stream.backwards).toBe(0);
      expect(stream.largestGapSec).toBeLessThan(1.1);
    }
  });

  it('an unwritable folder is a clear error before anything is written; the stream stays live', async () => {
    const disk = tinyDisk('size=1m,ro');
    if (disk) target = { path: disk.dir, isDefault: false };
    else await chmod(folder, 0o500);
    try {
      await live();
      await expect(recorder.start('cam')).rejects.toThrow(
        /may not write to .*\(E(ROFS|ACCES)\), so it cannot record there\. Choose another folder/,
      );
      expect(recorder.list()).toEqual([]);
      expect(readdirSync(target.path)).toEqual([]);
      await sleep(500);
      expect(h.service.list()[0]?.state).toBe('live');
    } finally {
      disk?.unmount();
    }
  });

  it('a full disk stops the recording with a clear error, keeps the stream, and leaves a playable file', async () => {
    // 400 KiB holds a few seconds of this camera; without root, a sink that fills up alike.
    const disk = tinyDisk('size=400k');
    if (disk) target = { path: disk.dir, isDefault: false };
    else {
      sink = async (path) => {
        const real = await openFileSink(path);
        let written = 0;
        return {
          ...real,
          write: async (data) => {
            if (written + data.length > 400 * 1024)
              throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
            written += data.length;
            await real.write(data);
          },
        };
      };
    }
    try {
      await live();
      const info = await recorder.start('cam');
      await eventually(
        () => events.some((e) => e.state === 'failed'),
        20_000,
        'the recording failing',
      );
      const failed = events.find((e) => e.state === 'failed');
      expect(failed?.error).toMatch(
        /disk holding .* is full, so the recording stopped \(the stream goes on\)/,
      );
      expect(recorder.list()).toEqual([]);
      const probed = await probeMedia(info.path);
      expect(probed.durationSec).toBeGreaterThan(1);
      expect(await decodeErrors(info.path)).toBe('');
      expect(statSync(info.path).size).toBe(failed?.bytes);
      await sleep(500);
      expect(h.service.list()[0]?.state).toBe('live');
    } finally {
      await recorder.stopAll();
      disk?.unmount();
    }
  });

  it('without "keep", the recording ends with the session at its countdown and is complete', async () => {
    await live(4);
    const info = await recorder.start('cam');
    const ended = await h.waitFor('cam', 'ended', 15_000);
    expect(ended.endReason).toBe('timeout');
    await eventually(() => events.some((e) => e.state === 'ended'), 2_000, 'the recording ending');
    const probed = await probeMedia(info.path);
    expect(probed.durationSec).toBeGreaterThan(2);
    expect(await decodeErrors(info.path)).toBe('');
  });

  it('with "keep", the session outlives its countdown and its viewer until the recording stops', async () => {
    await live(2);
    await recorder.start('cam', { keepAfterCountdown: true });
    await h.service.release('cam', 't');
    await sleep(4_000);
    expect(h.service.list()[0]?.state).toBe('live');
    const ended = await recorder.stop('cam');
    expect(ended?.durationSec).toBeGreaterThan(3);
    const session = await h.waitFor('cam', 'ended', 5_000);
    expect(session.endReason).toBe('timeout');
  });

  it('refuses to record a camera that is not live', async () => {
    await expect(recorder.start('cam')).rejects.toThrow(/starts once the camera is live/);
    expect(existsSync(folder) && readdirSync(folder)).toEqual([]);
  });
});
