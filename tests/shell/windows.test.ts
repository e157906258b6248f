import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  app,
  checkPermission,
  pageRequest,
  protocol,
  requestPermission,
  screen,
  session,
  shell,
  dialog,
  fakeEvent,
  type BrowserWindow as FakeWindow,
} from '../fakes/electron';
import { registerSchemes, serveSchemes } from '../../src/main/protocol';
import { createAppPageHandler } from '../../src/main/web/app-pages';
import { APP_ORIGIN, contentSecurityPolicy, SCHEME_PRIVILEGES } from '../../src/main/web/policy';
import { WindowManager, viewerOf } from '../../src/main/window-manager';
import { WindowStateStore } from '../../src/main/window-state';
import { APP_CSP, createSecureWindow, hardenSession } from '../../src/main/windows';

const RENDERER = fileURLToPath(new URL('../../out/renderer', import.meta.url));

// As main does: schemes before ready, handlers after.
beforeAll(() => {
  registerSchemes();
  app.becomeReady();
  serveSchemes({
    pages: createAppPageHandler({ rootDir: RENDERER, csp: APP_CSP }),
    streams: (request) =>
      Promise.resolve(
        new Response('#EXTM3U', {
          headers: { 'x-origin-seen': request.headers.get('origin') ?? '' },
        }),
      ),
  });
  hardenSession();
});

const asFake = (win: unknown) => win as FakeWindow;

function manager() {
  const closed: string[] = [];
  const store = new WindowStateStore(
    join(mkdtempSync(join(tmpdir(), 'vigil-ws-')), 'window-state.json'),
    10,
  );
  const started: Array<[string, string]> = [];
  const wm = new WindowManager({
    cameraName: (id) => `Camera ${id}`,
    wallName: (id) => `Wall ${id}`,
    onClosed: (v) => closed.push(v),
    bounds: store,
    onLiveWindow: (cameraId, viewer) => void started.push([cameraId, viewer]),
  });
  return { wm, closed, store, started };
}

describe('the secure window factory', () => {
  it('every window gets the safe webPreferences and a bundled preload', () => {
    const win = asFake(createSecureWindow({ title: 'T', width: 800, height: 600 }));
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      backgroundThrottling: true,
    });
    expect(String(win.options.webPreferences?.preload)).toMatch(/preload[\\/]index\.js$/);
  });

  it('denies navigation away from our pages, and window.open (web links go to the browser)', () => {
    const win = asFake(createSecureWindow({ title: 'T', width: 800, height: 600 }));
    const away = fakeEvent();
    win.webContents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.defaultPrevented).toBe(true);
    const ours = fakeEvent();
    win.webContents.emit('will-navigate', ours, `${APP_ORIGIN}/live.html?camera=x`);
    expect(ours.defaultPrevented).toBe(false);
    // A file:// page is never ours, even inside a folder named like our renderer.
    const file = fakeEvent();
    win.webContents.emit('will-navigate', file, `file://${RENDERER}/index.html`);
    expect(file.defaultPrevented).toBe(true);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://docs.example/' })).toEqual({
      action: 'deny',
    });
    expect(win.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({
      action: 'deny',
    });
    expect(shell.opened).toEqual(['https://docs.example/']);
  });

  it('our pages get fullscreen (the HTML Fullscreen API asks for it); every other permission is denied', async () => {
    const win = asFake(createSecureWindow({ title: 'T', width: 800, height: 600 }));
    await win.loadURL(`${APP_ORIGIN}/live.html?camera=x`);
    expect(await requestPermission(win.webContents, 'fullscreen')).toBe(true);
    expect(checkPermission(win.webContents, 'fullscreen')).toBe(true);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal'])
      expect(await requestPermission(win.webContents, permission)).toBe(false);
    for (const other of [
      'https://evil.example/',
      `file://${RENDERER}/live.html`,
      'vigil-app://other/x.html',
    ])
      expect(await requestPermission(win.webContents, 'fullscreen', other)).toBe(false);
    expect(checkPermission(win.webContents, 'media')).toBe(false);
  });

  it('packaged pages come from vigil-app://renderer with the strict CSP header; dev-only headers are not installed', async () => {
    const win = asFake(createSecureWindow({ title: 'T', width: 800, height: 600 }));
    await win.loadURL(`${APP_ORIGIN}/index.html`);
    expect(win.loaded.response?.status).toBe(200);
    expect(win.loaded.response?.headers['content-security-policy']).toBe(APP_CSP);
    expect(APP_CSP).toBe(contentSecurityPolicy({}));
    expect(APP_CSP).toContain("script-src 'self';");
    expect(APP_CSP).not.toMatch(/unsafe-inline'?;?\s*$|script-src[^;]*unsafe/);
    expect(APP_CSP).toContain("media-src 'self' blob: vigil-stream:");
    expect(APP_CSP).toContain("object-src 'none'");
    expect(APP_CSP).not.toContain('unsafe-eval');
    // Without ELECTRON_RENDERER_URL nothing rewrites headers session-wide.
    expect(session.defaultSession.headerHandlers).toHaveLength(0);
  });

  it('the page handler serves only the renderer: no escapes, no unknown types, no other host', async () => {
    const page = protocol.handlers.get('vigil-app');
    const status = async (url: string) => (await page?.(new Request(url)))?.status;
    expect(await status(`${APP_ORIGIN}/live.html?camera=a`)).toBe(200);
    for (const bad of [
      `${APP_ORIGIN}/../package.json`,
      `${APP_ORIGIN}/%2e%2e/package.json`,
      `${APP_ORIGIN}/assets/..%2F..%2Fmain%2Findex.js`,
      `${APP_ORIGIN}/.hidden.js`,
      `${APP_ORIGIN}/index.map`,
      'vigil-app://other/index.html',
      `${APP_ORIGIN}/nothing.html`,
    ])
      expect.soft(await status(bad), bad).toBe(404);
  });

  it('the schemes are registered exactly as declared; a page may read streams cross-origin only thanks to corsEnabled', async () => {
    expect(protocol.privileged).toEqual(SCHEME_PRIVILEGES);
    const stream = protocol.privilegesOf('vigil-stream');
    expect(stream).toEqual({
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      stream: true,
    });
    expect(stream.bypassCSP).toBeUndefined();
    // vigil-app://renderer → vigil-stream://<session> is cross-origin, as Electron sees it.
    const reply = await pageRequest(`${APP_ORIGIN}/live.html`, 'vigil-stream://abc/index.m3u8');
    expect(reply.headers.get('x-origin-seen')).toBe(APP_ORIGIN);
    expect(() => registerSchemes()).toThrow(/before ready|only once/);
  });
});

describe('WindowManager', () => {
  beforeEach(() => {
    screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  });

  it('one live window per camera: asking again focuses it; title is the camera name', async () => {
    const { wm, started } = manager();
    await wm.openLive('a');
    // The stream is asked for when the window is created, before its page has loaded.
    expect(started).toEqual([['a', viewerOf(wm.liveWindow('a') as never)]]);
    const first = asFake(wm.liveWindow('a'));
    await wm.openLive('a');
    expect(asFake(wm.liveWindow('a'))).toBe(first);
    expect(first.focused).toBe(1);
    expect(first.options.title).toBe('Camera a');
    expect(first.loaded.query).toEqual({ camera: 'a' });
    expect(first.loaded.url).toBe(`${APP_ORIGIN}/live.html?camera=a`);
    expect(first.options).toMatchObject({ width: 800, height: 600 });
    // Live windows keep playing in the background.
    expect(first.options.webPreferences?.backgroundThrottling).toBe(false);
    const title = fakeEvent();
    first.emit('page-title-updated', title);
    expect(title.defaultPrevented).toBe(true);
  });

  it('one window per wall: wall.html?wall=<id>, titled with the wall’s name, playing in the background; asking again focuses it; closing releases its streams and remembers its bounds', async () => {
    const { wm, closed, started, store } = manager();
    await wm.openWall('w1');
    const wall = asFake(wm.wallWindow('w1'));
    expect(wall.loaded.url).toBe(`${APP_ORIGIN}/wall.html?wall=w1`);
    expect(wall.loaded.response?.status).toBe(200);
    expect(wall.options.title).toBe('Wall w1');
    expect(wall.options).toMatchObject({ width: 1280, height: 780, minWidth: 560, minHeight: 380 });
    expect(wall.options.webPreferences?.backgroundThrottling).toBe(false);
    // Its tiles start their own streams: nothing is started for a wall as a whole.
    expect(started).toEqual([]);
    await wm.openWall('w1');
    expect(asFake(wm.wallWindow('w1'))).toBe(wall);
    expect(wall.focused).toBe(1);
    wall.bounds = { x: 40, y: 30, width: 1500, height: 900 };
    wall.close();
    expect(closed).toEqual([viewerOf(wall as never)]);
    expect(wm.wallWindow('w1')).toBeUndefined();
    expect(store.get('wall:w1')).toEqual({ x: 40, y: 30, width: 1500, height: 900 });
  });

  it('remembers each camera’s last bounds, and brings back a window saved on a missing screen', async () => {
    const { wm, closed } = manager();
    await wm.openLive('a');
    const a = asFake(wm.liveWindow('a'));
    a.bounds = { x: 300, y: 200, width: 1024, height: 700 };
    a.close();
    expect(closed).toEqual([viewerOf(a as never)]);
    await wm.openLive('a');
    expect(asFake(wm.liveWindow('a')).options).toMatchObject({
      x: 300,
      y: 200,
      width: 1024,
      height: 700,
    });
    await wm.openLive('b');
    expect(asFake(wm.liveWindow('b')).options).toMatchObject({ width: 800, height: 600 });

    const c = asFake(wm.liveWindow('a'));
    c.bounds = { x: 3000, y: 200, width: 900, height: 650 };
    c.close();
    await wm.openLive('a');
    const back = asFake(wm.liveWindow('a')).options;
    expect(back).toMatchObject({ width: 900, height: 650 });
    expect(back.x).toBeUndefined();
  });

  it('the bounds file is written and read back', async () => {
    const { store } = manager();
    store.set('live:x', { x: 10, y: 20, width: 640, height: 480 });
    await store.flush();
    const path = (store as unknown as { path: string }).path;
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      'live:x': { x: 10, y: 20, width: 640, height: 480 },
    });
    const again = new WindowStateStore(path);
    await again.load();
    expect(again.get('live:x')).toEqual({ x: 10, y: 20, width: 640, height: 480 });
  });

  it('the dashboard is one window too; close(viewer) closes that window only', async () => {
    const { wm } = manager();
    await wm.openDashboard();
    await wm.openDashboard();
    await wm.openLive('a');
    const live = asFake(wm.liveWindow('a'));
    wm.close(viewerOf(live as never));
    expect(live.isDestroyed()).toBe(true);
    expect(wm.liveWindow('a')).toBeUndefined();
  });

  it('saves a snapshot through the save dialog, and a cancelled dialog saves nothing', async () => {
    const { wm } = manager();
    const target = join(mkdtempSync(join(tmpdir(), 'vigil-save-')), 'shot.png');
    dialog.nextPath = target;
    expect(await wm.savePng('window:1', 'x.png', Buffer.from('png'))).toEqual({ path: target });
    expect(readFileSync(target, 'utf8')).toBe('png');
    dialog.nextPath = null;
    expect(await wm.savePng('window:1', 'x.png', Buffer.from('png'))).toEqual({ path: null });
    expect(existsSync(`${target}.x`)).toBe(false);
  });
});
