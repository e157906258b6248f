import type { CameraSource } from './cameras';
import type { HealthAdvice, StreamHealth } from './health';

// What to change on a camera, from what its session measured. Pure: the panel (renderer) and
// any later caller get the same words for the same numbers. Every gain is computed from the
// measurements; the only fixed figures are the targets (1 keyframe a second, 4 Mbit/s) and
// the CPU of a copied stream (docs/benchmarks.md: 1.2 % of a core per 720p camera).

/** Above this keyframe interval (seconds) the wait for the first keyframe is worth cutting. */
export const GOP_LIMIT_SEC = 2;
/** Above this bitrate (bits per second) a camera is advised to send less. */
export const BITRATE_LIMIT_BPS = 8_000_000;
/** What the bitrate advice aims for. */
export const BITRATE_TARGET_BPS = 4_000_000;
/** Pictures larger than Full HD (in pixels) are worth a sub stream for small windows. */
export const LARGE_PICTURE_PIXELS = 1920 * 1080;
/** How many frames B-frames hold back: the decoder waits for the next reference frame. */
const B_FRAME_DELAY_FRAMES = 2;

/** A camera's video codec as people know it: "hevc" → "H.265", "mjpeg" → "MJPEG". */
export function videoCodecLabel(codec: string | null): string {
  if (codec === null) return 'Video';
  const name = codec.toLowerCase();
  if (name === 'hevc' || name === 'h265') return 'H.265';
  if (name === 'h264') return 'H.264';
  if (name === 'mjpeg') return 'MJPEG';
  return codec.toUpperCase();
}

/** Seconds with one decimal ("1.5 s"); the same rounding for findings and gains. */
function seconds(value: number): string {
  return `${value.toFixed(1)} s`;
}

function mbits(bps: number): string {
  return `${(bps / 1e6).toFixed(1)} Mbit/s`;
}

/** A usable frame rate for a GOP setting (a whole number of frames), or null. */
function wholeFps(fps: number | null): number | null {
  if (fps === null || !Number.isFinite(fps)) return null;
  const whole = Math.round(fps);
  return whole >= 1 ? whole : null;
}

/** One piece of advice and its sort key. */
interface Ranked {
  advice: HealthAdvice;
  /** Group first (lower = bigger gain), then seconds saved within a group (more first). */
  group: number;
  savedSec: number;
}

// Ranking. Re-encoding is paid every second of every session (a quarter to half a core per
// camera, FIELD-NOTES), so it comes first. Then what saves time, by the seconds computed: a
// long GOP's keyframe wait on each start, B-frames' delay on every frame. Then what only
// makes streaming sturdier (bitrate), then what helps small windows (sub stream).
const GROUP_CPU = 0;
const GROUP_TIME = 1;
const GROUP_STURDY = 2;
const GROUP_SMALL_WINDOWS = 3;

function keyframeAdvice(health: StreamHealth): Ranked | null {
  const { gopSec, gopAtLeast, fps } = health.media;
  if (gopSec === null || !(gopSec > GOP_LIMIT_SEC)) return null;
  // A viewer joins at a random point of the GOP: it waits half a GOP on average for a
  // keyframe; at one keyframe a second that is 0.5 s.
  const savedSec = (gopSec - 1) / 2;
  const frames = wholeFps(fps);
  const target =
    frames === null
      ? 'to one keyframe a second'
      : `to its frame rate (${String(frames)}, one keyframe a second)`;
  return {
    group: GROUP_TIME,
    savedSec,
    advice: {
      kind: 'keyframe-interval',
      finding: gopAtLeast
        ? `Keyframes more than ${seconds(gopSec)} apart`
        : `Keyframe every ${seconds(gopSec)}`,
      // Only one keyframe seen: the GOP is at least this long, and so is the gain.
      advice: `Set the camera’s I-frame interval (GOP) ${target} to start ${gopAtLeast ? 'at least' : 'about'} ${seconds(savedSec)} sooner.`,
    },
  };
}

function transcodingAdvice(health: StreamHealth, source: CameraSource | null): Ranked | null {
  const { transcoding, videoCodec, ffmpegCpuPercent } = health.media;
  if (!transcoding) return null;
  const cpu = ffmpegCpuPercent === null ? null : `${String(Math.round(ffmpegCpuPercent))} %`;
  const other =
    source?.kind === 'onvif'
      ? source.profile === 'main'
        ? 'or choose its H.264 sub profile in Edit'
        : 'or choose an H.264 profile in Edit'
      : 'or its H.264 sub stream';
  // Vigil re-encodes with libx264 on the processor (src/main/services/streaming/ffmpeg-args.ts):
  // no hardware encoder takes the work, so the cost is this computer's for as long as it plays.
  return {
    group: GROUP_CPU,
    savedSec: 0,
    advice: {
      kind: 'transcoding',
      finding: `${videoCodecLabel(videoCodec)}: being transcoded to H.264 (${cpu === null ? 'CPU not measured on this system' : `${cpu} CPU`})`,
      advice:
        'Chromium cannot play it, so Vigil re-encodes it in software, which costs this ' +
        `computer CPU for as long as you watch. Switch the camera’s video to H.264 (${other}) ` +
        `so Vigil copies it: CPU falls ${cpu === null ? '' : `from ${cpu} `}to about 1 % and ` +
        'the picture starts sooner.',
    },
  };
}

function bFramesAdvice(health: StreamHealth): Ranked | null {
  const { bFrames, fps } = health.media;
  if (bFrames !== true) return null;
  const rate = fps !== null && Number.isFinite(fps) && fps > 0 ? fps : null;
  const delayMs = rate === null ? null : Math.round((B_FRAME_DELAY_FRAMES / rate) * 1000);
  const delay =
    delayMs === null || rate === null
      ? `about ${String(B_FRAME_DELAY_FRAMES)} frames of delay`
      : `about ${String(B_FRAME_DELAY_FRAMES)} frames of delay (${String(delayMs)} ms at ${String(Number(rate.toFixed(2)))} fps)`;
  return {
    group: GROUP_TIME,
    savedSec: delayMs === null ? 0 : delayMs / 1000,
    advice: {
      kind: 'b-frames',
      finding: 'B-frames: the camera sends frames out of order',
      advice: `Turn B-frames off on the camera (often “B-frames: 0”, or the H.264 profile Baseline, which has none) to cut ${delay}.`,
    },
  };
}

function bitrateAdvice(health: StreamHealth): Ranked | null {
  const { bitrate } = health.media;
  if (bitrate === null || !(bitrate > BITRATE_LIMIT_BPS)) return null;
  const less = Math.round((1 - BITRATE_TARGET_BPS / bitrate) * 100);
  return {
    group: GROUP_STURDY,
    savedSec: 0,
    advice: {
      kind: 'bitrate',
      finding: `High bitrate: ${mbits(bitrate)}`,
      advice: `Lower the camera’s bitrate to ${mbits(BITRATE_TARGET_BPS)} (${String(less)} % less data), or use its sub stream: fewer stalls on Wi-Fi.`,
    },
  };
}

function subStreamAdvice(health: StreamHealth, source: CameraSource | null): Ranked | null {
  const { width, height } = health.media;
  if (width === null || height === null || !(width * height > LARGE_PICTURE_PIXELS)) return null;
  let advice: string;
  if (source?.kind === 'onvif' && source.profile === 'main') {
    advice =
      'For small windows, choose the camera’s sub profile in Edit: a smaller picture needs less bandwidth and CPU, and starts sooner.';
  } else if (source?.kind === 'rtsp') {
    advice =
      'For small windows, use the camera’s sub-stream URL in Edit (many cameras serve one at a second path): a smaller picture needs less bandwidth and CPU, and starts sooner.';
  } else {
    // The sub profile is already chosen, the demo is Vigil's own picture, or the source is
    // unknown: there is no smaller stream to point at.
    return null;
  }
  const times = (width * height) / LARGE_PICTURE_PIXELS;
  return {
    group: GROUP_SMALL_WINDOWS,
    savedSec: 0,
    advice: {
      kind: 'sub-stream',
      finding: `Large picture: ${String(width)} × ${String(height)} (${times.toFixed(1)} × Full HD)`,
      advice,
    },
  };
}

/**
 * What to change on the camera, biggest expected gain first; empty when nothing measured calls
 * for a change. The demo camera gets none: its picture is made by Vigil itself.
 */
export function healthAdvice(
  health: StreamHealth,
  camera: { source: CameraSource } | null,
): HealthAdvice[] {
  const source = camera?.source ?? null;
  if (source?.kind === 'demo') return [];
  const ranked = [
    transcodingAdvice(health, source),
    keyframeAdvice(health),
    bFramesAdvice(health),
    bitrateAdvice(health),
    subStreamAdvice(health, source),
  ].filter((r): r is Ranked => r !== null);
  ranked.sort((a, b) => a.group - b.group || b.savedSec - a.savedSec);
  return ranked.map((r) => r.advice);
}

/** Why there is nothing to change (the panel says "Nothing to change: <this>"). */
export function noAdviceReason(
  health: StreamHealth,
  camera: { source: CameraSource } | null,
): string {
  if (camera?.source.kind === 'demo') return 'the demo camera’s picture is made by Vigil itself.';
  const { gopSec, gopAtLeast, videoCodec } = health.media;
  if (gopSec === null || gopAtLeast) {
    return 'nothing measured so far calls for it (the keyframe interval needs a second keyframe).';
  }
  const video = videoCodec === null ? 'the video' : videoCodecLabel(videoCodec);
  return `a keyframe every ${seconds(gopSec)}, and ${video} copied as the camera sends it.`;
}
