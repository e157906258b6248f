import type { StreamVariant } from '../../../shared/streams';

/**
 * Tiles narrower than this (CSS pixels) play a camera's sub stream when it has one: a
 * 640×360 sub stream fills such a tile at full sharpness on a 1× screen, and costs a fraction
 * of the main stream's decoding (a 2560×1440 main stream is 16 times the pixels).
 */
export const SUB_STREAM_MAX_TILE_WIDTH = 640;

export interface TileVariantInput {
  /** The camera has a second, smaller stream. */
  hasSubStream: boolean;
  /** The tile fills the wall. */
  enlarged: boolean;
  /** The tile's width in CSS pixels (the wall's width over its columns). */
  tileWidth: number;
  /** Device pixels per CSS pixel: a 2× screen shows a 400 px tile with 800 pixels. */
  pixelRatio?: number;
}

/** Which of a camera's streams a tile plays: the sub stream while small, else the main one. */
export function tileVariant(input: TileVariantInput): StreamVariant {
  if (!input.hasSubStream || input.enlarged) return 'main';
  const pixels = input.tileWidth * (input.pixelRatio ?? 1);
  return pixels < SUB_STREAM_MAX_TILE_WIDTH ? 'sub' : 'main';
}
