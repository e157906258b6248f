import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fitToDisplays, WindowStateStore } from '../../src/main/window-state';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A store over a file holding `content`, loaded; the debounce never fires within a test. */
async function storeWith(content: unknown): Promise<{ store: WindowStateStore; path: string }> {
  dir = mkdtempSync(join(tmpdir(), 'vigil-window-state-'));
  const path = join(dir, 'window-state.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  const store = new WindowStateStore(path, 600_000);
  await store.load();
  return { store, path };
}

describe('WindowStateStore: the file keeps loading as it grows', () => {
  it('a file written before live window modes existed loads as it was: bounds, no flags', async () => {
    const { store } = await storeWith({
      dashboard: { x: 10, y: 20, width: 1180, height: 780 },
      'live:cam-1': { x: 300, y: 200, width: 1024, height: 700 },
      'wall:w1': { width: 1280, height: 780 },
    });
    expect(store.get('live:cam-1')).toEqual({ x: 300, y: 200, width: 1024, height: 700 });
    expect(store.get('live:cam-1')).not.toHaveProperty('mini');
    expect(store.get('live:cam-1')).not.toHaveProperty('pinned');
    expect(store.get('dashboard')).toEqual({ x: 10, y: 20, width: 1180, height: 780 });
    expect(store.get('wall:w1')).toEqual({ width: 1280, height: 780 });
    expect(store.get('live-mini:cam-1')).toBeUndefined();
  });

  it('mini and pinned flags, and mini bounds, are written and read back', async () => {
    const { store, path } = await storeWith({});
    store.set('live:cam-1', { x: 100, y: 80, width: 900, height: 620, mini: true, pinned: false });
    store.set('live-mini:cam-1', { x: 1400, y: 760, width: 420, height: 260 });
    await store.flush();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      'live:cam-1': { x: 100, y: 80, width: 900, height: 620, mini: true, pinned: false },
      'live-mini:cam-1': { x: 1400, y: 760, width: 420, height: 260 },
    });
    const again = new WindowStateStore(path, 600_000);
    await again.load();
    expect(again.get('live:cam-1')).toEqual({
      x: 100,
      y: 80,
      width: 900,
      height: 620,
      mini: true,
      pinned: false,
    });
    expect(again.get('live-mini:cam-1')).toEqual({ x: 1400, y: 760, width: 420, height: 260 });
  });

  it('flags that are not booleans are dropped and the bounds kept; entries without a size are skipped', async () => {
    const { store } = await storeWith({
      'live:a': { x: 1, y: 2, width: 800, height: 600, mini: 'yes', pinned: 1 },
      'live:b': { width: 800, height: 600, mini: null, pinned: true },
      'live:c': { x: 1, y: 2, mini: true },
      'live:d': null,
    });
    expect(store.get('live:a')).toEqual({ x: 1, y: 2, width: 800, height: 600 });
    expect(store.get('live:b')).toEqual({ width: 800, height: 600, pinned: true });
    expect(store.get('live:c')).toBeUndefined();
    expect(store.get('live:d')).toBeUndefined();
  });

  it('an unreadable file leaves nothing remembered (windows open at their defaults)', async () => {
    const { store } = await storeWith('{ not json');
    expect(store.get('live:a')).toBeUndefined();
  });
});

describe('fitToDisplays', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('keeps a window at least its floor: 320×240 by default, the mini player’s own when given', () => {
    expect(fitToDisplays({ x: 10, y: 10, width: 100, height: 60 }, screen)).toEqual({
      x: 10,
      y: 10,
      width: 320,
      height: 240,
    });
    expect(
      fitToDisplays({ x: 10, y: 10, width: 100, height: 60 }, screen, { width: 256, height: 176 }),
    ).toEqual({ x: 10, y: 10, width: 256, height: 176 });
    expect(
      fitToDisplays({ x: 10, y: 10, width: 300, height: 200 }, screen, { width: 256, height: 176 }),
    ).toEqual({ x: 10, y: 10, width: 300, height: 200 });
  });

  it('a mini player saved on a screen that is gone comes back without a position', () => {
    expect(
      fitToDisplays({ x: 3000, y: 900, width: 340, height: 220 }, screen, {
        width: 256,
        height: 176,
      }),
    ).toEqual({ width: 340, height: 220 });
  });
});
