import { describe, expect, expectTypeOf, it } from 'vitest';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { invokeSchemas } from '../../src/main/ipc/schemas';
import {
  INVOKE_CHANNELS,
  type InvokeArgs,
  type InvokeChannel,
  type IpcEnvelope,
} from '../../src/shared/ipc-contract';

// Every call TypeScript lets a renderer write must reach its handler. Electron's
// ipcRenderer.invoke keeps an explicit `undefined` argument (`discover(undefined)`
// arrives as `[undefined]`), so "omitted" and "passed as undefined" are both shapes.

/** How many leading parameters a call must give (the shortest tuple the type accepts). */
type MinArgs<T extends readonly unknown[], Acc extends never[] = []> = Acc extends T
  ? Acc['length']
  : MinArgs<T, [...Acc, never]>;

interface Coverage<C extends InvokeChannel> {
  /** A valid value for every parameter, optional ones included. */
  full: Required<InvokeArgs<C>>;
  /** Must equal the number of required parameters (checked by the compiler). */
  required: MinArgs<InvokeArgs<C>>;
  /** More shapes the type allows: optional properties given as undefined. */
  more?: InvokeArgs<C>[];
}

const input = {
  name: 'Porch',
  source: { kind: 'rtsp', url: 'rtsp://192.168.1.20/s1' },
  options: { transport: 'tcp', durationSec: 60, battery: false, audio: true },
  username: 'admin',
  password: 'pw',
} as const;
const inputUndefined = {
  name: 'Porch',
  source: { kind: 'demo' },
  options: { transport: undefined, durationSec: undefined, battery: undefined, audio: undefined },
  username: undefined,
  password: undefined,
} as const;
const png = 'data:image/png;base64,iVBORw0KGgo=';

/** One entry per channel: a channel missing here fails to compile and fails the test. */
const COVERAGE: { [C in InvokeChannel]: Coverage<C> } = {
  'streams:start': {
    full: ['demo', { durationSec: 30, variant: 'sub' }],
    required: 1,
    more: [
      ['demo', { durationSec: undefined }],
      ['demo', {}],
    ],
  },
  'streams:stop': { full: ['demo', { variant: 'sub' }], required: 1 },
  'streams:end': { full: ['demo'], required: 1 },
  'streams:extend': { full: ['demo', 60], required: 2 },
  'streams:list': { full: [], required: 0 },
  'streams:playable': { full: [['h265']], required: 1, more: [[[]]] },
  'streams:health': { full: ['demo'], required: 1 },
  'walls:list': { full: [], required: 0 },
  'walls:add': {
    full: [{ name: 'Front', layout: '2x2', cameraIds: ['demo'], openAtStart: true }],
    required: 1,
  },
  'walls:update': {
    full: ['wall-1', { name: 'Front', layout: 'fit', cameraIds: ['demo'], openAtStart: false }],
    required: 2,
  },
  'walls:remove': { full: ['wall-1'], required: 1 },
  'windows:openWall': { full: ['wall-1'], required: 1 },
  'cameras:list': { full: [], required: 0 },
  'cameras:add': {
    full: [input],
    required: 1,
    more: [[inputUndefined], [{ ...input, options: undefined }]],
  },
  'cameras:update': { full: ['c1', input], required: 2, more: [['c1', inputUndefined]] },
  'cameras:remove': { full: ['c1'], required: 1 },
  'cameras:undoRemove': { full: ['c1'], required: 1 },
  'cameras:copyRtspUrl': {
    full: ['c1', { withPassword: true }],
    required: 1,
    more: [
      ['c1', { withPassword: undefined }],
      ['c1', {}],
    ],
  },
  'cameras:test': {
    full: [{ source: input.source, username: 'admin', password: 'pw' }],
    required: 1,
    more: [
      [{ cameraId: 'c1' }],
      [{ source: input.source, username: undefined, password: undefined }],
    ],
  },
  'cameras:discover': {
    full: [{ networkInterface: 'eth0' }],
    required: 0,
    more: [[{ networkInterface: undefined }], [{}]],
  },
  'cameras:interfaces': { full: [], required: 0 },
  'cameras:snapshot': {
    full: ['c1', { cachedOnly: true }],
    required: 1,
    more: [
      ['c1', { cachedOnly: undefined }],
      ['c1', {}],
    ],
  },
  'cameras:status': { full: [], required: 0 },
  'cameras:checkStatus': { full: ['c1'], required: 1 },
  'cameras:notices': { full: [], required: 0 },
  'cameras:demo': { full: [], required: 0 },
  'cameras:setDemo': { full: [{ show: true }], required: 1, more: [[{ dismissNotice: true }]] },
  'windows:openLive': { full: ['c1'], required: 1 },
  'windows:awaitCamera': { full: [], required: 0 },
  'windows:close': { full: [], required: 0 },
  'windows:liveMode': { full: [], required: 0 },
  'windows:setMini': { full: [true], required: 1, more: [[false]] },
  'windows:setPinned': { full: [true], required: 1, more: [[false]] },
  'windows:editCamera': {
    full: ['c1', { focus: 'password' }],
    required: 1,
    more: [
      ['c1', { focus: undefined }],
      ['c1', {}],
    ],
  },
  'snapshots:save': { full: ['c1', png], required: 2 },
  'snapshots:showInFolder': {
    full: ['/home/u/Pictures/Porch 2026-01-01T10-00-00.png'],
    required: 1,
  },
  'ptz:capabilities': { full: ['c1'], required: 1 },
  'ptz:move': { full: ['c1', { x: -1, y: 0.5, zoom: 1 }], required: 2 },
  'ptz:stop': { full: ['c1'], required: 1 },
  'ptz:presets': { full: ['c1'], required: 1 },
  'ptz:gotoPreset': { full: ['c1', 'preset-1'], required: 2 },
  'ptz:savePreset': { full: ['c1', 'Gate'], required: 2 },
  'recording:start': {
    full: ['c1', { keepAfterCountdown: true }],
    required: 1,
    more: [
      ['c1', { keepAfterCountdown: undefined }],
      ['c1', {}],
    ],
  },
  'recording:stop': { full: ['c1'], required: 1 },
  'recording:list': { full: [], required: 0 },
  'recording:folder': { full: [], required: 0 },
  'recording:chooseFolder': { full: [], required: 0 },
};

/**
 * Every argument list the parameter list allows with these values: the required ones,
 * then any number of the optional ones, each either given or passed as undefined.
 */
function shapes(full: readonly unknown[], required: number): unknown[][] {
  const out: unknown[][] = [];
  for (let count = required; count <= full.length; count++) {
    const optional = count - required;
    for (let mask = 0; mask < 2 ** optional; mask++) {
      out.push(
        full
          .slice(0, count)
          .map((value, i) => (i >= required && mask & (1 << (i - required)) ? undefined : value)),
      );
    }
  }
  return out;
}

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

function router() {
  const handlers = new Map<string, Listener>();
  const calls: Array<{ channel: string; args: unknown[] }> = [];
  const r = createIpcRouter({
    ipcMain: {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
    },
    isTrustedSender: () => true,
  });
  for (const channel of INVOKE_CHANNELS) {
    r.handle(channel, (_ctx, ...args: unknown[]) => {
      calls.push({ channel, args });
      return null;
    });
  }
  const call = (channel: string, args: unknown[]) =>
    handlers.get(channel)?.({ sender: { id: 1 }, senderFrame: { url: 'app://x' } }, ...args) as
      Promise<IpcEnvelope<unknown>> | undefined;
  return { call, calls };
}

/** Like JSON, but says `undefined` where an argument or property is undefined. */
const show = (args: readonly unknown[]): string =>
  JSON.stringify(args, (_key, value: unknown) => (value === undefined ? '<undefined>' : value))
    .replaceAll('"<undefined>"', 'undefined')
    .replace(/^\[|\]$/g, '');

const cases = INVOKE_CHANNELS.flatMap((channel) => {
  const { full, required, more = [] } = COVERAGE[channel] as Coverage<InvokeChannel>;
  return [...shapes(full, required), ...more].map(
    (args) => [`${channel}(${show(args)})`, channel, args] as const,
  );
});

describe('IPC argument shapes: every call the types allow is accepted', () => {
  it('covers every channel of the contract and of the schemas, and nothing else', () => {
    const covered = Object.keys(COVERAGE).sort();
    expect(covered).toEqual([...INVOKE_CHANNELS].sort());
    expect(covered).toEqual(Object.keys(invokeSchemas).sort());
  });

  it('generates omitted and explicit-undefined forms of optional parameters', () => {
    expect(shapes(['id', { x: 1 }], 1)).toEqual([['id'], ['id', { x: 1 }], ['id', undefined]]);
    expect(shapes([{ x: 1 }], 0)).toEqual([[], [{ x: 1 }], [undefined]]);
    expectTypeOf<MinArgs<[a: string, b?: number]>>().toEqualTypeOf<1>();
    expectTypeOf<MinArgs<[b?: number]>>().toEqualTypeOf<0>();
  });

  it.each(cases)('%s reaches its handler', async (_name, channel, args) => {
    const { call, calls } = router();
    const reply = await call(channel, [...args]);
    expect(reply).toEqual({ ok: true, value: null });
    expect(calls).toHaveLength(1);
  });
});
