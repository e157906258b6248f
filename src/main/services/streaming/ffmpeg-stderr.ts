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
