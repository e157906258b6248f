import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type IpcEnvelope } from '../../src/shared/ipc-contract';
import type { StreamInfo } from '../../src/shared/streams';
import { APP_ORIGIN, contentSecurityPolicy, SCHEME_PRIVILEGES } from '../../src/main/web/policy';
import {
  app,
  BrowserWindow as FakeBrowserWindow,
  fake,
  ipcMain,
  pageRequest,
  protocol,
  Tray,
  type BrowserWindow,
} from '../fakes/electron';
import { isAlive } from '../helpers/stream-harness';
import { loadBuiltMain } from './load-built-main';

function nextWindowLoad(predicate: (win: BrowserWindow) => boolean): Promise<BrowserWindow> {
  return new Promise((resolve) => {
    const onLoad = (win: BrowserWindow) => {
      if (!predicate(win)) return;
      fake.events.off('window-loaded', onLoad);
      resolve(win);
    };
    fake.events.on('window-loaded', onLoad);
  });
}

function nextSent(
  win: BrowserWindow,
  match: (channel: string, payload: unknown) => boolean,
): Promise<unknown> {
  return new Promise((resolve) => {
    const onSent = (channel: string, payload: unknown) => {
      if (!match(channel, payload)) return;
      win.webContents.off('sent', onSent);
      resolve(payload);
    };
    win.webContents.on('sent', onSent);
  });
}

describe('the built main (npm run build output) starts, streams and quits cleanly', () => {
  let dashboard: BrowserWindow;
  afterAll(() => {
    // Whatever happened, leave no ffmpeg behind.
    for (const win of fake.windows()) win.close();
  });

  it('wires scheme, handlers, tray and the dashboard at start-up', async () => {
    const loaded = nextWindowLoad((w) => String(w.loaded.url).endsWith('/index.html'));
    loadBuiltMain();
    // Registered before ready, exactly as declared in src/main/web/policy.ts.
    expect(protocol.privileged).toEqual(SCHEME_PRIVILEGES);
    app.becomeReady();
    dashboard = await loaded;
    // The dashboard is served by the app scheme, with the production CSP header.
    expect(dashboard.loaded.url).toBe(`${APP_ORIGIN}/index.html`);
    expect(dashboard.loaded.response?.status).toBe(200);
    expect(dashboard.loaded.response?.headers['content-security-policy']).toBe(
      contentSecurityPolicy({}),
    );
    expect(dashboard.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(existsSync(String(dashboard.options.webPreferences?.preload))).toBe(true);
    expect([...protocol.handlers.keys()].sort()).toEqual(['vigil-app', 'vigil-stream']);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const tray = Tray.all.at(-1);
    const menu = (tray?.menu as { template: Array<{ label?: string }> }).template.map(
      (i) => i.label,
    );
    expect(menu).toContain('Demo camera');
    expect(menu).toContain('Quit Vigil');
  });

  it('refuses IPC from a sender that is not one of its windows', async () => {
    const handler = ipcMain.handlers.get('streams:list') as unknown as (
      e: unknown,
    ) => Promise<IpcEnvelope<unknown>>;
    const reply = await handler({
      sender: { id: 9999 },
      senderFrame: { url: 'https://evil.example/' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses IPC from our own window once it shows a page that is not ours (a file:// page)', async () => {
    const handler = ipcMain.handlers.get('streams:list') as unknown as (
      e: unknown,
    ) => Promise<IpcEnvelope<unknown>>;
    for (const url of [
      `file://${process.cwd()}/out/renderer/index.html`,
      'file:///tmp/evil.html',
      'about:srcdoc',
      'vigil-app://renderer.evil/index.html',
    ]) {
      const reply = await handler({ sender: dashboard.webContents, senderFrame: { url } });
      expect.soft(reply, url).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  let live: StreamInfo;
  it('starts the demo camera over IPC, serves it on vigil-stream://, and tells the window', async () => {
    const event = {
      sender: dashboard.webContents,
      senderFrame: { url: dashboard.webContents.url },
    };
    const isLive = nextSent(
      dashboard,
      (c, p) => c === 'stream:state' && (p as StreamInfo).state === 'live',
    );
    const start = ipcMain.handlers.get('streams:start') as unknown as (
      e: unknown,
      id: string,
    ) => Promise<IpcEnvelope<StreamInfo>>;
    const reply = await start(event, 'demo');
    expect(reply.ok).toBe(true);
    live = (await isLive) as StreamInfo;
    // As the page's hls.js does it: a cross-origin XHR from vigil-app://renderer.
    const response = await pageRequest(dashboard.webContents.url, live.url ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(await response.text()).toContain('#EXTINF');
    // Another origin's page is refused by the handler itself.
    const foreign = await protocol.handlers.get('vigil-stream')?.(
      new Request(live.url ?? '', { headers: { origin: 'https://evil.example' } }),
    );
    expect(foreign?.status).toBe(403);
  });

  it('a window whose contents are gone gets no events, and the others still do', async () => {
    const dying = new FakeBrowserWindow({ width: 10, height: 10 });
    dying.webContents.destroy();
    expect(FakeBrowserWindow.getAllWindows()).toContain(dying);
    const event = {
      sender: dashboard.webContents,
      senderFrame: { url: dashboard.webContents.url },
    };
    const extend = ipcMain.handlers.get('streams:extend') as unknown as (
      e: unknown,
      id: string,
      seconds: number,
    ) => Promise<IpcEnvelope<StreamInfo>>;
    const told = nextSent(dashboard, (c) => c === 'stream:state');
    // Without the check, webContents.send throws "Object has been destroyed" in main.
    const reply = await extend(event, 'demo', 30);
    expect(reply.ok).toBe(true);
    await told;
    dying.close();
  });

  it('the tray menu is rebuilt when what it shows changes, not every second, and never while open', async () => {
    const tray = Tray.all.at(-1);
    if (!tray) throw new Error('no tray');
    const before = tray.menusSet;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // A stream is live with a countdown: the old tray rebuilt its menu each second.
    expect(tray.menusSet).toBe(before);
    tray.openMenu();
    const event = {
      sender: dashboard.webContents,
      senderFrame: { url: dashboard.webContents.url },
    };
    const extend = ipcMain.handlers.get('streams:extend') as unknown as (
      e: unknown,
      id: string,
      seconds: number,
    ) => Promise<IpcEnvelope<StreamInfo>>;
    const labelsOf = () =>
      (tray.menu?.template as Array<{ label?: string }>).map((i) => i.label ?? '').join('|');
    const shown = labelsOf();
    expect((await extend(event, 'demo', 60)).ok).toBe(true);
    expect(tray.replacedWhileOpen).toBe(0);
    expect(labelsOf()).toBe(shown);
    tray.closeMenu();
    // The change waited for the menu to close, then arrived.
    expect(labelsOf()).not.toBe(shown);
    expect(tray.replacedWhileOpen).toBe(0);
  });

  it('quit stops every stream (process and directory gone) before the app exits', async () => {
    const listHandler = ipcMain.handlers.get('streams:list') as unknown as (
      e: unknown,
    ) => Promise<IpcEnvelope<StreamInfo[]>>;
    const event = {
      sender: dashboard.webContents,
      senderFrame: { url: dashboard.webContents.url },
    };
    const before = await listHandler(event);
    expect(before.ok && before.value.length).toBe(1);
    const sessionDir = `${app.getPath('userData')}/streams/${live.sessionId}`;
    const pid = Number(readFileSync(`${sessionDir}/ffmpeg.pid`, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    const exited = new Promise<void>((resolve) => app.once('will-quit', () => resolve()));
    const pidsHook = (globalThis as { __vigilTest?: unknown }).__vigilTest;
    expect(pidsHook).toBeUndefined(); // test hooks are off unless VIGIL_TEST_HOOKS=1
    app.quit();
    await exited;
    expect(app.quitCalls).toBe(2); // the first was held until streams had stopped
    const after = await listHandler(event);
    expect(after.ok && after.value).toEqual([]);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(sessionDir)).toBe(false);
    expect(Tray.all.at(-1)?.destroyed).toBe(true);
  });
});
