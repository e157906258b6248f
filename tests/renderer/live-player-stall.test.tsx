import { act, cleanup, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STALL_MS, useLivePlayer } from '../../src/renderer/src/live/use-live-player';

// Every hls.js the hook creates: the first plays, each later one is a reload.
const hls = vi.hoisted(() => ({ created: 0 }));
vi.mock('hls.js', () => {
  class FakeHls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'm', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'n', MEDIA_ERROR: 'd' };
    static DefaultConfig = { loader: class {} };
    latency = Number.NaN;
    constructor() {
      hls.created++;
    }
    on(): void {}
    attachMedia(): void {}
    loadSource(): void {}
    destroy(): void {}
  }
  return { default: FakeHls };
});

/** What the page can see: frames drawn (rVFC), frames decoded, and whether it is hidden. */
const page = { hidden: false, decoded: 0, callbacks: new Map<number, () => void>(), next: 1 };

function present(frames: number): void {
  for (let i = 0; i < frames; i++) {
    const pending = [...page.callbacks.values()];
    page.callbacks.clear();
    for (const callback of pending) callback();
  }
}

function setHidden(hidden: boolean): void {
  page.hidden = hidden;
  document.dispatchEvent(new Event('visibilitychange'));
}

function Player() {
  const ref = useRef<HTMLVideoElement>(null);
  const { phase } = useLivePlayer(ref, 'vigil-stream://s/index.m3u8');
  return (
    <>
      <video ref={ref} />
      <output aria-label="phase">{phase}</output>
    </>
  );
}

/** Enough whole seconds for a stall to be noticed: progress is sampled once a second. */
const STALL_SECONDS = STALL_MS / 1_000 + 2;

const phase = () => screen.getByLabelText('phase').textContent;

/** Advances one second at a time (the watchdog's tick), running `each` before every second. */
function seconds(n: number, each: () => void = () => undefined): void {
  for (let i = 0; i < n; i++) {
    each();
    act(() => void vi.advanceTimersByTime(1_000));
  }
}

describe('live player watchdog: a hidden or undrawn window is not stalled', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'],
    });
    hls.created = 0;
    Object.assign(page, { hidden: false, decoded: 0, next: 1 });
    page.callbacks.clear();
    const proto = HTMLVideoElement.prototype as unknown as Record<string, unknown>;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => page.hidden });
    Object.defineProperty(HTMLMediaElement.prototype, 'paused', {
      configurable: true,
      get: () => false,
    });
    proto.requestVideoFrameCallback = (callback: () => void) => {
      const id = page.next++;
      page.callbacks.set(id, callback);
      return id;
    };
    proto.cancelVideoFrameCallback = (id: number) => void page.callbacks.delete(id);
    proto.getVideoPlaybackQuality = () => ({
      totalVideoFrames: page.decoded,
      droppedVideoFrames: 0,
      creationTime: 0,
    });
  });

  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  /** Renders the player and lets it play a few frames. */
  function playing(): void {
    render(<Player />);
    act(() => present(3));
    expect(phase()).toBe('playing');
  }

  it('hidden with no frames drawn for 3 × STALL_MS: no reload, not stalled', () => {
    playing();
    setHidden(true);
    seconds((3 * STALL_MS) / 1_000);
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({ reloads: 0, phase: 'playing' });
    // Back on screen the clock starts over: frames arriving in time are enough.
    setHidden(false);
    seconds(STALL_MS / 1_000 - 1);
    act(() => present(2));
    seconds(2);
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({ reloads: 0, phase: 'playing' });
  });

  it('hidden, frames still decoded: fine', () => {
    playing();
    setHidden(true);
    seconds((3 * STALL_MS) / 1_000, () => (page.decoded += 25));
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({ reloads: 0, phase: 'playing' });
  });

  it('reported visible (Electron without background throttling) but not drawn, frames still decoded: fine', () => {
    playing();
    seconds((3 * STALL_MS) / 1_000, () => (page.decoded += 25));
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({ reloads: 0, phase: 'playing' });
  });

  it('visible, nothing drawn and nothing decoded: one reload, then stalled', () => {
    playing();
    seconds(STALL_SECONDS);
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({
      reloads: 1,
      phase: 'reconnecting',
    });
    seconds(STALL_SECONDS);
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({ reloads: 1, phase: 'stalled' });
  });

  it('a reload that brings frames back re-arms the next reload', () => {
    playing();
    seconds(STALL_SECONDS);
    expect(hls.created - 1).toBe(1);
    act(() => present(2));
    expect(phase()).toBe('playing');
    seconds(STALL_SECONDS);
    expect({ reloads: hls.created - 1, phase: phase() }).toEqual({
      reloads: 2,
      phase: 'reconnecting',
    });
  });
});
