import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';

const rendererUrl = process.env.ELECTRON_RENDERER_URL;

/** Content Security Policy for app pages: our code, our stream scheme, nothing else. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: vigil-stream:",
  "connect-src 'self' vigil-stream:" + (rendererUrl ? ' ws://localhost:*' : ''),
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** True when a URL is one of our own pages (dev server or packaged files). */
export function isAppUrl(url: string): boolean {
  if (rendererUrl) return url.startsWith(rendererUrl);
  return url.startsWith('file://') && url.includes('/out/renderer/');
}

/** Session-wide hardening: deny permissions, send the CSP, lock down every web contents. */
export function hardenSession(): void {
  // Every window comes from createSecureWindow (which denies navigation); no page may embed a webview.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] },
    });
  });
}

/** Navigation stays on our pages; pages never open windows (web links go to the browser). */
export function denyNavigation(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the browser, never inside Vigil.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** The one window factory: every Vigil window is made here, with the same safe settings. */
export interface SecureWindowOptions {
  title: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
  /** Live windows keep playing (and counting frames) while in the background. */
  keepRunningInBackground?: boolean;
}

/** The one window factory: every Vigil window is made here, with the same safe settings. */
export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const { keepRunningInBackground, ...bounds } = options;
  const win = new BrowserWindow({
    ...bounds,
    show: false,
    backgroundColor: '#0f1115',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      backgroundThrottling: !keepRunningInBackground,
    },
  });
  denyNavigation(win.webContents);
  win.once('ready-to-show', () => win.show());
  return win;
}

/** Loads one of our renderer pages into a window. */
export async function loadPage(
  win: BrowserWindow,
  page: string,
  query: Record<string, string> = {},
): Promise<void> {
  if (rendererUrl) {
    const url = new URL(page, rendererUrl.endsWith('/') ? rendererUrl : `${rendererUrl}/`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    await win.loadURL(url.toString());
  } else {
    await win.loadFile(join(__dirname, '../renderer', page), { query });
  }
}
