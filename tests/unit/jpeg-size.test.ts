import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { jpegSize } from '../../src/main/services/cameras/jpeg-size';

// Real encoder output: ffmpeg writes JFIF/EXIF-less baseline JPEGs with DQT/DHT before SOF0.
function ffmpegJpeg(size: string, extra: string[] = []): Buffer {
  const run = spawnSync(process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=1`,
    '-frames:v',
    '1',
    ...extra,
    '-f',
    'mjpeg',
    'pipe:1',
  ]);
  if (run.status !== 0) throw new Error(run.stderr.toString());
  return run.stdout;
}

describe('jpegSize', () => {
  it('reads the size of the JPEGs ffmpeg encodes', () => {
    expect(jpegSize(ffmpegJpeg('640x360'))).toEqual({ width: 640, height: 360 });
    expect(jpegSize(ffmpegJpeg('1920x1080'))).toEqual({ width: 1920, height: 1080 });
  });
  it('is null for what is not a JPEG, or one cut before its size', () => {
    expect(jpegSize(Buffer.from('\x89PNG\r\n'))).toBeNull();
    expect(jpegSize(ffmpegJpeg('640x360').subarray(0, 20))).toBeNull();
    expect(jpegSize(Buffer.alloc(0))).toBeNull();
  });
});
