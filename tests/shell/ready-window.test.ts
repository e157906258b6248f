// The ready window (issue "Sub-second live" §2): while a camera is kept ready, main keeps one
// live window made in advance, hidden, its page loaded and asking for a camera; opening a camera
// hands it over (no window to create, no page to load), then a new one is made.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrowserWindow as FakeWindow, screen } from '../fakes/electron';
import { serveBlankPages } from './blank-pages';
import { APP_ORIGIN } from '../../src/main/web/policy';
import { viewerOf, WindowManager } from '../../src/main/window-manager';
import { LIVE_MIN } from '../../src/main/window-sizes';
import { WindowStateStore } from '../../src/main/window-state';
import type { StreamInfo } from '../../src/shared/streams';
import type { ReadyHandOver } from '../../src/shared/windows';
import { streamInfo } from '../helpers/stream-info';
import { windowChannels } from '../helpers/window-channels';

beforeAll(serveBlankPages);

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

beforeEach(() => {
  screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
});

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A window manager behind main's real window channels, with the ready delay given. */
function shell(live: StreamInfo | null = null, readyDelayMs = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ready-'));
  dirs.push(dir);
  const started: Array<[string, string]> = [];
  const wm = new WindowManager({
    cameraName: (id) => `Camera ${id}`,
    wallName: (id) => `Wall ${id}`,
    onClosed: () => undefined,
    bounds: new WindowStateStore(join(dir, 'window-state.json'), 600_000),
    onLiveWindow: (cameraId, viewer) => {
      started.push([cameraId, viewer]);
      return live;
    },
    readyDelayMs,
  });
  const call = windowChannels(wm, (id) => `Camera ${id}`);
  /** windows:awaitCamera as the window's page asks it. */
  const awaitCamera = (win: FakeWindow) =>
    call<ReadyHandOver>(win.webContents.id, 'windows:awaitCamera');
  return { wm, started, awaitCamera };
}

/** The newest window made (the fake keeps every window in creation order). */
const newest = () => FakeWindow.all.at(-1) as FakeWindow;

describe('the ready live window', () => {
  it('is made hidden while wanted, loading live.html?ready=1 with the live windows’ safe settings, and is never shown before it is handed out', async () => {
    const { wm } = shell();
    const before = FakeWindow.all.length;
    wm.setReadyWindow(true);
    await tick(20);
    expect(FakeWindow.all.length).toBe(before + 1);
    const win = newest();
    expect(win.loaded.url).toBe(`${APP_ORIGIN}/live.html?ready=1`);
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      backgroundThrottling: false,
    });
    // The fake emitted ready-to-show on load: nobody showed it.
    expect(win.shown).toBe(0);
    expect(win.isVisible()).toBe(false);
    // Asked again while it exists: still one.
    wm.setReadyWindow(true);
    await tick(20);
    expect(FakeWindow.all.length).toBe(before + 1);
    wm.setReadyWindow(false);
    expect(win.isDestroyed()).toBe(true);
  });

  it('a camera opened hands it over: the same window, titled, sized and shown, its page answered with the camera and its live session; the stream started for it; a new one is made', async () => {
    const live = streamInfo({ cameraId: 'a', state: 'live' });
    const { wm, started, awaitCamera } = shell(live);
    wm.setReadyWindow(true);
    await tick(20);
    const ready = newest();
    const asked = awaitCamera(ready);
    await wm.openLive('a');
    expect(wm.liveWindow('a')).toBe(ready);
    expect(await asked).toEqual({ ok: true, value: { cameraId: 'a', stream: live } });
    expect(started).toEqual([['a', viewerOf(ready as never)]]);
    expect(ready.getTitle()).toBe('Camera a');
    expect(ready.getMinimumSize()).toEqual([LIVE_MIN.width, LIVE_MIN.height]);
    expect(ready.shown).toBe(1);
    expect(ready.focused).toBe(1);
    // Not loaded again: the page that asked is the one shown.
    expect(ready.loaded.url).toBe(`${APP_ORIGIN}/live.html?ready=1`);
    await tick(20);
    const next = newest();
    expect(next).not.toBe(ready);
    expect(next.loaded.url).toBe(`${APP_ORIGIN}/live.html?ready=1`);
    expect(next.shown).toBe(0);
    // The handed-out window is a live window like any other: asking again focuses it.
    await wm.openLive('a');
    expect(ready.focused).toBe(2);
    wm.setReadyWindow(false);
    expect(next.isDestroyed()).toBe(true);
    expect(ready.isDestroyed()).toBe(false);
    ready.close();
  });

  it('a ready window whose page has not asked yet is not handed out: the camera gets a window of its own', async () => {
    const { wm } = shell(null, 0);
    wm.setReadyWindow(true);
    await tick(20);
    const ready = newest();
    await wm.openLive('b');
    const own = wm.liveWindow('b') as unknown as FakeWindow;
    expect(own).not.toBe(ready);
    expect(own.loaded.url).toBe(`${APP_ORIGIN}/live.html?camera=b`);
    expect(ready.shown).toBe(0);
    wm.setReadyWindow(false);
    own.close();
  });

  it('only the ready window may wait for a camera: a live window asking is refused with a message', async () => {
    const { wm, awaitCamera } = shell();
    await wm.openLive('c');
    const win = wm.liveWindow('c') as unknown as FakeWindow;
    const answer = await awaitCamera(win);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('not-a-ready-window');
    win.close();
  });

  it('not made when no longer wanted before its delay, and made only after the delay', async () => {
    const { wm } = shell(null, 150);
    const before = FakeWindow.all.length;
    wm.setReadyWindow(true);
    await tick(50);
    expect(FakeWindow.all.length).toBe(before);
    wm.setReadyWindow(false);
    await tick(200);
    expect(FakeWindow.all.length).toBe(before);
    wm.setReadyWindow(true);
    await tick(250);
    expect(FakeWindow.all.length).toBe(before + 1);
    wm.setReadyWindow(false);
  });
});
