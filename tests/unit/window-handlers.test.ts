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
      close: () => undefined,
      savePng: () => Promise.reject(new Error('unused')),
    };
    const names = new Map([['cam-1', 'Door']]);
    registerWindowHandlers(router, port, (id) => names.get(id));
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
