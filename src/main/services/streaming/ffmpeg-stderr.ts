import type { VideoCodec } from './source';

/** ffmpeg's name for a video codec → ours. */
export function codecFromName(name: string): VideoCodec {
  if (name === 'h264') return 'h264';
  if (name === 'hevc' || name === 'h265') return 'h265';
  if (name === 'mjpeg') return 'mjpeg';
  return 'other';
}

/**
 * Reads one run's stderr, line by line, until its output section ("Output #0") and reports
 * the input's video codec (`Stream #0:0: Video: hevc …`), with ffmpeg's own name for it.
 */
export function inputCodecReader(
  onCodec: (codec: VideoCodec, name: string) => void,
): (line: string) => void {
  let inInput = true;
  return (line) => {
    if (/^Output #0/.test(line)) inInput = false;
    if (!inInput) return;
    const match = /Stream #0:\d+.*?: Video: (\w+)/.exec(line);
    if (match?.[1]) onCodec(codecFromName(match[1]), match[1]);
  };
}

// The small probe ended before ffmpeg saw the video's size (a camera joined mid-GOP, a slow
// or loaded machine): measured here as "[mp4] dimensions not set" and exit 1 before live.
const PROBE_TOO_SHORT = /dimensions not set|Could not write header|unspecified size/i;

// What ffmpeg says when drawtext cannot load a font (5.1-7.x, with and without fontconfig).
const CLOCK_FAILED = /drawtext|Could not load font|font filename|valid font/i;

/** True when a run that ended before its first picture says the small probe was too short. */
export function probeTooShort(stderr: string): boolean {
  return PROBE_TOO_SHORT.test(stderr);
}

/** True when a demo run that ended before its first picture says drawtext (the clock) failed. */
export function clockFailed(stderr: string): boolean {
  return CLOCK_FAILED.test(stderr);
}

/** One input stream as ffmpeg describes it (`Stream #0:0: Video: h264 (High), …, 25 fps`). */
export type InputStreamLine =
  | {
      kind: 'video';
      codec: string;
      profile: string | null;
      width: number | null;
      height: number | null;
      fps: number | null;
    }
  | { kind: 'audio'; codec: string; sampleRate: number | null; channels: string | null };

/**
 * Reads one input stream line of ffmpeg's stderr; null for any other line. Measured with
 * ffmpeg 5.1 on RTSP and file inputs: `Video: h264 (High) ([27][0][0][0] / 0x001B),
 * yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn` and `Audio: aac
 * (LC), 44100 Hz, stereo, fltp, 127 kb/s` (the codec tag group and the kb/s are optional).
 */
export function inputStreamLine(line: string): InputStreamLine | null {
  const match = /Stream #0:\d+\S*: (Video|Audio): (\w+)(?: \(([^)]*)\))?(.*)$/.exec(line);
  if (!match) return null;
  const [, type, codec = '', paren, rest = ''] = match;
  // "(High)" is a profile; "([27][0][0][0] / 0x001B)" is a codec tag.
  const profile = paren && !/\/ 0x/.test(paren) ? paren : null;
  if (type === 'Video') {
    const size = /\b(\d{2,5})x(\d{2,5})\b/.exec(rest);
    const fps = /([\d.]+) fps/.exec(rest);
    return {
      kind: 'video',
      codec,
      profile,
      width: size ? Number(size[1]) : null,
      height: size ? Number(size[2]) : null,
      fps: fps ? Number(fps[1]) : null,
    };
  }
  const rate = /(\d+) Hz/.exec(rest);
  const channels = /Hz, ([^,]+)/.exec(rest);
  return {
    kind: 'audio',
    codec,
    sampleRate: rate ? Number(rate[1]) : null,
    channels: channels?.[1]?.trim() ?? null,
  };
}

/**
 * Reads the `Stream mapping:` block: whether the video is copied (`(copy)`) or re-encoded
 * (`(hevc (native) -> h264 (libx264))`); null for any other line.
 */
export function videoMappingLine(line: string, videoOutput = '#0:0'): 'copy' | 'encode' | null {
  const match = /^\s*Stream #0:\d+ -> (#0:\d+) \((.*)\)\s*$/.exec(line);
  if (match?.[1] !== videoOutput) return null;
  return match[2] === 'copy' ? 'copy' : 'encode';
}
