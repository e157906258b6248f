// Whether this computer keeps up with the wall's tiles: pure, so it is tested without a DOM;
// use-keep-up.ts feeds it once a second.
//
// A tile is behind when it shows well under the frames its camera's stream brings (main counts
// them in the session's segments), for several seconds. Those frames reached this computer and
// were not shown: decoding or drawing them is what falls short, not the camera or the network.
// A slow camera (a 5 fps sub stream) is therefore never "behind", and a tile that shows nothing
// at all is a stall, which the tile's own face and the player's watchdog already speak about.

/** Behind: fewer than this share of the stream's frames (15 of 25 fps, the wall's own goal). */
export const BEHIND_SHARE = 0.6;
/** A behind tile counts as keeping up again from this share on (no flicker at the edge). */
export const RECOVERED_SHARE = 0.75;
/** How long a tile's rate is measured over before it is judged. */
export const KEEP_UP_WINDOW_MS = 5_000;
/** A once-a-second timer fires a little early or late: a window this much short still counts. */
const TIMER_SLACK_MS = 250;

/** One tile as the wall reads it at one moment. */
export interface TileReading {
  cameraId: string;
  /** Frames the tile's video presented so far (requestVideoFrameCallback). */
  presented: number;
  /** Frames per second the camera's stream brings, as main measured it; null: not known. */
  streamFps: number | null;
}

interface TileTrack {
  /** Readings within the window, and the last one before it (where the window starts). */
  samples: ReadonlyArray<{ at: number; presented: number }>;
  /** Frames presented per second over the last full window; null until there is one. */
  fps: number | null;
  streamFps: number | null;
  behind: boolean;
}

/** What the wall knows of its tiles' playback. */
export interface KeepUpState {
  tiles: Readonly<Record<string, TileTrack>>;
}

/** Nothing read yet (a new wall, or a page that was hidden: rVFC does not run then). */
export const NO_KEEP_UP: KeepUpState = { tiles: {} };

/**
 * The state after reading the tiles at `at` (performance.now() ms). Tiles not in `readings`
 * have left the wall and are forgotten; a count that went down is a new video element, whose
 * window starts over.
 */
export function trackKeepUp(
  state: KeepUpState,
  at: number,
  readings: readonly TileReading[],
): KeepUpState {
  const tiles: Record<string, TileTrack> = {};
  for (const reading of readings) {
    const before = state.tiles[reading.cameraId];
    const last = before?.samples.at(-1);
    const kept = last && reading.presented >= last.presented ? [...(before?.samples ?? [])] : [];
    kept.push({ at, presented: reading.presented });
    const windowStart = at - (KEEP_UP_WINDOW_MS - TIMER_SLACK_MS);
    while (kept.length > 1 && (kept[1]?.at ?? Infinity) <= windowStart) kept.shift();
    const first = kept[0];
    const fps =
      first && first.at <= windowStart
        ? ((reading.presented - first.presented) * 1_000) / (at - first.at)
        : null;
    const stream = reading.streamFps;
    let behind = false;
    // Nothing shown at all is a stall (not ours to judge); an unknown stream rate, no yardstick.
    if (fps !== null && fps > 0 && stream !== null && stream > 0) {
      behind = before?.behind ? fps < RECOVERED_SHARE * stream : fps < BEHIND_SHARE * stream;
    }
    tiles[reading.cameraId] = { samples: kept, fps, streamFps: stream, behind };
  }
  return { tiles };
}

/** The tiles judged behind, by camera id. */
export function behindTiles(state: KeepUpState): string[] {
  return Object.entries(state.tiles)
    .filter(([, tile]) => tile.behind)
    .map(([cameraId]) => cameraId);
}

const plural = (n: number, one: string, many: string) => `${String(n)} ${n === 1 ? one : many}`;

/**
 * The wall bar's words while tiles are behind, null while every tile keeps up. The rate is
 * given as a bound in steps of 5 fps above the fastest behind tile, so the words stay true and
 * do not change (nor get announced again) with every second's wobble.
 */
export function keepUpNotice(state: KeepUpState, cameras: number): string | null {
  const behind = Object.values(state.tiles).filter((tile) => tile.behind);
  if (behind.length === 0) return null;
  const fastest = Math.max(...behind.map((tile) => tile.fps ?? 0));
  const below = Math.floor(fastest / 5) * 5 + 5;
  return (
    `This computer cannot keep up with ${plural(cameras, 'camera', 'cameras')}: ` +
    `${plural(behind.length, 'tile is', 'tiles are')} playing below ${String(below)} fps. ` +
    "Use a smaller layout or the cameras' sub streams."
  );
}
