import type {
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
  PlaylistLoaderContext,
} from 'hls.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlaylistLoader, lastUri } from '../../src/renderer/src/live/playlist-loader';

const URL = 'vigil-stream://s/index.m3u8';

/** A live playlist whose newest segment is seg-<n>. */
function playlist(n: number, end = false): string {
  return [
    '#EXTM3U',
    '#EXT-X-TARGETDURATION:0',
    `#EXT-X-MEDIA-SEQUENCE:${String(Math.max(0, n - 2))}`,
    '#EXT-X-MAP:URI="init.mp4"',
    ...[n - 2, n - 1, n]
      .filter((i) => i >= 0)
      .flatMap((i) => ['#EXTINF:0.24,', `seg-${String(i)}.m4s`]),
    ...(end ? ['#EXT-X-ENDLIST'] : []),
    '',
  ].join('\n');
}

/** What the server answers, one playlist per request; the last one repeats. */
const server = { answers: [] as string[], requests: 0 };

class FakeXhrLoader implements Loader<LoaderContext> {
  context: LoaderContext | null = null;
  stats = { loading: { start: 0 } } as unknown as LoaderStats;
  aborted = false;
  load(
    context: LoaderContext,
    _config: LoaderConfiguration,
    callbacks: LoaderCallbacks<LoaderContext>,
  ) {
    this.context = context;
    const data = server.answers[Math.min(server.requests, server.answers.length - 1)] ?? '';
    server.requests++;
    // Answers arrive asynchronously, as from XHR.
    setTimeout(() => {
      if (!this.aborted) callbacks.onSuccess({ url: context.url, data }, this.stats, context, null);
    }, 1);
  }
  abort() {
    this.aborted = true;
  }
  destroy() {
    this.aborted = true;
  }
}

function loadOnce(Loader: ReturnType<typeof createPlaylistLoader>): {
  loader: Loader<PlaylistLoaderContext>;
  handed: string[];
} {
  const loader = new Loader({} as HlsConfig);
  const handed: string[] = [];
  loader.load(
    { url: URL, responseType: 'text', type: 'level' } as unknown as PlaylistLoaderContext,
    {} as LoaderConfiguration,
    {
      onSuccess: (response) =>
        handed.push(typeof response.data === 'string' ? response.data : 'not text'),
      onError: () => handed.push('error'),
      onTimeout: () => handed.push('timeout'),
    },
  );
  return { loader, handed };
}

describe('playlist loader: a live playlist with no new segment is asked for again soon', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    server.answers = [];
    server.requests = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('names the newest segment', () => {
    expect(lastUri(playlist(7))).toBe('seg-7.m4s');
    expect(lastUri('#EXTM3U\n#EXT-X-TARGETDURATION:1\n')).toBeUndefined();
  });

  it('the first playlist and every changed one go straight to hls.js', async () => {
    const Loader = createPlaylistLoader(FakeXhrLoader, 40, 8);
    server.answers = [playlist(1)];
    const first = loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(5);
    expect(first.handed).toEqual([playlist(1)]);
    server.answers = [playlist(2)];
    server.requests = 0;
    const second = loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(5);
    expect(second.handed).toEqual([playlist(2)]);
    expect(server.requests).toBe(1);
  });

  it('an unchanged playlist is fetched again every 40 ms until a new segment is named', async () => {
    const Loader = createPlaylistLoader(FakeXhrLoader, 40, 8);
    server.answers = [playlist(3)];
    await vi.advanceTimersByTimeAsync(0);
    loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(5);
    // ffmpeg writes seg-4 after the third retry.
    server.answers = [playlist(3), playlist(3), playlist(3), playlist(4)];
    server.requests = 0;
    const { handed } = loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(100);
    expect(handed).toEqual([]);
    await vi.advanceTimersByTimeAsync(40);
    expect(handed).toEqual([playlist(4)]);
    expect(server.requests).toBe(4);
  });

  it('gives up after 8 retries (a frozen camera): hls.js gets the unchanged playlist and its own rules apply', async () => {
    const Loader = createPlaylistLoader(FakeXhrLoader, 40, 8);
    server.answers = [playlist(5)];
    loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(5);
    server.requests = 0;
    const { handed } = loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(8 * 41 + 5);
    expect(handed).toEqual([playlist(5)]);
    expect(server.requests).toBe(9);
  });

  it('an ended playlist is not retried; abort cancels a pending retry', async () => {
    const Loader = createPlaylistLoader(FakeXhrLoader, 40, 8);
    server.answers = [playlist(6)];
    loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(5);
    server.answers = [playlist(6, true)];
    server.requests = 0;
    const ended = loadOnce(Loader);
    await vi.advanceTimersByTimeAsync(5);
    expect(ended.handed).toEqual([playlist(6, true)]);

    const Fresh = createPlaylistLoader(FakeXhrLoader, 40, 8);
    server.answers = [playlist(7)];
    loadOnce(Fresh);
    await vi.advanceTimersByTimeAsync(5);
    server.requests = 0;
    const aborted = loadOnce(Fresh);
    await vi.advanceTimersByTimeAsync(5);
    aborted.loader.abort();
    await vi.advanceTimersByTimeAsync(500);
    expect(aborted.handed).toEqual([]);
    expect(server.requests).toBe(1);
  });

  it('each hls.js instance has its own memory: a reload starts with a fresh loader class', async () => {
    server.answers = [playlist(8)];
    loadOnce(createPlaylistLoader(FakeXhrLoader, 40, 8));
    await vi.advanceTimersByTimeAsync(5);
    server.requests = 0;
    const { handed } = loadOnce(createPlaylistLoader(FakeXhrLoader, 40, 8));
    await vi.advanceTimersByTimeAsync(5);
    expect(handed).toEqual([playlist(8)]);
    expect(server.requests).toBe(1);
  });
});
