import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type IpcEnvelope } from '../../src/shared/ipc-contract';
import type { StreamInfo } from '../../src/shared/streams';
import { app, fake, ipcMain, protocol, Tray, type BrowserWindow } from '../fakes/electron';
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
    const loaded = nextWindowLoad((w) => String(w.loaded.file).endsWith('index.html'));
    loadBuiltMain();
    expect(protocol.privileged.map((p) => p.scheme)).toEqual(['vigil-stream']);
    app.becomeReady();
    dashboard = await loaded;
    expect(existsSync(String(dashboard.loaded.file))).toBe(true);
    expect(dashboard.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(existsSync(String(dashboard.options.webPreferences?.preload))).toBe(true);
    expect(protocol.handlers.has('vigil-stream')).toBe(true);
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
    const handler = protocol.handlers.get('vigil-stream');
    const response = await handler?.(new Request(live.url ?? ''));
    expect(response?.status).toBe(200);
    expect(await response?.text()).toContain('#EXTINF');
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
    const sessionDir = `${app.getPath('temp')}/vigil-streams/${live.sessionId}`;
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
