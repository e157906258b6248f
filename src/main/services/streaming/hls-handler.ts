import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { LIVE_STREAM_NAME, PLAYLIST_NAME, STREAM_SCHEME } from '../../../shared/streams';
import { INIT_NAME } from './ffmpeg-args';
import { SESSION_ID_PATTERN } from './private-dir';

/** What `protocol.handle` takes; tests drive the same function over HTTP. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface HlsHandlerOptions {
  /** The directory of a live session, or undefined when there is none with that id. */
  liveDirectory: (sessionId: string) => string | undefined;
  /**
   * A new viewer's low-latency stream of a session (fragmented MP4, endless), or undefined when
   * that session has none. Served as `live.mp4`; cancelled when the page lets go.
   */
  liveStream?: (sessionId: string) => ReadableStream<Uint8Array> | undefined;
  /**
   * The page origins that may read streams (our renderer's). A request whose Origin header
   * names another is refused; an allowed one is named in Access-Control-Allow-Origin (never *).
   */
  allowedOrigins: readonly string[];
}

const CONTENT_TYPES: Array<[RegExp, string]> = [
  [new RegExp(`^${PLAYLIST_NAME.replace('.', '\\.')}$`), 'application/vnd.apple.mpegurl'],
  [new RegExp(`^${INIT_NAME.replace('.', '\\.')}$`), 'video/mp4'],
  [/^seg-\d{1,9}\.m4s$/, 'video/iso.segment'],
  [/^seg-\d{1,9}\.ts$/, 'video/mp2t'],
];

// Platforms without O_NOFOLLOW (Windows) fall back to the lstat check below.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function refuse(status: number, text: string, origin: string | null = null): Response {
  return new Response(text, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...(origin !== null ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
    },
  });
}

/**
 * Serves the HLS files of live sessions and their low-latency stream (`live.mp4`), and nothing
 * else: GET only, the session id as host, one file name from a fixed set, no encoded
 * characters, no symlinks, and only to our own pages' origins.
 */
export function createHlsHandler(options: HlsHandlerOptions): FetchHandler {
  // Electron's protocol.handle passes the body on as Readable.fromWeb(body) (its
  // lib/browser/api/protocol.ts): chunks reach the page as they come, and when the page lets go
  // the loader destroys that stream, which cancels ours (shell/browser/net/node_stream_loader.cc).
  const live = (sessionId: string, origin: string | null): Response => {
    const body = options.liveStream?.(sessionId);
    if (!body) return refuse(404, 'No live stream with this id.', origin);
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'video/mp4',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...(origin !== null ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
      },
    });
  };
  return async (request) => {
    if (request.method !== 'GET') return refuse(405, 'Only GET is allowed.');
    const origin = request.headers.get('origin');
    if (origin !== null && !options.allowedOrigins.includes(origin))
      return refuse(403, 'This page may not read streams.');
    // From here on the page is ours: a refusal names its origin too, so the player sees the
    // real status (a 404 of a session that ended) instead of a CORS error hiding it.
    const deny = (status: number, text: string): Response => refuse(status, text, origin);
    // Look at the raw text before URL parsing normalises it: no escapes, dots or backslashes.
    const raw = request.url;
    const afterScheme = raw.slice(raw.indexOf('//') + 2);
    if (/[%\\]|\.\.|\/\/|[?#]/.test(afterScheme)) return deny(400, 'Bad path.');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return deny(400, 'Bad URL.');
    }
    if (url.protocol !== `${STREAM_SCHEME}:`) return deny(400, 'Wrong scheme.');
    const sessionId = url.hostname;
    const fileName = url.pathname.slice(1);
    if (!SESSION_ID_PATTERN.test(sessionId)) return deny(404, 'Not found.');
    if (fileName === LIVE_STREAM_NAME) return live(sessionId, origin);
    const contentType = CONTENT_TYPES.find(([pattern]) => pattern.test(fileName))?.[1];
    if (!contentType) return deny(404, 'Not found.');
    const dir = options.liveDirectory(sessionId);
    if (!dir) return deny(404, 'No live stream with this id.');
    const file = join(dir, fileName);
    let handle;
    try {
      if (!NOFOLLOW && (await lstat(file)).isSymbolicLink()) return deny(404, 'Not found.');
      handle = await open(file, constants.O_RDONLY | NOFOLLOW);
    } catch {
      return deny(404, 'Not found.');
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return deny(404, 'Not found.');
      const body = await handle.readFile();
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: {
          'content-type': contentType,
          'content-length': String(body.byteLength),
          'cache-control': 'no-cache, no-store',
          'x-content-type-options': 'nosniff',
          ...(origin !== null ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
        },
      });
    } finally {
      await handle.close();
    }
  };
}
