import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FetchHandler } from '../services/streaming/hls-handler';
import { APP_HOST, APP_SCHEME } from './policy';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

// Names Vite emits: letters, digits, - _ . in plain path segments; nothing hidden.
const SAFE_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface AppPagesOptions {
  /** The built renderer directory (out/renderer). */
  rootDir: string;
  /** The Content-Security-Policy every HTML page is sent with. */
  csp: string;
}

function notFound(status = 404): Response {
  return new Response('Not found.', {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  });
}

/**
 * Serves the built renderer on vigil-app://renderer/…: GET only, files inside rootDir with
 * known types, no dot-files, no escapes, no symlinks out; HTML carries the CSP header (so the
 * policy does not depend on webRequest reaching custom-scheme responses).
 */
export function createAppPageHandler(options: AppPagesOptions): FetchHandler {
  const root = realpath(options.rootDir);
  return async (request) => {
    if (request.method !== 'GET') return notFound(405);
    const raw = request.url;
    const prefix = `${APP_SCHEME}://${APP_HOST}/`;
    if (!raw.startsWith(prefix)) return notFound();
    // The raw path, before any normalising: no escapes, no dot segments, no backslashes.
    const path = `/${raw.slice(prefix.length).split(/[?#]/, 1)[0] ?? ''}`;
    if (!SAFE_PATH.test(path) || path.includes('..')) return notFound();
    const type = CONTENT_TYPES[extname(path)];
    if (!type) return notFound();
    const rootDir = await root;
    const file = join(rootDir, ...path.slice(1).split('/'));
    let handle;
    try {
      handle = await open(file, constants.O_RDONLY | NOFOLLOW);
      // A directory symlinked out of the renderer would pass O_NOFOLLOW (it only checks the
      // last component): the resolved path must still be inside.
      if (!(await realpath(file)).startsWith(rootDir + sep)) return notFound();
      const stat = await handle.stat();
      if (!stat.isFile()) return notFound();
      const body = await handle.readFile();
      const headers: Record<string, string> = {
        'content-type': type,
        'content-length': String(body.byteLength),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      };
      if (type.startsWith('text/html')) headers['content-security-policy'] = options.csp;
      return new Response(new Uint8Array(body), { status: 200, headers });
    } catch {
      return notFound();
    } finally {
      await handle?.close();
    }
  };
}
