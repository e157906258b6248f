// Which stream a wall tile plays (issue "The camera wall" §2): the sub stream in small tiles,
// the main one when enlarged, large, or when the camera has no sub stream.
import { describe, expect, it } from 'vitest';
import { SUB_STREAM_MAX_TILE_WIDTH, tileVariant } from '../../src/renderer/src/wall/tile-variant';

describe('a tile’s stream', () => {
  it('a small tile of a camera with a sub stream plays the sub stream', () => {
    expect(tileVariant({ hasSubStream: true, enlarged: false, tileWidth: 320 })).toBe('sub');
    expect(
      tileVariant({
        hasSubStream: true,
        enlarged: false,
        tileWidth: SUB_STREAM_MAX_TILE_WIDTH - 1,
      }),
    ).toBe('sub');
  });

  it('a tile at least the threshold wide plays the main stream', () => {
    expect(
      tileVariant({ hasSubStream: true, enlarged: false, tileWidth: SUB_STREAM_MAX_TILE_WIDTH }),
    ).toBe('main');
    expect(tileVariant({ hasSubStream: true, enlarged: false, tileWidth: 1280 })).toBe('main');
  });

  it('the enlarged tile plays the main stream, however small the grid’s tiles', () => {
    expect(tileVariant({ hasSubStream: true, enlarged: true, tileWidth: 200 })).toBe('main');
  });

  it('a camera without a sub stream plays its main stream everywhere', () => {
    expect(tileVariant({ hasSubStream: false, enlarged: false, tileWidth: 200 })).toBe('main');
  });

  it('a 2× screen counts device pixels: a 400 px tile shows 800 pixels, the main stream', () => {
    expect(
      tileVariant({ hasSubStream: true, enlarged: false, tileWidth: 400, pixelRatio: 2 }),
    ).toBe('main');
    expect(
      tileVariant({ hasSubStream: true, enlarged: false, tileWidth: 300, pixelRatio: 2 }),
    ).toBe('sub');
  });
});
