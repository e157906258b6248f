import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVigilApi } from '../../src/preload/api';
import { SUCCESS_TOAST_MS } from '../../src/renderer/src/common/Toast';
import { LiveView } from '../../src/renderer/src/live/LiveView';
import type { InvokeChannel, IpcEnvelope } from '../../src/shared/ipc-contract';
import { streamInfo } from '../helpers/stream-info';

// The live window's player is not under test here: hls.js does nothing.
vi.mock('hls.js', () => {
  class FakeHls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'm', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'n', MEDIA_ERROR: 'd' };
    static DefaultConfig = { loader: class {} };
    latency = Number.NaN;
    on(): void {}
    attachMedia(): void {}
    loadSource(): void {}
    destroy(): void {}
  }
  return { default: FakeHls };
});

const SAVED = '/home/u/Pictures/Porch 2026-01-02T10-11-12.png';

const live = streamInfo({ url: 'vigil-stream://s1/index.m3u8' });

let calls: Array<[InvokeChannel, unknown[]]>;
let savedPath: string | null;

const answers: Partial<Record<InvokeChannel, () => unknown>> = {
  'streams:start': () => live,
  'cameras:list': () => [],
  'cameras:snapshot': () => null,
  'snapshots:save': () => ({ path: savedPath }),
  'snapshots:showInFolder': () => undefined,
  // Asked by the window's other controls (Record, PTZ) on mount.
  'recording:folder': () => ({ path: '/home/u/Videos', isDefault: true }),
  'recording:list': () => [],
  'ptz:capabilities': () => ({ supported: false }),
};

beforeAll(() => {
  window.vigil = createVigilApi({
    invoke: (channel, args) => {
      calls.push([channel, args]);
      const answer = answers[channel];
      const envelope: IpcEnvelope<unknown> = answer
        ? { ok: true, value: answer() }
        : { ok: false, error: { code: 'unexpected', message: `unexpected ${channel}` } };
      return Promise.resolve(envelope);
    },
    subscribe: () => () => undefined,
  });
  // jsdom draws nothing: a video with a size and a canvas that yields a PNG data URL.
  Object.defineProperty(HTMLVideoElement.prototype, 'videoWidth', { get: () => 640 });
  Object.defineProperty(HTMLVideoElement.prototype, 'videoHeight', { get: () => 360 });
  // The player's frame counter (Chromium's, missing from jsdom): no frames are presented.
  const video = HTMLVideoElement.prototype as unknown as Record<string, unknown>;
  video.requestVideoFrameCallback = () => 1;
  video.cancelVideoFrameCallback = () => undefined;
  video.getVideoPlaybackQuality = () => ({ totalVideoFrames: 0, droppedVideoFrames: 0 });
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  HTMLCanvasElement.prototype.getContext = () => null;
  HTMLCanvasElement.prototype.toDataURL = () => 'data:image/png;base64,iVBORw0KGgo=';
});

beforeEach(() => {
  calls = [];
  savedPath = SAVED;
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const asked = (channel: InvokeChannel) => calls.filter(([c]) => c === channel).map(([, a]) => a);

async function renderLive(): Promise<void> {
  render(<LiveView cameraId="c1" />);
  // streams:start answers 'live': Snapshot is enabled.
  await act(async () => {
    await Promise.resolve();
  });
  await vi.waitFor(() =>
    expect(screen.getByRole('button', { name: 'Snapshot' })).toHaveProperty('disabled', false),
  );
}

async function clickSnapshot(): Promise<void> {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Snapshot' }));
    await Promise.resolve();
  });
}

describe('live window: Snapshot', () => {
  it('saves through main, then toasts "Snapshot saved: <file name>" with Show in folder for that path', async () => {
    await renderLive();
    await clickSnapshot();
    expect(asked('snapshots:save')).toEqual([['c1', 'data:image/png;base64,iVBORw0KGgo=']]);
    const region = screen.getByRole('status', { name: 'Notifications' });
    await vi.waitFor(() =>
      expect(region.textContent).toContain('Snapshot saved: Porch 2026-01-02T10-11-12.png'),
    );
    // The file name, not the whole path.
    expect(region.textContent).not.toContain('/home/u/Pictures');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
      await Promise.resolve();
    });
    expect(asked('snapshots:showInFolder')).toEqual([[SAVED]]);
    // Choosing the action dismisses the toast.
    expect(region.textContent).not.toContain('Snapshot saved');
  });

  it('the toast goes by itself (a success toast)', async () => {
    await renderLive();
    vi.useFakeTimers();
    await clickSnapshot();
    await act(async () => {
      await Promise.resolve();
    });
    const region = screen.getByRole('status', { name: 'Notifications' });
    expect(region.textContent).toContain('Snapshot saved');
    act(() => {
      vi.advanceTimersByTime(SUCCESS_TOAST_MS + 50);
    });
    expect(region.textContent).not.toContain('Snapshot saved');
  });

  it('a cancelled save dialog shows no toast', async () => {
    savedPath = null;
    await renderLive();
    await clickSnapshot();
    await act(async () => {
      await Promise.resolve();
    });
    expect(asked('snapshots:save')).toHaveLength(1);
    expect(screen.getByRole('status', { name: 'Notifications' }).textContent).toBe('');
  });
});
