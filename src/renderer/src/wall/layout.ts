import {
  layoutCapacity,
  MAX_WALL_CAMERAS,
  type Wall,
  type WallLayout,
} from '../../../shared/walls';

// The wall's grid maths: pure functions of the wall and the window's size, so they are tested
// without a DOM.

/** A grid's shape, filled left to right, top to bottom. */
export interface Grid {
  columns: number;
  rows: number;
}

const FIXED: Record<Exclude<WallLayout, 'fit'>, Grid> = {
  '1': { columns: 1, rows: 1 },
  '2x2': { columns: 2, rows: 2 },
  '3x3': { columns: 3, rows: 3 },
  '4x4': { columns: 4, rows: 4 },
};

/**
 * The grid for a layout. A fixed layout is its own grid (empty cells stay empty). "Fit" tries
 * every column count and keeps the one whose tiles are biggest in a `width` × `height` area,
 * each tile of `tileAspect` (width / height) letterboxed in its cell. Ties (same tile size) go
 * to the grid with fewer empty cells, then to more columns in a window wider than a tile, more
 * rows in a taller one. An unmeasured area (0 × 0, before layout) counts as one tile's shape.
 */
export function gridFor(
  layout: WallLayout,
  count: number,
  width: number,
  height: number,
  tileAspect = 16 / 9,
): Grid {
  if (layout !== 'fit') return FIXED[layout];
  const n = Math.min(Math.max(0, Math.floor(count)), MAX_WALL_CAMERAS);
  if (n <= 1) return { columns: 1, rows: 1 };
  const measured = width > 0 && height > 0;
  const w = measured ? width : tileAspect;
  const h = measured ? height : 1;
  const wide = w / h >= tileAspect;
  let best: { grid: Grid; size: number; empty: number } | null = null;
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    // The tile's width: the cell's width, or less when the cell is too short for the aspect.
    const size = Math.min(w / columns, (h / rows) * tileAspect);
    const empty = columns * rows - n;
    const candidate = { grid: { columns, rows }, size, empty };
    if (!best) {
      best = candidate;
      continue;
    }
    const tolerance = best.size * 1e-9;
    if (size > best.size + tolerance) best = candidate;
    else if (size < best.size - tolerance) continue;
    else if (empty < best.empty) best = candidate;
    else if (empty === best.empty && wide) best = candidate; // columns only grow in this loop
  }
  return best?.grid ?? { columns: 1, rows: 1 };
}

/** The cameras a wall shows: the first ones its layout has room for, in the wall's order. */
export function visibleCameras(wall: Pick<Wall, 'layout' | 'cameraIds'>): string[] {
  return wall.cameraIds.slice(0, layoutCapacity(wall.layout, wall.cameraIds.length));
}

/**
 * `ids` with the item at `from` moved to `to` (the others close up around it); a copy, and
 * unchanged when either index is outside the list.
 */
export function reorder(ids: readonly string[], from: number, to: number): string[] {
  const next = [...ids];
  if (from === to || !inRange(from, ids.length) || !inRange(to, ids.length)) return next;
  const [moved] = next.splice(from, 1);
  if (moved !== undefined) next.splice(to, 0, moved);
  return next;
}

function inRange(index: number, length: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < length;
}

/**
 * The tile an arrow key (or Home / End) leads to from `index` in a grid of `columns` holding
 * `count` tiles: Left and Right step through the wall's order (across rows), Up and Down move a
 * row. `index` itself when the key leads nowhere (an edge, or another key).
 */
export function neighbour(index: number, key: string, columns: number, count: number): number {
  let next: number;
  switch (key) {
    case 'ArrowLeft':
      next = index - 1;
      break;
    case 'ArrowRight':
      next = index + 1;
      break;
    case 'ArrowUp':
      next = index - columns;
      break;
    case 'ArrowDown':
      next = index + columns;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = count - 1;
      break;
    default:
      return index;
  }
  return inRange(next, count) ? next : index;
}
