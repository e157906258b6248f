/** No sign of playback progress for this long while main says live: the player tries to recover. */
export const STALL_MS = 5_000;

/** What the player can see of playback at one moment. */
export interface PlaybackSample {
  /** performance.now() */
  now: number;
  /** Frames presented so far (requestVideoFrameCallback); stops when nothing is drawn. */
  presented: number;
  /** Frames decoded so far (getVideoPlaybackQuality), null where unknown; moves while undrawn. */
  decoded: number | null;
  /** document.hidden */
  hidden: boolean;
  /** A paused element is not stalled. */
  paused: boolean;
}

/** What the player should do now. */
export type WatchdogAction = 'none' | 'reload' | 'stalled';

export interface StallWatchdog {
  /** Called about once a second with what the player sees. */
  check(sample: PlaybackSample): WatchdogAction;
  /** The page is visible again: timers may have slept while it was hidden, so count from now. */
  resume(now: number): void;
}

/**
 * Decides when a live player has stalled. Progress is a presented or a decoded frame:
 * a minimised Electron window may draw nothing (no rVFC callbacks) and still report
 * itself visible when background throttling is off, while its decoder keeps going.
 * A hidden page is never stalled. The first stall asks for one reload; a stall after
 * that, without progress in between, is final.
 */
export function createStallWatchdog(start: number, stallMs = STALL_MS): StallWatchdog {
  let lastProgressAt = start;
  let presented = 0;
  let decoded: number | null = null;
  let reloaded = false;

  return {
    check(sample) {
      // The decoded count starts over when hls.js attaches a new MediaSource.
      const moved =
        sample.presented > presented ||
        (sample.decoded !== null && decoded !== null && sample.decoded > decoded);
      presented = sample.presented;
      decoded = sample.decoded;
      if (moved) reloaded = false;
      if (moved || sample.hidden) {
        lastProgressAt = sample.now;
        return 'none';
      }
      if (presented < 2 || sample.paused) {
        // Not started, or paused on purpose: stay at most half a stall behind.
        lastProgressAt = Math.max(lastProgressAt, sample.now - stallMs / 2);
        return 'none';
      }
      if (sample.now - lastProgressAt <= stallMs) return 'none';
      if (reloaded) return 'stalled';
      reloaded = true;
      lastProgressAt = sample.now;
      return 'reload';
    },
    resume(now) {
      lastProgressAt = Math.max(lastProgressAt, now);
    },
  };
}
