import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import onvif from 'onvif';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { discoverOnvif } from '../../src/main/services/cameras/onvif-discovery';

// No real socket is ever made here: the onvif library's dgram.createSocket is replaced by a
// recorder, so nothing is bound or multicast whatever the code under test does.
interface FakeSocket extends EventEmitter {
  bound: unknown[];
  closed: boolean;
}

function fakeSockets(): FakeSocket[] {
  const sockets: FakeSocket[] = [];
  vi.spyOn(dgram, 'createSocket').mockImplementation((() => {
    const socket = Object.assign(new EventEmitter(), {
      bound: [] as unknown[],
      closed: false,
      bind(...args: unknown[]) {
        socket.bound.push(args.filter((a) => typeof a !== 'function'));
        const done = args.find((a) => typeof a === 'function') as (() => void) | undefined;
        setImmediate(() => done?.());
      },
      send: () => undefined,
      setRecvBufferSize: () => undefined,
      close() {
        socket.closed = true;
      },
    });
    sockets.push(socket);
    return socket;
  }) as unknown as typeof dgram.createSocket);
  return sockets;
}

const listeners = () => ({
  device: onvif.Discovery.listenerCount('device'),
  error: onvif.Discovery.listenerCount('error'),
});

describe('cameras:discover with a chosen network interface', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('an interface named like an Object.prototype key is refused, leaking no socket or listener', async () => {
    const sockets = fakeSockets();
    const before = listeners();
    for (const name of ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'no-such-nic']) {
      await expect(discoverOnvif({ device: name, timeoutMs: 3_000 })).rejects.toMatchObject({
        code: 'unknown-interface',
        message: expect.stringMatching(/no network connection named/) as string,
      });
    }
    expect(sockets).toEqual([]);
    expect(listeners()).toEqual(before);

    // A real interface still probes from its address, and its socket is closed at the end.
    vi.useFakeTimers();
    const nic = { 'vigil-test0': [{ family: 'IPv4', address: '127.0.0.7', internal: false }] };
    vi.spyOn(os, 'networkInterfaces').mockReturnValue(nic as never);
    const probe = discoverOnvif({
      device: 'vigil-test0',
      timeoutMs: 3_000,
      interfaces: () => nic as never,
    });
    await vi.advanceTimersByTimeAsync(3_100);
    await expect(probe).resolves.toEqual({ devices: [], truncated: false });
    expect(sockets.map((s) => [s.bound, s.closed])).toEqual([[[[null, '127.0.0.7']], true]]);
    expect(listeners()).toEqual(before);
  });
});
