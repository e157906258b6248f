import { STREAM_SCHEME } from '../../shared/streams';

/**
 * What our pages are and what they may do: the schemes and their privileges, the CSP, which
 * URLs are ours, which permissions they get. Electron's main applies these; the stand-ins (the
 * browser e2e harness, the fake electron) read the same constants, so breaking a declaration
 * here breaks the tests too. Imports no Electron.
 */

/** Packaged pages are served from this privileged scheme instead of file:// (Electron's checklist). */
export const APP_SCHEME = 'vigil-app';
/** The one host of the app scheme: our built renderer directory, nothing else. */
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The privileges a scheme gets (Electron's CustomScheme privileges, the ones we use). */
export interface SchemePrivileges {
  standard?: boolean;
  secure?: boolean;
  supportFetchAPI?: boolean;
  corsEnabled?: boolean;
  stream?: boolean;
  bypassCSP?: boolean;
}

/**
 * Registered once, before `ready`.
 * - The app scheme is standard and secure, so its pages have a real origin (vigil-app://renderer)
 *   and count as a secure context (MSE, fullscreen).
 * - The stream scheme needs `corsEnabled`: pages (vigil-app://renderer, or the dev server) are
 *   cross-origin to vigil-stream://<session>, and since electron/electron#51152 (40.x and later)
 *   Electron refuses a cross-origin fetch/XHR to a custom scheme without it, before the handler
 *   runs. hls.js loads with XHR. Electron does not validate Access-Control-Allow-Origin on
 *   custom-scheme responses (electron/electron#52908 documents this), so the handler itself
 *   refuses foreign Origin headers and names the allowed origin for stricter clients.
 * - `stream` lets <video>/MSE read ranges progressively. Never `bypassCSP`.
 */
export const SCHEME_PRIVILEGES: ReadonlyArray<{ scheme: string; privileges: SchemePrivileges }> = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  {
    scheme: STREAM_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      stream: true,
    },
  },
];

/** The privileges declared for a scheme ({} when it is not registered). */
export function privilegesOf(scheme: string): SchemePrivileges {
  return SCHEME_PRIVILEGES.find((s) => s.scheme === scheme)?.privileges ?? {};
}

/** Where pages come from: the packaged app scheme, or (npm start) the Vite dev server. */
export interface PageSource {
  /** ELECTRON_RENDERER_URL in development; undefined when packaged or built. */
  devServerUrl?: string | undefined;
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Non-special schemes serialise their origin as "null"; build it from the parts instead.
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** The exact origin our pages have. */
export function pageOrigin(source: PageSource): string {
  return source.devServerUrl ? (originOf(source.devServerUrl) ?? APP_ORIGIN) : APP_ORIGIN;
}

/**
 * True when a URL is one of our pages: exactly our origin (not any file://, not another port),
 * and in development under the dev server's renderer path.
 */
export function isAppUrl(url: string, source: PageSource): boolean {
  const origin = originOf(url);
  if (origin === null || origin !== pageOrigin(source)) return false;
  if (!source.devServerUrl) return true;
  const base = new URL(source.devServerUrl).pathname.replace(/\/?$/, '/');
  return new URL(url).pathname.startsWith(base);
}

/**
 * The Content-Security-Policy of our pages, as directives. `STREAMS` stands for the stream
 * scheme (the harness maps it to its HTTP origin). hls.js plays through Media Source, so the
 * <video> element's src is a blob: URL (media-src blob:) and it reads streams with XHR
 * (connect-src).
 */
export const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:', 'STREAMS'],
  'connect-src': ["'self'", 'STREAMS'],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * What development pages (`npm start`) add: @vitejs/plugin-react injects an inline
 * React-refresh preamble, and Vite's client talks to the dev server over a WebSocket
 * (`DEV_SOCKET` is ws://<dev host>). Production never gets these.
 */
export const DEV_CSP_ADDITIONS: Record<string, string[]> = {
  'script-src': ["'unsafe-inline'"],
  'connect-src': ['DEV_SOCKET'],
};

/** The CSP header of our pages, for where they come from. */
export function contentSecurityPolicy(
  source: PageSource = {},
  streamSource = `${STREAM_SCHEME}:`,
): string {
  const dev = source.devServerUrl ? new URL(source.devServerUrl) : null;
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, values]) => {
      const all = [...values, ...(dev ? (DEV_CSP_ADDITIONS[name] ?? []) : [])].map((v) =>
        v === 'STREAMS' ? streamSource : v === 'DEV_SOCKET' && dev ? `ws://${dev.host}` : v,
      );
      return `${name} ${all.join(' ')}`;
    })
    .join('; ');
}

/**
 * Permissions granted to our own pages; everything else is denied to everyone. Electron routes
 * the HTML Fullscreen API through the session's permission handlers as `fullscreen`, so a
 * deny-all handler leaves requestFullscreen() failing.
 */
export const GRANTED_PERMISSIONS = new Set<string>(['fullscreen']);

/** Whether a permission request (or check) from this URL is granted. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  source: PageSource,
): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, source);
}
