import { describe, expect, expectTypeOf, it } from 'vitest';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { createVigilApi, VigilError, type VigilApi } from '../../src/preload/api';
import { UserFacingError } from '../../src/shared/errors';
import type { INVOKE_CHANNELS } from '../../src/shared/ipc-contract';
import { type InvokeChannel, type IpcEnvelope } from '../../src/shared/ipc-contract';
import type { StreamInfo } from '../../src/shared/streams';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle: (channel: string, listener: Listener) => void handlers.set(channel, listener),
    removeHandler: (channel: string) => void handlers.delete(channel),
    call: (channel: string, senderId: number, ...args: unknown[]) =>
      handlers.get(channel)?.(
        { sender: { id: senderId }, senderFrame: { url: 'app://x' } },
        ...args,
      ) as Promise<IpcEnvelope<unknown>>,
  };
}

const info: StreamInfo = {
  cameraId: 'demo',
  variant: 'main',
  sessionId: 's',
  state: 'starting',
  url: null,
  liveUrl: null,
  startedAt: 1,
  deadline: null,
  timeLimitSec: 60,
  viewers: 1,
  endReason: null,
  failure: null,
  reconnectAttempt: null,
  dropped: null,
};

describe('createIpcRouter', () => {
  function setup() {
    const ipcMain = fakeIpcMain();
    const router = createIpcRouter({ ipcMain, isTrustedSender: (e) => e.sender.id === 1 });
    return { ipcMain, router };
  }

  it('passes validated arguments and the caller as a viewer to the handler', async () => {
    const { ipcMain, router } = setup();
    const seen: unknown[] = [];
    router.handle('streams:start', (ctx, cameraId, options) => {
      seen.push(ctx.viewer, cameraId, options);
      return info;
    });
    await expect(ipcMain.call('streams:start', 1, 'demo', { durationSec: 5 })).resolves.toEqual({
      ok: true,
      value: info,
    });
    expect(seen).toEqual(['window:1', 'demo', { durationSec: 5 }]);
  });

  it('refuses a sender that is not one of our windows', async () => {
    const { ipcMain, router } = setup();
    router.handle('streams:list', () => []);
    const reply = await ipcMain.call('streams:list', 99);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('forbidden');
  });

  it.each([
    ['streams:start', [42]],
    ['streams:start', ['demo', { durationSec: -1 }]],
    ['streams:start', ['demo', { durationSec: 5, rogue: true }]],
    ['streams:extend', ['demo', 'sixty']],
    ['streams:extend', ['demo', 0]],
    ['streams:stop', []],
    ['streams:list', ['extra']],
    ['cameras:add', [{ name: 'x', source: { kind: 'ftp', url: 'ftp://x' } }]],
    ['cameras:add', [{ name: 'x', source: { kind: 'rtsp', url: 'rtsp://h/x' }, rogue: 1 }]],
    [
      'cameras:add',
      [{ name: 'x', source: { kind: 'onvif', host: 'h', port: 99999, profile: 'main' } }],
    ],
    [
      'cameras:add',
      [{ name: 'x', source: { kind: 'onvif', host: 'h', port: 80, profile: 'third' } }],
    ],
    [
      'cameras:add',
      [{ name: 'x', source: { kind: 'rtsp', url: 'rtsp://h/x' }, options: { durationSec: 1.5 } }],
    ],
    ['cameras:add', [{ name: 'x', source: { kind: 'rtsp', url: 'rtsp://h/' + 'x'.repeat(3000) } }]],
    ['cameras:update', [{ name: 'x', source: { kind: 'demo' } }]],
    ['cameras:test', [{ source: { kind: 'rtsp', url: 'rtsp://h/x' }, password: 5 }]],
    ['cameras:snapshot', ['id', { cachedOnly: 'yes' }]],
    ['cameras:discover', [{ networkInterface: 7 }]],
  ])('rejects %s with bad arguments %j before the handler runs', async (channel, args) => {
    const { ipcMain, router } = setup();
    let ran = false;
    router.handle(channel as InvokeChannel, () => {
      ran = true;
      return undefined;
    });
    const reply = await ipcMain.call(channel, 1, ...args);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('invalid-arguments');
    expect(ran).toBe(false);
  });

  it('accepts a well-formed camera input and passes it on unchanged', async () => {
    const { ipcMain, router } = setup();
    const got: unknown[] = [];
    router.handle('cameras:add', (_ctx, input) => {
      got.push(input);
      return {} as never;
    });
    const input = {
      name: 'Porch',
      source: { kind: 'onvif', host: '192.168.1.20', port: 8000, profile: 'sub' },
      options: { battery: true, durationSec: 0 },
      username: 'admin',
      password: 'pw',
    };
    expect((await ipcMain.call('cameras:add', 1, input)).ok).toBe(true);
    expect(got).toEqual([input]);
  });

  it('turns a user-facing error into a readable envelope and hides internal ones', async () => {
    const { ipcMain, router } = setup();
    router.handle('streams:stop', () => {
      throw new UserFacingError('not-streaming', 'This camera is not streaming.');
    });
    router.handle('streams:list', () => {
      throw new Error('ENOENT /secret/path');
    });
    expect(await ipcMain.call('streams:stop', 1, 'demo')).toEqual({
      ok: false,
      error: { code: 'not-streaming', message: 'This camera is not streaming.' },
    });
    const internal = await ipcMain.call('streams:list', 1);
    expect(internal.ok).toBe(false);
    if (!internal.ok) expect(internal.error.message).not.toContain('/secret/path');
  });

  it('removes its handlers on dispose', () => {
    const { ipcMain, router } = setup();
    router.handle('streams:list', () => []);
    router.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('createVigilApi', () => {
  it('resolves values and throws VigilError with the message from main', async () => {
    const api = createVigilApi({
      invoke: (channel) =>
        Promise.resolve(
          channel === 'streams:list'
            ? { ok: true, value: [info] }
            : { ok: false, error: { code: 'unauthorized', message: 'Wrong password.' } },
        ),
      subscribe: () => () => undefined,
    });
    await expect(api.streams.list()).resolves.toEqual([info]);
    const error = await api.streams.start('demo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VigilError);
    expect(error).toMatchObject({ code: 'unauthorized', message: 'Wrong password.' });
  });

  it('delivers only the payload to subscribers and returns an unsubscribe', () => {
    let emit: ((payload: unknown) => void) | undefined;
    let unsubscribed = false;
    const api = createVigilApi({
      invoke: () => Promise.resolve({ ok: true, value: null }),
      subscribe: (_channel, listener) => {
        emit = listener;
        return () => {
          unsubscribed = true;
        };
      },
    });
    const got: StreamInfo[] = [];
    const off = api.streams.onState((s) => got.push(s));
    emit?.(info);
    off();
    expect(got).toEqual([info]);
    expect(unsubscribed).toBe(true);
  });
});

describe('the contract, at the type level', () => {
  it('lists every invoke channel at runtime', () => {
    expectTypeOf<(typeof INVOKE_CHANNELS)[number]>().toEqualTypeOf<InvokeChannel>();
  });

  it('derives the renderer api from the contract', () => {
    expectTypeOf<VigilApi['streams']['start']>().parameters.toEqualTypeOf<
      [
        cameraId: string,
        options?: { durationSec?: number; variant?: 'main' | 'sub'; files?: boolean },
      ]
    >();
    expectTypeOf<VigilApi['streams']['start']>().returns.toEqualTypeOf<Promise<StreamInfo>>();
    expectTypeOf<VigilApi['streams']['list']>().returns.toEqualTypeOf<Promise<StreamInfo[]>>();
    expectTypeOf<VigilApi['streams']['onState']>()
      .parameter(0)
      .toEqualTypeOf<(s: StreamInfo) => void>();
    expectTypeOf<VigilApi['streams']['stop']>().parameter(0).toEqualTypeOf<string>();
    const misuse = (api: VigilApi) =>
      // @ts-expect-error a number is not a camera id
      api.streams.stop(5);
    expectTypeOf(misuse).toBeFunction();
  });
});
