import { act, cleanup, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pathText } from '../../src/renderer/src/live/path-text';
import { useLivePlayer } from '../../src/renderer/src/live/use-live-player';

// Which player the hook runs: every hls.js it made (with its source), every MSE player (with
// its URL and the fallback it was given), and which of them were destroyed.
const made = vi.hoisted(() => ({
  hls: [] as Array<{ source: string | null; destroyed: boolean }>,
  mse: [] as Array<{
    url: string;
    destroyed: boolean;
    fallback: (reason: 'codec' | 'network', detail: string) => void;
  }>,
}));
vi.mock('hls.js', () => {
  class FakeHls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'm', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'n', MEDIA_ERROR: 'd' };
    static DefaultConfig = { loader: class {} };
    latency = Number.NaN;
    private readonly entry = { source: null as string | null, destroyed: false };
    constructor() {
      made.hls.push(this.entry);
    }
    on(): void {}
    attachMedia(): void {}
    loadSource(url: string): void {
      this.entry.source = url;
    }
    destroy(): void {
      this.entry.destroyed = true;
    }
  }
  return { default: FakeHls };
});
vi.mock('../../src/renderer/src/live/mse-player', () => ({
  createMsePlayer: (
    _video: HTMLVideoElement,
    url: string,
    options: { onFallback: (reason: 'codec' | 'network', detail: string) => void },
  ) => {
    const entry = { url, destroyed: false, fallback: options.onFallback };
    made.mse.push(entry);
    return {
      destroy: () => void (entry.destroyed = true),
      stats: () => ({ bufferedAheadS: 0, latencyS: 0.3, playbackRate: 1, appended: 0, jumps: 0 }),
    };
  },
}));

function Player({ url, liveUrl }: { url: string | null; liveUrl: string | null }) {
  const ref = useRef<HTMLVideoElement>(null);
  const player = useLivePlayer(ref, url, liveUrl);
  const text = pathText(player.path, liveUrl !== null, true, player.fallback);
  return (
    <>
      <video ref={ref} />
      <output aria-label="path">{text.tag}</output>
      <output aria-label="detail">{text.detail}</output>
    </>
  );
}

const hlsUrl = (s: string) => `vigil-stream://${s}/index.m3u8`;
const llUrl = (s: string) => `vigil-stream://${s}/live.mp4`;

describe('the live player’s path: low latency when offered, HLS as the fallback', () => {
  beforeEach(() => {
    made.hls.length = 0;
    made.mse.length = 0;
    const proto = HTMLVideoElement.prototype as unknown as Record<string, unknown>;
    proto.requestVideoFrameCallback = () => 1;
    proto.cancelVideoFrameCallback = () => undefined;
  });
  afterEach(() => cleanup());

  it('plays the low-latency stream when main offers one, and no HLS', () => {
    render(<Player url={hlsUrl('s1')} liveUrl={llUrl('s1')} />);
    expect(made.mse.map((m) => m.url)).toEqual([llUrl('s1')]);
    expect(made.hls).toHaveLength(0);
    expect(screen.getByLabelText('path').textContent).toBe('Low latency');
  });

  it('plays HLS when main offers none (transcoded video), and says why', () => {
    render(<Player url={hlsUrl('s1')} liveUrl={null} />);
    expect(made.mse).toHaveLength(0);
    expect(made.hls.map((h) => h.source)).toEqual([hlsUrl('s1')]);
    expect(screen.getByLabelText('detail').textContent).toMatch(/converted to H\.264/);
  });

  it('when the low-latency player gives up: its player goes, HLS plays the same session, and the reason is named', () => {
    render(<Player url={hlsUrl('s1')} liveUrl={llUrl('s1')} />);
    act(() => made.mse[0]?.fallback('codec', 'avc1.64001f not supported'));
    expect(made.mse[0]?.destroyed).toBe(true);
    expect(made.hls.map((h) => h.source)).toEqual([hlsUrl('s1')]);
    expect(screen.getByLabelText('path').textContent).toBe('HLS');
    expect(screen.getByLabelText('detail').textContent).toMatch(/cannot decode/);
    expect(made.mse).toHaveLength(1);
  });

  it('a new session (a retry) tries the low-latency path again; the failed one stays on HLS', () => {
    const { rerender } = render(<Player url={hlsUrl('s1')} liveUrl={llUrl('s1')} />);
    act(() => made.mse[0]?.fallback('network', 'ended'));
    rerender(<Player url={hlsUrl('s2')} liveUrl={llUrl('s2')} />);
    expect(made.mse.map((m) => m.url)).toEqual([llUrl('s1'), llUrl('s2')]);
    expect(made.hls[0]?.destroyed).toBe(true);
    expect(screen.getByLabelText('path').textContent).toBe('Low latency');
  });
});
