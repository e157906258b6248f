import type {
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
  PlaylistLoaderConstructor,
  PlaylistLoaderContext,
} from 'hls.js';

/** How soon a live playlist that has not changed is asked for again, and how many times. */
export const UNCHANGED_RETRY_MS = 40;
export const UNCHANGED_MAX_RETRIES = 8;

type LoaderConstructor = new (config: HlsConfig) => Loader<LoaderContext>;

/** The last URI a playlist names (its newest segment), if any. */
export function lastUri(playlist: string): string | undefined {
  const uris = playlist
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  return uris.at(-1);
}

/**
 * A playlist loader for one hls.js instance that asks again, every UNCHANGED_RETRY_MS, for a
 * live playlist that names no new segment, before handing it to hls.js. hls.js itself waits
 * half a target duration after such a miss, and it rounds ffmpeg's target duration for
 * 0.25 s segments (0) up to 1 s: a reload that came a moment before ffmpeg wrote the next
 * segment cost 0.5 s, twice the segment the player has buffered. Measured: the picture
 * stopped for 0.3–0.4 s about once in the first 15 s of playback.
 */
export function createPlaylistLoader(
  Base: LoaderConstructor,
  retryMs = UNCHANGED_RETRY_MS,
  maxRetries = UNCHANGED_MAX_RETRIES,
): PlaylistLoaderConstructor {
  // The newest segment handed to hls.js per playlist URL (of this hls.js instance only).
  const newest = new Map<string, string>();

  return class QuickRetryPlaylistLoader implements Loader<PlaylistLoaderContext> {
    context: PlaylistLoaderContext | null = null;
    stats: LoaderStats;
    private inner: Loader<LoaderContext>;
    private retry: ReturnType<typeof setTimeout> | undefined;
    private readonly config: HlsConfig;

    constructor(config: HlsConfig) {
      this.config = config;
      this.inner = new Base(config);
      this.stats = this.inner.stats;
    }

    load(
      context: PlaylistLoaderContext,
      loaderConfig: LoaderConfiguration,
      callbacks: LoaderCallbacks<PlaylistLoaderContext>,
    ): void {
      this.context = context;
      let retries = 0;
      const attempt = (): void => {
        const inner = this.inner;
        const innerCallbacks: LoaderCallbacks<LoaderContext> = {
          onSuccess: (response, stats, _context, networkDetails) => {
            this.stats = stats;
            const text = typeof response.data === 'string' ? response.data : '';
            const last = lastUri(text);
            const unchanged =
              last !== undefined &&
              last === newest.get(context.url) &&
              !text.includes('#EXT-X-ENDLIST');
            if (unchanged && retries < maxRetries) {
              retries++;
              this.retry = setTimeout(() => {
                inner.destroy();
                this.inner = new Base(this.config);
                attempt();
              }, retryMs);
              return;
            }
            if (last !== undefined) newest.set(context.url, last);
            callbacks.onSuccess(response, stats, context, networkDetails);
          },
          onError: (error, _context, networkDetails, stats) =>
            callbacks.onError(error, context, networkDetails, stats),
          onTimeout: (stats, _context, networkDetails) =>
            callbacks.onTimeout(stats, context, networkDetails),
          onAbort: (stats, _context, networkDetails) =>
            callbacks.onAbort?.(stats, context, networkDetails),
        };
        inner.load(context, loaderConfig, innerCallbacks);
      };
      attempt();
    }

    abort(): void {
      clearTimeout(this.retry);
      this.inner.abort();
    }

    destroy(): void {
      clearTimeout(this.retry);
      this.inner.destroy();
      this.context = null;
    }
  };
}
