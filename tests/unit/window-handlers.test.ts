import { describe, expect, it } from 'vitest';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { registerWindowHandlers, type WindowPort } from '../../src/main/ipc/window-handlers';
import type { IpcEnvelope } from '../../src/shared/ipc-contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

describe('windows:openLive', () => {
  it('refuses a camera id that is not in the list before any window is created', async () => {
    const handlers = new Map<string, Listener>();
    const router = createIpcRouter({
      ipcMain: {
        handle: (channel, listener) => void handlers.set(channel, listener),
        removeHandler: (channel) => void handlers.delete(channel),
      },
      isTrustedSender: () => true,
    });
    const opened: string[] = [];
    const port: WindowPort = {
      openLive: (id) => void opened.push(id),
      openWall: () => undefined,
      openDashboard: () => undefined,
      close: () => undefined,
      savePng: () => Promise.reject(new Error('unused')),
    };
    const names = new Map([['cam-1', 'Door']]);
    registerWindowHandlers(
      router,
      port,
      (id) => names.get(id),
      () => undefined,
    );
    const openLive = (id: string) =>
      handlers.get('windows:openLive')?.(
        { sender: { id: 1 }, senderFrame: { url: 'app://x' } },
        id,
      ) as Promise<IpcEnvelope<void>>;

    for (const unknown of ['nope', 'constructor', '__proto__']) {
      expect(await openLive(unknown)).toEqual({
        ok: false,
        error: {
          code: 'camera-not-found',
          message: expect.stringMatching(/no longer in your list/) as string,
        },
      });
    }
    expect(opened).toEqual([]);
    expect(await openLive('cam-1')).toEqual({ ok: true, value: undefined });
    expect(opened).toEqual(['cam-1']);
  });
});

describe('windows:editCamera', () => {
  function setup() {
    const handlers = new Map<string, Listener>();
    const router = createIpcRouter({
      ipcMain: {
        handle: (channel, listener) => void handlers.set(channel, listener),
        removeHandler: (channel) => void handlers.delete(channel),
      },
      isTrustedSender: () => true,
    });
    const log: string[] = [];
    let loaded: () => void = () => undefined;
    const port: WindowPort = {
      openLive: () => undefined,
      openWall: () => undefined,
      // Resolves only when the test says the dashboard page has loaded.
      openDashboard: () =>
        new Promise<void>((resolve) => {
          log.push('show dashboard');
          loaded = () => {
            log.push('dashboard loaded');
            resolve();
          };
        }),
      close: () => undefined,
      savePng: () => Promise.reject(new Error('unused')),
    };
    const names = new Map([['cam-1', 'Door']]);
    registerWindowHandlers(
      router,
      port,
      (id) => names.get(id),
      (request) => log.push(`edit ${JSON.stringify(request)}`),
    );
    const edit = (...args: unknown[]) =>
      handlers.get('windows:editCamera')?.(
        { sender: { id: 1 }, senderFrame: { url: 'app://x' } },
        ...args,
      ) as Promise<IpcEnvelope<void>>;
    return { log, edit, loaded: () => loaded() };
  }

  it('shows the dashboard, and asks it for Edit only once its page has loaded', async () => {
    const { log, edit, loaded } = setup();
    const answer = edit('cam-1', { focus: 'password' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['show dashboard']);
    loaded();
    expect(await answer).toEqual({ ok: true, value: undefined });
    expect(log).toEqual([
      'show dashboard',
      'dashboard loaded',
      'edit {"cameraId":"cam-1","focus":"password"}',
    ]);
  });

  it('without a field to focus asks for plain Edit; an unknown camera opens nothing', async () => {
    const { log, edit, loaded } = setup();
    const plain = edit('cam-1');
    await new Promise((resolve) => setTimeout(resolve, 0));
    loaded();
    await plain;
    expect(log.at(-1)).toBe('edit {"cameraId":"cam-1","focus":null}');
    log.length = 0;
    expect(await edit('gone', { focus: 'password' })).toMatchObject({
      ok: false,
      error: { code: 'camera-not-found' },
    });
    expect(log).toEqual([]);
  });
});
