// What the health panel reads off ffmpeg's stderr and the process table.
import { describe, expect, it } from 'vitest';
import { cpuPercent, parsePsTime, processCpuMs } from '../../src/main/services/health/process-cpu';
import { inputStreamLine, videoMappingLine } from '../../src/main/services/streaming/ffmpeg-stderr';

describe('ffmpeg’s input description', () => {
  it('a video line with a profile, a codec tag and a stream id: codec, profile, size, frame rate', () => {
    expect(
      inputStreamLine(
        '  Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn',
      ),
    ).toEqual({ kind: 'video', codec: 'h264', profile: 'High', width: 640, height: 360, fps: 25 });
  });

  it('an RTSP camera’s H.265 line without a profile tag and with a fractional rate', () => {
    expect(
      inputStreamLine(
        '  Stream #0:0: Video: hevc (Main), yuv420p(tv), 2560x1440, 29.97 fps, 29.97 tbr, 90k tbn',
      ),
    ).toEqual({
      kind: 'video',
      codec: 'hevc',
      profile: 'Main',
      width: 2560,
      height: 1440,
      fps: 29.97,
    });
  });

  it('a codec tag alone is not taken for a profile', () => {
    expect(
      inputStreamLine('  Stream #0:0: Video: mjpeg ([26][0][0][0] / 0x001A), yuvj420p, 1280x720'),
    ).toMatchObject({ codec: 'mjpeg', profile: null, width: 1280, fps: null });
  });

  it('audio lines: AAC 44.1 kHz stereo, and G.711 8 kHz mono', () => {
    expect(
      inputStreamLine(
        '  Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 44100 Hz, stereo, fltp, 127 kb/s',
      ),
    ).toEqual({ kind: 'audio', codec: 'aac', sampleRate: 44_100, channels: 'stereo' });
    expect(inputStreamLine('  Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s')).toEqual({
      kind: 'audio',
      codec: 'pcm_alaw',
      sampleRate: 8_000,
      channels: 'mono',
    });
  });

  it('other lines are not streams', () => {
    expect(inputStreamLine("Input #0, rtsp, from 'rtsp://127.0.0.1:8554/cam':")).toBeNull();
    expect(inputStreamLine('  Stream #0:0 -> #0:0 (copy)')).toBeNull();
  });
});

describe('ffmpeg’s stream mapping', () => {
  it('copied video, re-encoded video, and the audio mapping is not the video’s', () => {
    expect(videoMappingLine('  Stream #0:0 -> #0:0 (copy)')).toBe('copy');
    expect(videoMappingLine('  Stream #0:0 -> #0:0 (hevc (native) -> h264 (libx264))')).toBe(
      'encode',
    );
    expect(videoMappingLine('  Stream #0:1 -> #0:1 (aac (native) -> aac (native))')).toBeNull();
    expect(videoMappingLine('Stream mapping:')).toBeNull();
  });
});

describe('ffmpeg’s CPU use', () => {
  it('ps’s CPU time in its three forms', () => {
    expect(parsePsTime('0:01.50')).toBe(1_500);
    expect(parsePsTime(' 1:02:03.25\n')).toBe(3_723_250);
    expect(parsePsTime('2-00:00:01')).toBe(172_801_000);
    expect(parsePsTime('')).toBeNull();
  });

  it('percent of one core between two readings; none across a restart of the count', () => {
    expect(cpuPercent({ cpuMs: 1_000, at: 0 }, { cpuMs: 1_270, at: 1_000 })).toBeCloseTo(27);
    expect(cpuPercent({ cpuMs: 1_000, at: 0 }, { cpuMs: 500, at: 1_000 })).toBeNull();
    expect(cpuPercent({ cpuMs: 1_000, at: 5 }, { cpuMs: 1_100, at: 5 })).toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    'this process’s CPU time from /proc grows while it works; a PID that does not exist reads null',
    async () => {
      const before = await processCpuMs(process.pid);
      const until = Date.now() + 300;
      let spin = 0;
      while (Date.now() < until) spin++;
      const after = await processCpuMs(process.pid);
      expect(spin).toBeGreaterThan(0);
      expect(before).not.toBeNull();
      expect(after ?? 0).toBeGreaterThan((before ?? Infinity) + 100);
      expect(await processCpuMs(2 ** 22 + 12_345)).toBeNull();
    },
  );

  it('Windows gives no cheap reading: null, not a guess', async () => {
    expect(await processCpuMs(process.pid, 'win32')).toBeNull();
  });
});
