import { describe, expect, it } from 'vitest';
import { gridFor, neighbour, reorder, visibleCameras } from '../../src/renderer/src/wall/layout';
import { MAX_WALL_CAMERAS } from '../../src/shared/walls';

const ASPECT = 16 / 9;
/** The width of a tile of ASPECT letterboxed in one cell of `columns` × `rows` over w × h. */
const tileWidth = (columns: number, rows: number, w: number, h: number) =>
  Math.min(w / columns, (h / rows) * ASPECT);

const WINDOWS = {
  wide: [1920, 1080],
  tall: [600, 1200],
  square: [1000, 1000],
} as const;

describe('gridFor: fit', () => {
  for (const [shape, [w, h]] of Object.entries(WINDOWS)) {
    for (let n = 1; n <= MAX_WALL_CAMERAS; n++) {
      it(`${String(n)} camera(s) in a ${shape} window: room for all, no empty row, tiles as big as any grid makes them`, () => {
        const { columns, rows } = gridFor('fit', n, w, h);
        expect(columns * rows).toBeGreaterThanOrEqual(n);
        expect((rows - 1) * columns).toBeLessThan(n);
        const chosen = tileWidth(columns, rows, w, h);
        for (let c = 1; c <= n; c++) {
          expect(tileWidth(c, Math.ceil(n / c), w, h)).toBeLessThanOrEqual(chosen * (1 + 1e-9));
        }
      });
    }
  }

  it.each([
    // [cameras, width, height, columns, rows]
    [4, 1920, 1080, 2, 2],
    [9, 1920, 1080, 3, 3],
    [16, 1920, 1080, 4, 4],
    // Two 16:9 pictures side by side in a 16:9 window are as big as stacked: the wide window
    // takes them side by side, the tall and the square one stacked.
    [2, 1920, 1080, 2, 1],
    [2, 600, 1200, 1, 2],
    [2, 1000, 1000, 1, 2],
    // Three: a 2 × 2 with a hole beats a row of three in a 16:9 window.
    [3, 1920, 1080, 2, 2],
    [4, 600, 1200, 1, 4],
    [16, 600, 1200, 2, 8],
    [5, 1000, 1000, 2, 3],
    [4, 3000, 400, 4, 1],
  ])('%i cameras in %i × %i: %i columns, %i rows', (n, w, h, columns, rows) => {
    expect(gridFor('fit', n, w, h)).toEqual({ columns, rows });
  });

  it('an unmeasured window (0 × 0) counts as one tile of 16:9', () => {
    expect(gridFor('fit', 4, 0, 0)).toEqual({ columns: 2, rows: 2 });
    expect(gridFor('fit', 2, 0, 0)).toEqual(gridFor('fit', 2, 16, 9));
  });

  it('no camera or one is one cell; more than a wall holds counts as a full wall', () => {
    expect(gridFor('fit', 0, 1920, 1080)).toEqual({ columns: 1, rows: 1 });
    expect(gridFor('fit', 1, 600, 1200)).toEqual({ columns: 1, rows: 1 });
    expect(gridFor('fit', 40, 1920, 1080)).toEqual(gridFor('fit', MAX_WALL_CAMERAS, 1920, 1080));
  });

  it('the tile shape counts: in 1600 × 600, four 4:3 tiles go in one row, four 16:9 ones 2 × 2', () => {
    // 4:3 tiles: a row of 4 is 400 wide (cell 400 × 600); 2 × 2 is min(800, 300 × 4/3 = 400).
    // Same size: the window is wider than a tile, so more columns win.
    expect(gridFor('fit', 4, 1600, 600, 4 / 3)).toEqual({ columns: 4, rows: 1 });
    // 16:9 tiles in the same window: a row of 4 is 400 wide; 2 × 2 is min(800, 533) = 533.
    expect(gridFor('fit', 4, 1600, 600)).toEqual({ columns: 2, rows: 2 });
  });
});

describe('gridFor: fixed layouts are their own grid', () => {
  it.each([
    ['1', 1],
    ['2x2', 2],
    ['3x3', 3],
    ['4x4', 4],
  ] as const)('%s is %i × %i whatever the cameras and the window', (layout, side) => {
    for (const n of [0, 1, 5, 16]) {
      for (const [w, h] of Object.values(WINDOWS)) {
        expect(gridFor(layout, n, w, h)).toEqual({ columns: side, rows: side });
      }
    }
  });
});

describe('visibleCameras', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    ['1', ['a']],
    ['2x2', ['a', 'b', 'c', 'd']],
    ['3x3', ids],
    ['4x4', ids],
    ['fit', ids],
  ] as const)('a %s wall of 5 cameras shows %j', (layout, shown) => {
    expect(visibleCameras({ layout, cameraIds: ids })).toEqual(shown);
  });
});

describe('reorder', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  it('moves one item, the others closing up around it in their order', () => {
    expect(reorder(ids, 0, 1)).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(reorder(ids, 4, 0)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(reorder(ids, 1, 3)).toEqual(['a', 'c', 'd', 'b', 'e']);
  });

  it('every move of a five-item list loses nothing and doubles nothing', () => {
    for (let from = 0; from < ids.length; from++) {
      for (let to = 0; to < ids.length; to++) {
        const next = reorder(ids, from, to);
        expect([...next].sort()).toEqual(ids);
        expect(next[to]).toBe(ids[from]);
        const others = (list: string[]) => list.filter((id) => id !== ids[from]);
        expect(others(next)).toEqual(others(ids));
      }
    }
  });

  it('an index outside the list changes nothing, and the input is never changed', () => {
    const input = [...ids];
    expect(reorder(input, -1, 2)).toEqual(ids);
    expect(reorder(input, 2, 5)).toEqual(ids);
    expect(reorder(input, 1.5, 2)).toEqual(ids);
    reorder(input, 0, 4);
    expect(input).toEqual(ids);
  });
});

describe('neighbour (arrow keys over 7 tiles in 3 columns)', () => {
  it.each([
    [0, 'ArrowRight', 1],
    [2, 'ArrowRight', 3], // on to the next row, in the wall's order
    [3, 'ArrowLeft', 2],
    [6, 'ArrowRight', 6], // the last tile
    [0, 'ArrowLeft', 0],
    [1, 'ArrowDown', 4],
    [3, 'ArrowDown', 6],
    [4, 'ArrowDown', 4], // no tile below
    [4, 'ArrowUp', 1],
    [1, 'ArrowUp', 1],
    [4, 'Home', 0],
    [1, 'End', 6],
    [4, 'Enter', 4],
  ])('from %i, %s leads to %i', (from, key, to) => {
    expect(neighbour(from, key, 3, 7)).toBe(to);
  });
});
