import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrowserWindow as FakeWindow, screen } from '../fakes/electron';
import { serveBlankPages } from './blank-pages';
import { viewerOf, WindowManager } from '../../src/main/window-manager';
import {
  LIVE_DEFAULT,
  LIVE_MIN,
  LIVE_MINI_DEFAULT,
  LIVE_MINI_MIN,
} from '../../src/main/window-sizes';
import { WindowStateStore } from '../../src/main/window-state';
import type { LiveWindowMode } from '../../src/shared/windows';
import { windowChannels } from '../helpers/window-channels';

// Pages are served as main serves them; their content does not matter here.
beforeAll(serveBlankPages);

const dirs: string[] = [];
const stores: WindowStateStore[] = [];
afterAll(async () => {
  // Only explicit flushes write (the debounce is longer than any test): none is left running.
  await Promise.all(stores.map((store) => store.flush()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const asFake = (win: unknown) => win as FakeWindow;
/** A window manager behind main's real window channels; `as(win)` calls them from that window. */
function shell(path?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mini-'));
  dirs.push(dir);
  const store = new WindowStateStore(path ?? join(dir, 'window-state.json'), 600_000);
  stores.push(store);
  const wm = new WindowManager({
    cameraName: (id) => `Camera ${id}`,
    wallName: (id) => `Wall ${id}`,
    onClosed: () => undefined,
    bounds: store,
  });
  const call = windowChannels(wm, (id) => `Camera ${id}`);
  const as =
    (win: FakeWindow) =>
    (channel: 'windows:setMini' | 'windows:setPinned' | 'windows:liveMode', ...args: unknown[]) =>
      call<LiveWindowMode>(win.webContents.id, channel, ...args);
  const live = async (cameraId: string) => {
    await wm.openLive(cameraId);
    return asFake(wm.liveWindow(cameraId));
  };
  return { wm, store, as, live, path: path ?? join(dir, 'window-state.json') };
}

const ok = (mode: LiveWindowMode) => ({ ok: true, value: mode });

describe('live windows: mini player and keep on top (main, against the fake Electron)', () => {
  beforeEach(() => {
    screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  });

  it('Keep on top calls setAlwaysOnTop(true, "floating"), then setAlwaysOnTop(false); the mode is the window’s', async () => {
    const { as, live } = shell();
    const win = await live('a');
    const call = as(win);
    expect(await call('windows:liveMode')).toEqual(ok({ mini: false, pinned: false }));
    expect(await call('windows:setPinned', true)).toEqual(ok({ mini: false, pinned: true }));
    expect(win.alwaysOnTopCalls).toEqual([[true, 'floating']]);
    expect(win.isAlwaysOnTop()).toBe(true);
    // Asking again for what already holds changes nothing.
    await call('windows:setPinned', true);
    expect(win.alwaysOnTopCalls).toHaveLength(1);
    expect(await call('windows:setPinned', false)).toEqual(ok({ mini: false, pinned: false }));
    expect(win.alwaysOnTopCalls).toEqual([[true, 'floating'], [false]]);
    expect(win.isAlwaysOnTop()).toBe(false);
    // Nothing about the size changed.
    expect(win.getBounds()).toMatchObject(LIVE_DEFAULT);
    expect(win.getMinimumSize()).toEqual([LIVE_MIN.width, LIVE_MIN.height]);
  });

  it('Mini player lowers the minimum, then shrinks the window at its top-left; leaving gives back LIVE_MIN and the normal bounds', async () => {
    const { as, live } = shell();
    const win = await live('a');
    // Where the user had put it (and maximized it, which mini undoes).
    win.bounds = { x: 300, y: 200, width: 1024, height: 700 };
    win.maximized = true;
    const call = as(win);
    expect(await call('windows:setMini', true)).toEqual(ok({ mini: true, pinned: false }));
    expect(win.isMaximized()).toBe(false);
    expect(win.getMinimumSize()).toEqual([LIVE_MINI_MIN.width, LIVE_MINI_MIN.height]);
    // The fake, as Electron, snaps below-minimum bounds up: the minimum had to go first.
    expect(win.getBounds()).toEqual({ x: 300, y: 200, ...LIVE_MINI_DEFAULT });
    expect(await call('windows:liveMode')).toEqual(ok({ mini: true, pinned: false }));

    // The user drags the mini player to a corner and makes it a bit larger.
    win.bounds = { x: 1500, y: 800, width: 400, height: 250 };
    expect(await call('windows:setMini', false)).toEqual(ok({ mini: false, pinned: false }));
    expect(win.getMinimumSize()).toEqual([LIVE_MIN.width, LIVE_MIN.height]);
    expect(win.getBounds()).toEqual({ x: 300, y: 200, width: 1024, height: 700 });

    // Mini again: where the mini player was last, not at the window's corner.
    expect(await call('windows:setMini', true)).toEqual(ok({ mini: true, pinned: false }));
    expect(win.getBounds()).toEqual({ x: 1500, y: 800, width: 400, height: 250 });
  });

  it('mode, normal bounds and mini bounds are remembered per camera and restored when the window reopens (also after a restart)', async () => {
    const first = shell();
    const a = await first.live('a');
    a.bounds = { x: 100, y: 80, width: 900, height: 620 };
    await first.as(a)('windows:setPinned', true);
    await first.as(a)('windows:setMini', true);
    a.bounds = { x: 1400, y: 760, width: 420, height: 260 };
    a.close();
    // Another camera's window is not affected by a's mode.
    const b = await first.live('b');
    expect(b.options).toMatchObject({ ...LIVE_DEFAULT, minWidth: LIVE_MIN.width });
    expect(b.alwaysOnTopCalls).toEqual([]);
    expect(await first.as(b)('windows:liveMode')).toEqual(ok({ mini: false, pinned: false }));
    b.close();
    expect(first.store.get('live:a')).toEqual({
      x: 100,
      y: 80,
      width: 900,
      height: 620,
      mini: true,
      pinned: true,
    });
    expect(first.store.get('live-mini:a')).toEqual({ x: 1400, y: 760, width: 420, height: 260 });
    await first.store.flush();

    for (const run of [first, shell(first.path)]) {
      await run.store.load();
      const again = await run.live('a');
      // Made as the mini player it was, where it was, with the mini minimum, kept on top.
      expect(again.options).toMatchObject({
        x: 1400,
        y: 760,
        width: 420,
        height: 260,
        minWidth: LIVE_MINI_MIN.width,
        minHeight: LIVE_MINI_MIN.height,
      });
      expect(again.alwaysOnTopCalls).toEqual([[true, 'floating']]);
      expect(await run.as(again)('windows:liveMode')).toEqual(ok({ mini: true, pinned: true }));
      // Leaving mini goes back to the normal bounds remembered before it became mini.
      await run.as(again)('windows:setMini', false);
      expect(again.getBounds()).toEqual({ x: 100, y: 80, width: 900, height: 620 });
      expect(again.getMinimumSize()).toEqual([LIVE_MIN.width, LIVE_MIN.height]);
      // Back to the remembered state for the next round.
      await run.as(again)('windows:setMini', true);
      again.close();
    }
  });

  it('a window that was never moved goes mini at the default size, and remembered mini bounds too small come back at the mini minimum', async () => {
    const { store, as, live } = shell();
    store.set('live-mini:a', { x: 40, y: 30, width: 100, height: 60 });
    const win = await live('a');
    await as(win)('windows:setMini', true);
    expect(win.getBounds()).toEqual({ x: 40, y: 30, ...LIVE_MINI_MIN });
    const fresh = await live('b');
    await as(fresh)('windows:setMini', true);
    // The fake places a window without a position at 100,100; mini keeps that corner.
    expect(fresh.getBounds()).toEqual({ x: 100, y: 100, ...LIVE_MINI_DEFAULT });
  });

  it('a dashboard, a wall or a closed window asking is refused with a clear message, and no window changes', async () => {
    const { wm, as, live } = shell();
    await wm.openDashboard();
    await wm.openWall('w');
    const camera = await live('a');
    const dashboard = FakeWindow.getAllWindows().find((w) => w.getTitle() === 'Vigil');
    const wall = asFake(wm.wallWindow('w'));
    const closed = await live('gone');
    closed.close();
    const refusal = {
      ok: false,
      error: {
        code: 'not-a-live-window',
        message: expect.stringMatching(
          /Only a camera’s live window can become a mini player/,
        ) as string,
      },
    };
    for (const caller of [dashboard, wall, closed]) {
      expect(caller).toBeDefined();
      const call = as(caller as FakeWindow);
      expect(await call('windows:setMini', true)).toEqual(refusal);
      expect(await call('windows:setPinned', true)).toEqual(refusal);
      expect(await call('windows:liveMode')).toEqual(refusal);
    }
    for (const win of [dashboard, wall, camera]) {
      expect(win?.alwaysOnTopCalls).toEqual([]);
      expect(win?.getMinimumSize()).toEqual([win?.options.minWidth, win?.options.minHeight]);
    }
    expect(camera.getBounds()).toMatchObject(LIVE_DEFAULT);
    expect(wm.liveMode(viewerOf(camera as never))).toEqual({ mini: false, pinned: false });
  });
});
