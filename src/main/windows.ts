import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isAppUrl as isPolicyAppUrl,
  isPermissionAllowed,
  type PageSource,
} from './web/policy';

/** Where our pages come from: the Vite dev server under `npm start`, else the app scheme. */
export const PAGE_SOURCE: PageSource = { devServerUrl: process.env.ELECTRON_RENDERER_URL };

/** The CSP of our pages (dev pages get what the Vite dev server needs; see web/policy.ts). */
export const APP_CSP = contentSecurityPolicy(PAGE_SOURCE);

/** True when a URL is one of our own pages (exact origin; see web/policy.ts). */
export function isAppUrl(url: string): boolean {
  return isPolicyAppUrl(url, PAGE_SOURCE);
}

/**
 * Session-wide hardening: only our pages' fullscreen is granted, every other permission is
 * denied; dev pages get the CSP header (packaged pages get it from the app scheme's handler);
 * no page may embed a webview.
 */
export function hardenSession(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(
      isPermissionAllowed(permission, details.requestingUrl ?? contents.getURL(), PAGE_SOURCE),
    );
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? requestingOrigin, PAGE_SOURCE),
  );
  const dev = PAGE_SOURCE.devServerUrl;
  if (dev) {
    ses.webRequest.onHeadersReceived(
      { urls: [`${new URL(dev).origin}/*`] },
      (details, callback) => {
        callback({
          responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] },
        });
      },
    );
  }
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
  /** Electron's minimum size (frame included): below it the page would hide controls. */
  minWidth?: number;
  minHeight?: number;
  /** Live windows keep playing (and counting frames) while in the background. */
  keepRunningInBackground?: boolean;
  /**
   * False for a window made in advance and kept hidden until it is needed (the ready live
   * window): it is not shown when its page is ready. Its page still loads and renders while
   * hidden: Electron's `paintWhenInitiallyHidden` (default true) keeps the renderer active
   * for a window created with `show: false` (BrowserWindow docs, webPreferences).
   */
  showWhenReady?: boolean;
}

/** The one window factory: every Vigil window is made here, with the same safe settings. */
export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const { keepRunningInBackground, showWhenReady = true, ...bounds } = options;
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
  if (showWhenReady) win.once('ready-to-show', () => win.show());
  return win;
}

/** Loads one of our renderer pages into a window: the dev server, or vigil-app://renderer/. */
export async function loadPage(
  win: BrowserWindow,
  page: string,
  query: Record<string, string> = {},
): Promise<void> {
  const dev = PAGE_SOURCE.devServerUrl;
  const url = new URL(page, dev ? (dev.endsWith('/') ? dev : `${dev}/`) : `${APP_ORIGIN}/`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  await win.loadURL(url.toString());
}
