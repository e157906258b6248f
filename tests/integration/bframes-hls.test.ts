import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { parsePlaylist } from '../helpers/hls-probe';
import { createHarness, type Harness } from '../helpers/stream-harness';

const execFileAsync = promisify(execFile);
const gst = hasGstreamerRtsp();
if (!gst)
  console.warn('SKIP B-frame HLS tests: GStreamer RTSP server (python3-gi) is not installed');

/** Seconds of stream to look at: two GOPs of the camera below, 16 segments. */
const PLAY_MS = 4_500;

interface VideoPacket {
  pts: number;
  key: boolean;
}

/** The video packets of init + segments, in decode order, pts in frames (25 fps). */
async function videoPackets(file: string): Promise<VideoPacket[]> {
  const { stdout } = await execFileAsync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v',
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    file,
  ]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [pts, flags] = line.split(',');
      return { pts: Number(pts) * 25, key: (flags ?? '').includes('K') };
    });
}

// H.264 High with B-frames copied into Vigil's segments, which are cut by time and so mostly
// start on a P-frame. ffmpeg's mp4 muxer (run by the HLS muxer in DASH mode) used to move the
// first sample of each such fragment onto an earlier B-frame's presentation time: one frame
// per segment lost in the player (21 of 25 fps). Every presentation time must be the camera's.
describe.runIf(gst)('B-frames in Vigil’s fMP4 segments', () => {
  let h: Harness;
  let cam: FakeCamera | undefined;

  beforeEach(async () => {
    h = createHarness();
    await h.service.init();
  });
  afterEach(async () => {
    await h.dispose();
    await cam?.stop();
  });
  afterAll(() => stopAllFakeCameras());

  it('every frame keeps its own presentation time across segment boundaries (2 s GOP, 2 B-frames, AAC 44.1 kHz stereo)', async () => {
    cam = await startFakeCamera({
      gop: 50,
      bframes: 2,
      audio: 'aac',
      audioRate: 44_100,
      audioChannels: 2,
    });
    h.cameras.set('nvr', { kind: 'rtsp', url: cam.url });
    await h.service.start('nvr', { viewer: 't' });
    const live = await h.waitFor('nvr', 'live');
    await new Promise((resolve) => setTimeout(resolve, PLAY_MS));
    const dir = h.service.liveDirectory(live.sessionId) ?? '';
    const playlist = parsePlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'));
    const parts = [await readFile(join(dir, playlist.map ?? 'init.mp4'))];
    for (const name of playlist.segments) parts.push(await readFile(join(dir, name)));

    const tmp = await mkdtemp(join(tmpdir(), 'vigil-bframes-'));
    try {
      const file = join(tmp, 'all.mp4');
      await writeFile(file, Buffer.concat(parts));
      const packets = await videoPackets(file);
      const keyframes = packets.filter((p) => p.key).length;
      console.log(
        `${String(playlist.segments.length)} segments, ${String(packets.length)} video frames, ${String(keyframes)} keyframes`,
      );
      // The case in question: most segments start between keyframes.
      expect(playlist.segments.length).toBeGreaterThan(keyframes + 4);
      // B-frames: presentation order differs from decode order.
      expect(packets.some((p, i) => i > 0 && p.pts < (packets[i - 1]?.pts ?? 0))).toBe(true);

      const times = packets.map((p) => Math.round(p.pts * 100) / 100).sort((a, b) => a - b);
      const duplicates = times.filter((t, i) => i > 0 && t === times[i - 1]);
      expect(duplicates).toEqual([]);
      // One frame apart, no holes (the first two may be closer: the camera's first frame).
      const steps = times.slice(2).map((t, i) => t - (times[i + 1] ?? t));
      expect(Math.max(...steps)).toBeLessThan(1.5);
      expect(Math.min(...steps)).toBeGreaterThan(0.5);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
