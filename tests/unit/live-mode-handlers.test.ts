import { describe, expect, it } from 'vitest';
import type { WindowPort } from '../../src/main/ipc/window-handlers';
import type { LiveWindowMode } from '../../src/shared/windows';
import { windowChannels } from '../helpers/window-channels';

const basePort: WindowPort = {
  openLive: () => undefined,
  openWall: () => undefined,
  openDashboard: () => undefined,
  close: () => undefined,
  savePng: () => Promise.reject(new Error('unused')),
};

/** The window channels over `port`; each call's answer is a window mode. */
function setup(port: WindowPort) {
  const call = windowChannels(port, () => 'Porch');
  return (senderId: number, channel: string, ...args: unknown[]) =>
    call<LiveWindowMode>(senderId, channel, ...args);
}

describe('windows:liveMode / setMini / setPinned', () => {
  it('ask the port about the caller’s own window, with exactly the change asked for', async () => {
    const asked: unknown[] = [];
    const mode = { mini: true, pinned: false };
    const call = setup({
      ...basePort,
      liveMode: (viewer) => {
        asked.push(['liveMode', viewer]);
        return mode;
      },
      setLiveMode: (viewer, change) => {
        asked.push(['setLiveMode', viewer, change]);
        return Promise.resolve(mode);
      },
    });
    expect(await call(7, 'windows:liveMode')).toEqual({ ok: true, value: mode });
    expect(await call(7, 'windows:setMini', true)).toEqual({ ok: true, value: mode });
    expect(await call(8, 'windows:setPinned', false)).toEqual({ ok: true, value: mode });
    expect(asked).toEqual([
      ['liveMode', 'window:7'],
      ['setLiveMode', 'window:7', { mini: true }],
      ['setLiveMode', 'window:8', { pinned: false }],
    ]);
  });

  it('a caller that is not a live window, or a shell without live windows, gets a clear refusal', async () => {
    const refusal = {
      ok: false,
      error: {
        code: 'not-a-live-window',
        message: expect.stringMatching(/^Only a camera’s live window can/) as string,
      },
    };
    const notLive = setup({ ...basePort, liveMode: () => undefined, setLiveMode: () => undefined });
    const noLiveWindows = setup(basePort);
    for (const call of [notLive, noLiveWindows]) {
      expect(await call(1, 'windows:liveMode')).toEqual(refusal);
      expect(await call(1, 'windows:setMini', true)).toEqual(refusal);
      expect(await call(1, 'windows:setPinned', true)).toEqual(refusal);
    }
  });

  it('anything but a boolean is refused before the port is asked', async () => {
    const asked: unknown[] = [];
    const call = setup({
      ...basePort,
      liveMode: () => undefined,
      setLiveMode: (...args) => void asked.push(args),
    });
    for (const bad of ['true', 1, null, undefined, { mini: true }]) {
      expect(await call(1, 'windows:setMini', bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid-arguments' },
      });
      expect(await call(1, 'windows:setPinned', bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid-arguments' },
      });
    }
    expect(await call(1, 'windows:setMini', true, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(asked).toEqual([]);
  });
});
