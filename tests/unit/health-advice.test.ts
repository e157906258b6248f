import { describe, expect, it } from 'vitest';
import type { CameraSource } from '../../src/shared/cameras';
import type { MediaMeasurements, StreamHealth } from '../../src/shared/health';
import { healthAdvice, noAdviceReason, videoCodecLabel } from '../../src/shared/health-advice';

/** A healthy camera: H.264 copied, 1 s GOP, no B-frames, 2 Mbit/s at 1080p. */
const healthyMedia: MediaMeasurements = {
  videoCodec: 'h264',
  profile: 'Main',
  width: 1920,
  height: 1080,
  fps: 25,
  gopSec: 1,
  gopAtLeast: false,
  bFrames: false,
  audioCodec: 'aac',
  audioSampleRate: 48_000,
  audioChannels: 'mono',
  bitrate: 2_000_000,
  transcoding: false,
  ffmpegCpuPercent: 1.2,
  measuredSec: 12,
};

function health(media: Partial<MediaMeasurements>): StreamHealth {
  return {
    cameraId: 'c1',
    sessionId: 's1',
    at: 0,
    timeline: [],
    startup: {
      prepareMs: null,
      rtspSetupMs: null,
      firstKeyframeMs: null,
      firstSegmentMs: null,
      totalMs: null,
    },
    media: { ...healthyMedia, ...media },
    ffmpegTail: [],
  };
}

const rtsp = { source: { kind: 'rtsp', url: 'rtsp://192.168.1.20/stream1' } as CameraSource };
function onvif(profile: 'main' | 'sub') {
  const source: CameraSource = {
    kind: 'onvif',
    host: '192.168.1.30',
    port: 80,
    profile,
    profileToken: 'p0',
    streamUrl: 'rtsp://192.168.1.30/main',
    snapshotUrl: null,
    videoCodec: 'h264',
  };
  return { source };
}
const demo = { source: { kind: 'demo' } as CameraSource };

const kinds = (media: Partial<MediaMeasurements>, camera: { source: CameraSource } | null = rtsp) =>
  healthAdvice(health(media), camera).map((a) => a.kind);
const only = (
  media: Partial<MediaMeasurements>,
  camera: { source: CameraSource } | null = rtsp,
) => {
  const list = healthAdvice(health(media), camera);
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe('healthAdvice: a healthy stream', () => {
  it('gives no advice for a 1 s-GOP H.264 stream copied as sent, from any source', () => {
    expect(healthAdvice(health({}), rtsp)).toEqual([]);
    expect(healthAdvice(health({}), onvif('main'))).toEqual([]);
    expect(healthAdvice(health({}), null)).toEqual([]);
  });

  it('says why there is nothing to change, from the measurements', () => {
    expect(noAdviceReason(health({}), rtsp)).toBe(
      'a keyframe every 1.0 s, and H.264 copied as the camera sends it.',
    );
    expect(noAdviceReason(health({ gopSec: null }), rtsp)).toMatch(/keyframe interval needs/);
    expect(noAdviceReason(health({}), demo)).toMatch(/demo camera/);
  });

  it('gives the demo camera none, even with findings (its picture is Vigil’s own)', () => {
    expect(healthAdvice(health({ gopSec: 4, transcoding: true, bitrate: 9e6 }), demo)).toEqual([]);
  });
});

describe('healthAdvice: keyframe interval', () => {
  it('does not fire at 2.0 s, fires just above', () => {
    expect(kinds({ gopSec: 2 })).toEqual([]);
    expect(only({ gopSec: 2.2 }).kind).toBe('keyframe-interval');
    expect(only({ gopSec: 2.2 }).advice).toContain('about 0.6 s sooner');
  });

  it.each([
    [4, 'Keyframe every 4.0 s', 'about 1.5 s sooner'],
    [3, 'Keyframe every 3.0 s', 'about 1.0 s sooner'],
    [10, 'Keyframe every 10.0 s', 'about 4.5 s sooner'],
  ])('GOP %s s → "%s", "%s"', (gopSec, finding, gain) => {
    const advice = only({ gopSec });
    expect(advice.finding).toBe(finding);
    expect(advice.advice).toContain(gain);
  });

  it('sets the GOP to the measured frame rate, or says one a second without it', () => {
    expect(only({ gopSec: 4, fps: 25 }).advice).toBe(
      'Set the camera’s I-frame interval (GOP) to its frame rate (25, one keyframe a second) to start about 1.5 s sooner.',
    );
    expect(only({ gopSec: 4, fps: 29.97 }).advice).toContain('to its frame rate (30, one keyframe');
    expect(only({ gopSec: 4, fps: null }).advice).toBe(
      'Set the camera’s I-frame interval (GOP) to one keyframe a second to start about 1.5 s sooner.',
    );
  });

  it('with one keyframe seen, says "more than" and "at least"', () => {
    const advice = only({ gopSec: 4, gopAtLeast: true });
    expect(advice.finding).toBe('Keyframes more than 4.0 s apart');
    expect(advice.advice).toContain('at least 1.5 s sooner');
    // At least 1.5 s is still not over the limit: no advice yet.
    expect(kinds({ gopSec: 1.5, gopAtLeast: true })).toEqual([]);
  });
});

describe('healthAdvice: transcoding', () => {
  it('names the codec and the measured CPU', () => {
    const advice = only({ videoCodec: 'hevc', transcoding: true, ffmpegCpuPercent: 27.4 });
    expect(advice.kind).toBe('transcoding');
    expect(advice.finding).toBe('H.265: being transcoded to H.264 (27 % CPU)');
    expect(advice.advice).toContain('Switch the camera’s video to H.264 (or its H.264 sub stream)');
    expect(advice.advice).toContain('CPU falls from 27 % to about 1 %');
    expect(advice.advice).toContain('re-encodes it in software');
  });

  it('says when the CPU could not be measured', () => {
    const advice = only({ videoCodec: 'mjpeg', transcoding: true, ffmpegCpuPercent: null });
    expect(advice.finding).toBe(
      'MJPEG: being transcoded to H.264 (CPU not measured on this system)',
    );
    expect(advice.advice).toContain('CPU falls to about 1 %');
  });

  it('points an ONVIF camera to its profiles in Edit', () => {
    const main = only({ videoCodec: 'hevc', transcoding: true }, onvif('main'));
    expect(main.advice).toContain('or choose its H.264 sub profile in Edit');
    const sub = only({ videoCodec: 'hevc', transcoding: true }, onvif('sub'));
    expect(sub.advice).toContain('or choose an H.264 profile in Edit');
  });

  it('does not fire when the video is copied', () => {
    expect(kinds({ videoCodec: 'hevc', transcoding: false })).toEqual([]);
  });

  it.each([
    ['hevc', 'H.265'],
    ['h265', 'H.265'],
    ['mjpeg', 'MJPEG'],
    ['h264', 'H.264'],
    ['mpeg4', 'MPEG4'],
    [null, 'Video'],
  ])('codec %s reads "%s"', (codec, label) => {
    expect(videoCodecLabel(codec)).toBe(label);
  });
});

describe('healthAdvice: B-frames', () => {
  it('fires only when B-frames were seen', () => {
    expect(kinds({ bFrames: false })).toEqual([]);
    expect(kinds({ bFrames: null })).toEqual([]);
    expect(only({ bFrames: true }).finding).toBe('B-frames: the camera sends frames out of order');
  });

  it('computes the delay from the frame rate', () => {
    expect(only({ bFrames: true, fps: 25 }).advice).toContain(
      'to cut about 2 frames of delay (80 ms at 25 fps)',
    );
    expect(only({ bFrames: true, fps: 15 }).advice).toContain('(133 ms at 15 fps)');
    const withoutFps = only({ bFrames: true, fps: null }).advice;
    expect(withoutFps).toContain('to cut about 2 frames of delay.');
    expect(withoutFps).not.toMatch(/ms/);
  });
});

describe('healthAdvice: bitrate', () => {
  it('does not fire at 8 Mbit/s, fires above, with the computed saving', () => {
    expect(kinds({ bitrate: 8_000_000 })).toEqual([]);
    const advice = only({ bitrate: 12_000_000 });
    expect(advice.kind).toBe('bitrate');
    expect(advice.finding).toBe('High bitrate: 12.0 Mbit/s');
    expect(advice.advice).toBe(
      'Lower the camera’s bitrate to 4.0 Mbit/s (67 % less data), or use its sub stream: fewer stalls on Wi-Fi.',
    );
    expect(only({ bitrate: 8_100_000 }).advice).toContain('(51 % less data)');
  });
});

describe('healthAdvice: sub stream', () => {
  const big = { width: 2560, height: 1440 };

  it('does not fire at 1920 × 1080, fires above', () => {
    expect(kinds({ width: 1920, height: 1080 }, onvif('main'))).toEqual([]);
    expect(kinds({ width: 1921, height: 1080 }, onvif('main'))).toEqual(['sub-stream']);
  });

  it('suggests the sub profile for an ONVIF camera on its main profile', () => {
    const advice = only(big, onvif('main'));
    expect(advice.finding).toBe('Large picture: 2560 × 1440 (1.8 × Full HD)');
    expect(advice.advice).toContain('choose the camera’s sub profile in Edit');
  });

  it('suggests the sub-stream URL for an RTSP camera', () => {
    expect(only(big, rtsp).advice).toContain('use the camera’s sub-stream URL');
  });

  it('says nothing for the sub profile, the demo or an unknown camera', () => {
    expect(kinds(big, onvif('sub'))).toEqual([]);
    expect(kinds(big, demo)).toEqual([]);
    expect(kinds(big, null)).toEqual([]);
  });
});

describe('healthAdvice: order', () => {
  const everything: Partial<MediaMeasurements> = {
    videoCodec: 'hevc',
    transcoding: true,
    gopSec: 4,
    bFrames: true,
    bitrate: 12e6,
    width: 3840,
    height: 2160,
  };

  it('puts the CPU cost first, then time saved, then sturdiness, then small windows', () => {
    expect(kinds(everything, onvif('main'))).toEqual([
      'transcoding',
      'keyframe-interval',
      'b-frames',
      'bitrate',
      'sub-stream',
    ]);
  });

  it('ranks the time gains by the seconds computed', () => {
    // At 2 fps, B-frames hold back 1 s: more than a 2.5 s GOP's 0.75 s.
    expect(kinds({ gopSec: 2.5, bFrames: true, fps: 2 })).toEqual([
      'b-frames',
      'keyframe-interval',
    ]);
    expect(kinds({ gopSec: 2.5, bFrames: true, fps: 25 })).toEqual([
      'keyframe-interval',
      'b-frames',
    ]);
  });
});
