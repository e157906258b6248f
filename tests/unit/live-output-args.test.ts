import { describe, expect, it } from 'vitest';
import {
  buildFfmpegArgs,
  LIVE_FD,
  writesLiveOutput,
  type FfmpegArgsOptions,
} from '../../src/main/services/streaming/ffmpeg-args';
import type { FfmpegBinary } from '../../src/main/services/streaming/ffmpeg-binary';
import { RunPlan } from '../../src/main/services/streaming/run-plan';
import type { VideoCodec } from '../../src/main/services/streaming/source';

const outDir = '/tmp/vigil-test/session';
const rtsp = { kind: 'rtsp' as const, url: 'rtsp://10.0.0.5:554/stream1' };
const base: FfmpegArgsOptions = {
  source: rtsp,
  outDir,
  socketTimeoutMs: 3000,
  inputList: `${outDir}/input.ffconcat`,
  liveOutput: true,
};

/** The arguments of each output file, split after each output's target. */
function outputs(args: string[]): string[][] {
  const start = args.indexOf(base.inputList ?? '') + 1;
  const parts: string[][] = [];
  let current: string[] = [];
  for (const arg of args.slice(start)) {
    current.push(arg);
    if (arg.endsWith('.m3u8') || arg.startsWith('pipe:')) {
      parts.push(current);
      current = [];
    }
  }
  return parts;
}

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('the low-latency output', () => {
  it('copies H.264 a second time into fragmented MP4 on its own pipe, one fragment per sample', () => {
    const args = buildFfmpegArgs(base);
    const [hls, live] = outputs(args);
    expect(hls?.at(-1)).toBe(`${outDir}/index.m3u8`);
    expect(live?.at(-1)).toBe(`pipe:${String(LIVE_FD)}`);
    // The second output names its streams again: without its own -map ffmpeg would pick one
    // stream per type by itself, and without -c:v copy it would encode.
    expect(live?.filter((a) => a === '-map')).toHaveLength(2);
    expect(after(live ?? [], '-c:v')).toBe('copy');
    expect(after(live ?? [], '-f')).toBe('mp4');
    expect(after(live ?? [], '-movflags')).toBe('+empty_moov+default_base_moof');
    expect(after(live ?? [], '-frag_duration')).toBe('1');
    expect(after(live ?? [], '-flush_packets')).toBe('1');
    expect(writesLiveOutput(base)).toBe(true);
  });

  it('is left out where the video is transcoded (a second encoder) and for the demo, and when not asked', () => {
    const h265 = { ...base, knownCodec: 'h265' as const };
    expect(outputs(buildFfmpegArgs(h265))).toHaveLength(1);
    expect(writesLiveOutput(h265)).toBe(false);
    const transcoding = {
      ...base,
      hls: {
        segmentSeconds: 2,
        listSize: 3,
        segmentType: 'mpegts' as const,
        fastProbe: false,
        transcodeKbps: 800,
      },
    };
    expect(writesLiveOutput(transcoding)).toBe(false);
    expect(buildFfmpegArgs(transcoding).filter((a) => a === 'libx264')).toHaveLength(1);
    expect(writesLiveOutput({ ...base, liveOutput: false })).toBe(false);
    expect(buildFfmpegArgs({ ...base, liveOutput: false }).join(' ')).not.toContain('pipe:3');
    const demo = {
      source: { kind: 'demo' as const },
      outDir,
      socketTimeoutMs: 3000,
      liveOutput: true,
    };
    expect(writesLiveOutput(demo)).toBe(false);
    expect(buildFfmpegArgs(demo).join(' ')).not.toContain('pipe:3');
  });
});

describe('H.265: copied where the pages play it, transcoded where they cannot', () => {
  it('copies H.265 with the hvc1 tag (and the low-latency output) when the platform decodes it', () => {
    const args = buildFfmpegArgs({ ...base, knownCodec: 'h265', playable: ['h264', 'h265'] });
    expect(args).not.toContain('libx264');
    const [hls, live] = outputs(args);
    for (const output of [hls, live]) {
      expect(after(output ?? [], '-c:v')).toBe('copy');
      expect(after(output ?? [], '-tag:v')).toBe('hvc1');
    }
  });

  it('transcodes H.265 to H.264 when it does not (Debian Chromium), and MJPEG always', () => {
    for (const playable of [['h264'], undefined] as const) {
      const args = buildFfmpegArgs({
        ...base,
        knownCodec: 'h265',
        ...(playable ? { playable } : {}),
      });
      expect(after(args, '-c:v')).toBe('libx264');
      expect(args).not.toContain('hvc1');
    }
    const mjpeg = buildFfmpegArgs({ ...base, knownCodec: 'mjpeg', playable: ['h264', 'h265'] });
    expect(after(mjpeg, '-c:v')).toBe('libx264');
  });

  const binary: FfmpegBinary = {
    path: '/usr/bin/ffmpeg',
    origin: 'PATH',
    version: '5.1',
    filters: new Set(),
  };
  const plan = (playable: VideoCodec[]) =>
    new RunPlan({
      source: rtsp,
      binary,
      socketTimeoutMs: 3000,
      liveOutput: true,
      playable: () => playable,
    });

  it('a camera found sending H.265 is relaunched: transcoding where it cannot play, with hvc1 where it can', () => {
    const cannot = plan(['h264']);
    expect(cannot.needsRelaunch('h265')).toBe(true);
    expect(after(cannot.launch(outDir, 'rtsp://127.0.0.1:1/t').args, '-c:v')).toBe('libx264');
    expect(cannot.launch(outDir, 'rtsp://127.0.0.1:1/t').live).toBe(false);

    const can = plan(['h264', 'h265']);
    expect(can.needsRelaunch('h265')).toBe(true);
    const next = can.launch(outDir, 'rtsp://127.0.0.1:1/t');
    expect(after(next.args, '-tag:v')).toBe('hvc1');
    expect(next.live).toBe(true);
    // Once running as planned, the same report changes nothing.
    expect(can.needsRelaunch('h265')).toBe(false);
    expect(cannot.needsRelaunch('h265')).toBe(false);
  });

  it('asks what the pages play at each launch (a page may report after the first run)', () => {
    let playable: VideoCodec[] = ['h264'];
    const p = new RunPlan({
      source: { ...rtsp, videoCodec: 'h265' },
      binary,
      socketTimeoutMs: 3000,
      playable: () => playable,
    });
    expect(after(p.launch(outDir, 'rtsp://127.0.0.1:1/t').args, '-c:v')).toBe('libx264');
    playable = ['h264', 'h265'];
    expect(after(p.launch(outDir, 'rtsp://127.0.0.1:1/t').args, '-c:v')).toBe('copy');
  });

  it('an H.264 camera needs no relaunch wherever it runs', () => {
    expect(plan(['h264']).needsRelaunch('h264')).toBe(false);
    expect(plan(['h264', 'h265']).needsRelaunch('h264')).toBe(false);
  });
});
