import { describe, expect, it } from 'vitest';
import {
  behindTiles,
  KEEP_UP_WINDOW_MS,
  keepUpNotice,
  NO_KEEP_UP,
  trackKeepUp,
  type KeepUpState,
  type TileReading,
} from '../../src/renderer/src/wall/keep-up';

interface Tile {
  fps: number;
  streamFps: number | null;
}

/**
 * Reads the tiles once a second for `seconds`, from `start` (ms), each presenting its `fps`
 * frames a second; returns the state and where the counts and the clock got to.
 */
function play(
  tiles: Record<string, Tile>,
  seconds: number,
  from: { state: KeepUpState; at: number; counts: Record<string, number> } = {
    state: NO_KEEP_UP,
    at: 0,
    counts: {},
  },
) {
  let { state, at } = from;
  const counts = { ...from.counts };
  for (let s = 0; s < seconds; s++) {
    const readings: TileReading[] = Object.entries(tiles).map(([cameraId, tile]) => {
      counts[cameraId] = (counts[cameraId] ?? 0) + (s === 0 && at === 0 ? 0 : tile.fps);
      return { cameraId, presented: counts[cameraId] ?? 0, streamFps: tile.streamFps };
    });
    state = trackKeepUp(state, at, readings);
    at += 1_000;
  }
  return { state, at, counts };
}

const WINDOW_S = KEEP_UP_WINDOW_MS / 1_000;

describe('keeping up with a wall', () => {
  it('a tile showing 8 of its stream’s 25 fps for the whole window is behind, and the notice says so', () => {
    const tiles: Record<string, Tile> = {
      a: { fps: 8, streamFps: 25 },
      b: { fps: 25, streamFps: 25 },
      c: { fps: 24, streamFps: 25 },
    };
    const { state } = play(tiles, WINDOW_S + 1);
    expect(behindTiles(state)).toEqual(['a']);
    expect(keepUpNotice(state, 3)).toBe(
      "This computer cannot keep up with 3 cameras: 1 tile is playing below 10 fps. Use a smaller layout or the cameras' sub streams.",
    );
  });

  it('a window not yet full judges nothing: slow for one second less than the window is not behind', () => {
    const { state } = play({ a: { fps: 5, streamFps: 25 } }, WINDOW_S);
    expect(behindTiles(state)).toEqual([]);
    expect(keepUpNotice(state, 1)).toBeNull();
  });

  it('a camera that sends 5 fps, shown at 5 fps, keeps up: the yardstick is its stream, not a fixed rate', () => {
    const { state } = play({ a: { fps: 5, streamFps: 5 } }, WINDOW_S * 3);
    expect(behindTiles(state)).toEqual([]);
  });

  it('just under 60 % of the stream is behind, 60 % is not', () => {
    const { state } = play(
      { under: { fps: 14, streamFps: 25 }, at: { fps: 15, streamFps: 25 } },
      WINDOW_S + 1,
    );
    expect(behindTiles(state)).toEqual(['under']);
  });

  it('a tile showing nothing (a stall, spoken of by its own face) and one whose stream rate is unknown are not judged', () => {
    const { state } = play(
      { stalled: { fps: 0, streamFps: 25 }, unknown: { fps: 3, streamFps: null } },
      WINDOW_S * 2,
    );
    expect(behindTiles(state)).toEqual([]);
    expect(keepUpNotice(state, 2)).toBeNull();
  });

  it('a behind tile stays behind until it shows 75 % of its stream again (no flicker at the edge)', () => {
    const slow = play({ a: { fps: 6, streamFps: 25 } }, WINDOW_S + 1);
    expect(behindTiles(slow.state)).toEqual(['a']);
    // 17 fps is above 60 % but below 75 %: still behind after a whole window of it.
    const edge = play({ a: { fps: 17, streamFps: 25 } }, WINDOW_S + 1, slow);
    expect(behindTiles(edge.state)).toEqual(['a']);
    const back = play({ a: { fps: 20, streamFps: 25 } }, WINDOW_S + 1, edge);
    expect(behindTiles(back.state)).toEqual([]);
    expect(keepUpNotice(back.state, 1)).toBeNull();
  });

  it('the rate is measured over the window only: a slow start long ago does not count', () => {
    const slow = play({ a: { fps: 4, streamFps: 25 } }, WINDOW_S + 1);
    const fast = play({ a: { fps: 25, streamFps: 25 } }, WINDOW_S + 1, slow);
    expect(behindTiles(fast.state)).toEqual([]);
  });

  it('a count that went down (a new video element) starts the window over', () => {
    const slow = play({ a: { fps: 5, streamFps: 25 } }, WINDOW_S + 1);
    expect(behindTiles(slow.state)).toEqual(['a']);
    // The new element counts from 0: its first seconds are not a full window, so not behind.
    const restarted = play({ a: { fps: 5, streamFps: 25 } }, 2, { ...slow, counts: { a: -5 } });
    expect(behindTiles(restarted.state)).toEqual([]);
  });

  it('a tile taken off the wall is forgotten', () => {
    const both = play({ a: { fps: 5, streamFps: 25 }, b: { fps: 5, streamFps: 25 } }, WINDOW_S + 1);
    expect(behindTiles(both.state)).toEqual(['a', 'b']);
    const one = play({ b: { fps: 5, streamFps: 25 } }, 1, both);
    expect(behindTiles(one.state)).toEqual(['b']);
  });

  it('the notice counts the behind tiles and bounds their rate in steps of 5 fps, strictly above the fastest of them', () => {
    const tiles: Record<string, Tile> = {
      a: { fps: 9, streamFps: 25 },
      b: { fps: 10, streamFps: 25 },
      c: { fps: 3, streamFps: 25 },
      d: { fps: 25, streamFps: 25 },
    };
    const { state } = play(tiles, WINDOW_S + 1);
    expect(keepUpNotice(state, 16)).toBe(
      "This computer cannot keep up with 16 cameras: 3 tiles are playing below 15 fps. Use a smaller layout or the cameras' sub streams.",
    );
    const one = play({ a: { fps: 4, streamFps: 12 } }, WINDOW_S + 1);
    expect(keepUpNotice(one.state, 1)).toBe(
      "This computer cannot keep up with 1 camera: 1 tile is playing below 5 fps. Use a smaller layout or the cameras' sub streams.",
    );
  });

  it('a once-a-second timer running late still measures the true rate (frames over the time between readings)', () => {
    let state = NO_KEEP_UP;
    let presented = 0;
    // Readings 1.5 s apart, 16 frames each time: 10.7 fps, behind 25 fps.
    for (let at = 0; at <= 9_000; at += 1_500) {
      state = trackKeepUp(state, at, [{ cameraId: 'a', presented, streamFps: 25 }]);
      presented += 16;
    }
    expect(behindTiles(state)).toEqual(['a']);
    expect(keepUpNotice(state, 1)).toMatch(/below 15 fps/);
  });
});
