/**
 * A camera wall: several cameras in one window, saved by name. Plain data shared by main (the
 * store, the tray), the dashboard (create, edit, open) and the wall window (plays it).
 */

/** The grid: a fixed one, or "fit" (as many tiles as cameras, the best grid for the window). */
export type WallLayout = '1' | '2x2' | '3x3' | '4x4' | 'fit';

export const WALL_LAYOUTS: readonly WallLayout[] = ['1', '2x2', '3x3', '4x4', 'fit'];

/** At most this many cameras on one wall (a 4×4 grid). */
export const MAX_WALL_CAMERAS = 16;
export const MAX_WALL_NAME = 60;

export interface Wall {
  id: string;
  name: string;
  layout: WallLayout;
  /** Tile order, left to right, top to bottom. Cameras removed since are dropped by main. */
  cameraIds: string[];
  /** Open this wall when Vigil starts (a kiosk screen). */
  openAtStart: boolean;
}

/** What the dashboard (or a reorder in the wall window) saves. */
export interface WallInput {
  name: string;
  layout: WallLayout;
  cameraIds: string[];
  openAtStart?: boolean;
}

/** How many tiles a layout shows; "fit" shows every camera of the wall. */
export function layoutCapacity(layout: WallLayout, cameras: number): number {
  switch (layout) {
    case '1':
      return 1;
    case '2x2':
      return 4;
    case '3x3':
      return 9;
    case '4x4':
      return 16;
    case 'fit':
      return Math.min(cameras, MAX_WALL_CAMERAS);
  }
}

/** The layout's name as the user reads it. */
export function layoutLabel(layout: WallLayout): string {
  if (layout === 'fit') return 'Fit';
  if (layout === '1') return 'Single';
  return layout.replace('x', ' × ');
}
