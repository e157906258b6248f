// A live session's health record (the health panel's data) from real ffmpeg and real cameras:
// what the camera sends, where the start-up went, and what happened when.
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
} from '../fixtures/fake-camera';
import { createHarness, type Harness } from '../helpers/stream-harness';

const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP stream health: GStreamer RTSP server is not installed');
const LIVE_WITHIN = 20_000;

describe.runIf(gst)('a session’s health, measured', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    await stopAllFakeCameras();
  });

  it('a camera never streamed has no health', async () => {
    h = createHarness();
    expect(await h.service.health('nobody')).toBeNull();
  });

  it('an H.264 High camera with AAC 44.1 kHz stereo: its description, the start-up steps adding up to the total, the timeline, ffmpeg’s lines, and its CPU', async () => {
    h = createHarness();
    const camera = await startFakeCamera({
      bframes: 2,
      audio: 'aac',
      audioRate: 44_100,
      audioChannels: 2,
      size: '640x360',
    });
    h.cameras.set('cam', { kind: 'rtsp', url: camera.url });
    await h.service.start('cam', { viewer: 'test', durationSec: 60 });
    await h.waitFor('cam', 'live', LIVE_WITHIN);
    // Two keyframes (1 s GOP) and a CPU reading (once a second) after going live.
    await expect
      .poll(
        async () => {
          const media = (await h?.service.health('cam'))?.media;
          return media?.gopSec != null && !media.gopAtLeast;
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(true);
    await expect
      .poll(async () => (await h?.service.health('cam'))?.media.ffmpegCpuPercent ?? null, {
        timeout: 10_000,
        interval: 250,
      })
      .not.toBeNull();
    const health = await h.service.health('cam');
    if (!health) throw new Error('no health for a live camera');
    expect(health.media).toMatchObject({
      videoCodec: 'h264',
      profile: 'High',
      width: 640,
      height: 360,
      bFrames: true,
      audioCodec: 'aac',
      audioSampleRate: 44_100,
      audioChannels: 'stereo',
      transcoding: false,
    });
    expect(health.media.gopSec).toBeCloseTo(1, 1);
    expect(health.media.fps).toBeGreaterThan(20);
    expect(health.media.fps).toBeLessThan(30);
    expect(health.media.bitrate).toBeGreaterThan(50_000);
    // Copying costs ffmpeg little; a figure, not a guess.
    expect(health.media.ffmpegCpuPercent).toBeGreaterThanOrEqual(0);
    const { startup } = health;
    const steps = [
      startup.prepareMs,
      startup.rtspSetupMs,
      startup.firstKeyframeMs,
      startup.firstSegmentMs,
    ];
    for (const step of steps) expect(step).not.toBeNull();
    const sum = steps.reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(startup.totalMs).not.toBeNull();
    // Each step ends where the next begins.
    expect(Math.abs(sum - (startup.totalMs ?? 0))).toBeLessThanOrEqual(1);
    expect(startup.rtspSetupMs).toBeGreaterThan(0);
    expect(health.timeline.map((e) => e.state)).toEqual(['starting', 'live']);
    expect(health.ffmpegTail.some((l) => /Stream #0:0.*Video: h264/.test(l))).toBe(true);
    expect(health.ffmpegTail.length).toBeLessThanOrEqual(20);
  });

  it('a camera that drops and comes back: the reconnect, with its reason, then live again in the timeline; the record outlives the session', async () => {
    h = createHarness();
    const port = await freePort();
    let camera = await startFakeCamera({ port, audio: 'none', size: '640x360' });
    h.cameras.set('cam', { kind: 'rtsp', url: camera.url });
    await h.service.start('cam', { viewer: 'test', durationSec: 60 });
    await h.waitFor('cam', 'live', LIVE_WITHIN);
    camera.kill();
    await h.waitFor('cam', 'reconnecting', LIVE_WITHIN);
    camera = await startFakeCamera({ port, audio: 'none', size: '640x360' });
    await expect
      .poll(
        async () => (await h?.service.health('cam'))?.timeline.map((e) => e.state).join(' ') ?? '',
        { timeout: LIVE_WITHIN, interval: 250 },
      )
      .toMatch(/^starting live reconnecting( reconnecting)* live$/);
    const health = await h.service.health('cam');
    const drop = health?.timeline.find((e) => e.state === 'reconnecting');
    expect(drop?.attempt).toBe(1);
    expect(drop?.reason).not.toBeNull();
    expect(drop?.message).toMatch(/\w/);
    await h.service.stop('cam');
    await h.waitFor('cam', 'ended', LIVE_WITHIN);
    const after = await h.service.health('cam');
    expect(after?.timeline.at(-1)?.state).toBe('ended');
    // Not live: no CPU figure for a process that is gone.
    expect(after?.media.ffmpegCpuPercent).toBeNull();
    h.service.forgetHealth('cam');
    expect(await h.service.health('cam')).toBeNull();
  });
});
