import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import electronViteConfig from '../../electron.vite.config';
import { createIpcRouter, type IpcMainLike, type InvokeEventLike } from '../../src/main/ipc/handle';
import type { WindowPort } from '../../src/main/ipc/window-handlers';
import { createVigilCore } from '../../src/main/core';
import type { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import type { WallStore } from '../../src/main/services/walls/wall-store';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import type { CameraStatusMonitor } from '../../src/main/services/cameras/status-monitor';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import type { StreamService } from '../../src/main/services/streaming/stream-service';
import type { EventChannel, EventMap, InvokeChannel } from '../../src/shared/ipc-contract';
import { createAppPageHandler } from '../../src/main/web/app-pages';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isAppUrl,
  isPermissionAllowed,
  privilegesOf,
  type PageSource,
} from '../../src/main/web/policy';
import { STREAM_SCHEME } from '../../src/shared/streams';
import {
  NORMAL_LIVE_MODE,
  type LiveWindowMode,
  type ReadyHandOver,
} from '../../src/shared/windows';
import { LIVE_MINI_DEFAULT, READY_WINDOW_DELAY_MS } from '../../src/main/window-sizes';
import { bundleScript } from '../helpers/bundle-script';
import { PAGE_HOST_SUFFIX, serveOverHttp } from '../helpers/hls-http';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER = join(ROOT, 'out/renderer');
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
/** Main's log lines kept (a soak runs for half an hour). */
const MAIN_LOG_LINES = 2_000;

/** True when the browser e2e suite can run here (Chromium present, renderer built). */
export function e2eAvailable(): { ok: true } | { ok: false; why: string } {
  if (!existsSync(CHROMIUM))
    return {
      ok: false,
      why: `no Chromium at ${CHROMIUM} (apt-get install chromium, or set VIGIL_CHROMIUM)`,
    };
  if (!existsSync(join(RENDERER, 'index.html')))
    return { ok: false, why: 'the renderer is not built (npm run build)' };
  return { ok: true };
}

let preloadBundle: Promise<string> | null = null;

/** Bundles tests/e2e/page-preload.ts (and the app's createVigilApi) into one script. */
function pagePreload(): Promise<string> {
  preloadBundle ??= bundleScript(join(ROOT, 'tests/e2e/page-preload.ts'), 'VigilTestPreload');
  return preloadBundle;
}

/**
 * The CSP main sends, with the stream scheme mapped to the harness's stream source (the test
 * transport, `http://*.localhost:PORT`: one host per session, as `vigil-stream://<session>` is):
 * read from the app's own contentSecurityPolicy, never copied. CSP host-sources take a `*.`
 * wildcard and a port (CSP3 "host-source"); Chromium enforces it (measured: a fetch to the same
 * server by 127.0.0.1 is blocked by it).
 */
function harnessCsp(source: PageSource, streamSource: string): string {
  return contentSecurityPolicy(source).replaceAll(`${STREAM_SCHEME}:`, streamSource);
}

/**
 * Serves the built renderer through the app's own vigil-app:// handler (createAppPageHandler,
 * the same one Electron's main registers), over HTTP: `http://127.0.0.1:P/<path>` is
 * `vigil-app://renderer/<path>`. The CSP header is the handler's, as in the app.
 */
async function serveBuiltPages(
  csp: () => string,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    // Made per request, so a test that breaks the CSP declaration sees the effect at once.
    const handler = createAppPageHandler({ rootDir: RENDERER, csp: csp() });
    handler(new Request(`${APP_ORIGIN}${req.url ?? '/'}`, { method: req.method ?? 'GET' }))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `npm start`'s pages: Vite's dev server with the renderer config of electron.vite.config.ts
 * (React refresh and all), every response carrying the CSP main's onHeadersReceived sends
 * to dev pages. `cspFor` gets the dev server's URL.
 */
async function serveDevPages(
  cspFor: (devServerUrl: string) => string,
): Promise<{ origin: string; close: () => Promise<void> }> {
  let devServerUrl = '';
  const server: ViteDevServer = await createViteServer({
    ...electronViteConfig.renderer,
    configFile: false,
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: true },
    plugins: [
      ...(electronViteConfig.renderer?.plugins ?? []),
      {
        name: 'vigil-main-csp',
        configureServer(dev) {
          dev.middlewares.use((_req, res, next) => {
            res.setHeader('Content-Security-Policy', cspFor(devServerUrl));
            next();
          });
        },
      },
    ],
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo;
  const origin = `http://127.0.0.1:${String(address.port)}`;
  devServerUrl = `${origin}/`;
  return { origin, close: () => server.close() };
}

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

export interface AppHarness {
  registry: CameraRegistry;
  walls: WallStore;
  streams: StreamService;
  monitor: CameraStatusMonitor;
  context: BrowserContext;
  /** PIDs of every ffmpeg the stream service started. */
  spawned: number[];
  /** Every process the app spawned, with when (Date.now()) and its arguments. */
  spawnLog: Array<{ pid: number; at: number; args: readonly string[] }>;
  /** Main's log lines (the app's log file), the last MAIN_LOG_LINES of them. */
  logs: string[];
  tempRoot: string;
  savedDir: string;
  /** The clipboard main writes to (Electron's `clipboard` in the app): what was copied last. */
  clipboard: { readText(): string };
  /** The file manager main asks to show a file (Electron's `shell` in the app): every path. */
  shownInFolder: string[];
  /** Opens the dashboard page (the app's first window). */
  openDashboard(): Promise<Page>;
  /** The live page of a camera, once it has opened. */
  livePage(cameraId: string): Page | undefined;
  /** The page of a wall, once it has opened. */
  wallPage(wallId: string): Page | undefined;
  /** A camera's live window mode as the window port (main) has it, remembered per camera. */
  liveMode(cameraId: string): LiveWindowMode;
  /** Resolves with the next page the app opens. */
  nextPage(): Promise<Page>;
  /** Console errors and uncaught page errors of every page so far (CSP, CORS, preamble…). */
  pageErrors: string[];
  /** Stream requests refused as Electron refuses them (cross-origin without corsEnabled). */
  refusedStreamRequests(): number;
  /**
   * Closes the browser's idle keep-alive connections to the stream stand-in (Electron's custom
   * scheme has none): before counting this process's open files.
   */
  closeIdleStreamConnections(): void;
  /** The stream stand-in's port (for telling its connections from others). */
  streamPort: number;
  /** The ready live page (loaded in advance while a camera is kept ready), if there is one now. */
  readyPage(): Page | undefined;
  dispose(): Promise<void>;
}

export interface AppHarnessOptions {
  statusIntervalMs?: number;
  /** Serve the pages as `npm start` does (Vite dev server, dev CSP) instead of the build. */
  dev?: boolean;
  /** How long after it is wanted the ready live page is made (the app's READY_WINDOW_DELAY_MS). */
  readyDelayMs?: number;
}

/**
 * The app without Electron: the real services and IPC handlers in this process, the real
 * built renderer in Debian Chromium. A window is a page; IPC is a Playwright binding.
 */
export async function startApp(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-data-'));
  const tempRoot = join(dataDir, 'streams');
  const savedDir = join(dataDir, 'saved');
  await mkdir(savedDir);
  const spawned: number[] = [];
  const spawnLog: AppHarness['spawnLog'] = [];
  const logs: string[] = [];
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const pages = new Map<number, Page>();
  const pageIds = new Map<Page, number>();
  const livePages = new Map<string, Page>();
  const wallPages = new Map<string, Page>();
  /** The dashboard page (the app has one dashboard window); null until opened or once closed. */
  let dashboardPage: Page | null = null;
  let nextId = 1;

  const hls = { toHttp: (url: string) => url };
  /** The transport's one difference: stream URLs point at the HTTP adapter. */
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.startsWith(`${STREAM_SCHEME}://`) ? hls.toHttp(value) : value;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  const broadcast = <C extends EventChannel>(channel: C, payload: EventMap[C]): void => {
    for (const page of pages.values()) {
      page
        .evaluate(([c, p]) => window.__vigilEmit(c, p), [channel, rewrite(payload)] as const)
        .catch(() => undefined);
    }
  };

  // The same core as Electron's main; only the transport and the windows differ.
  const core = createVigilCore({
    dataDir,
    tempRoot,
    secrets: createMemorySecretStore(),
    ffmpeg: () => probeFfmpeg({ env: { FFMPEG_BIN: process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg' } }),
    broadcast,
    spawn: (command, args, opts) => {
      const at = Date.now();
      const child = spawn(command, args, opts);
      if (child.pid) {
        spawned.push(child.pid);
        spawnLog.push({ pid: child.pid, at, args: [...args] });
      }
      return child;
    },
    statusIntervalMs: options.statusIntervalMs ?? 3_000,
    log: (line) => {
      logs.push(line);
      if (logs.length > MAIN_LOG_LINES) logs.shift();
    },
  });
  const { registry, streams, monitor, walls } = core;
  await core.init();

  // Pages and streams are of different origins, as in the app (vigil-app://renderer or the
  // dev server, and vigil-stream://<session>): only our page origin may read streams.
  const pageOrigins: string[] = [];
  const hlsServer = await serveOverHttp(core.hlsHandler(pageOrigins));
  // Pages get each session as its own host, as in the app (see serveOverHttp): on one host,
  // Chromium's 6 sockets per host would starve a page holding more endless live.mp4 streams.
  hls.toHttp = hlsServer.toPageHttp;
  const renderer = options.dev
    ? await serveDevPages((devServerUrl) => harnessCsp({ devServerUrl }, hlsServer.cspSource))
    : await serveBuiltPages(() => harnessCsp({}, hlsServer.cspSource));
  pageOrigins.push(renderer.origin);
  // Which URLs are our pages: the app's own rule, with the harness origin standing in for ours.
  const source: PageSource = { devServerUrl: `${renderer.origin}/` };
  const pageErrors: string[] = [];

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      // Live windows keep playing in the background, as they do in the app.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
  await context.addInitScript({ content: await pagePreload() });
  // Electron rejects fetch() to a custom scheme registered without `supportFetchAPI` (its
  // CustomScheme privilege, default false: Blink's "URL scheme … is not supported") before any
  // request is made; XHR (hls.js) is not affected. Read from the app's declaration. The
  // stand-in is every host of the stream server's port: `<session>.localhost` (what pages get)
  // or 127.0.0.1 (the path form).
  if (!privilegesOf(STREAM_SCHEME).supportFetchAPI) {
    await context.addInitScript(
      ([port, hostSuffix, scheme]) => {
        const fetch = window.fetch.bind(window);
        const isStream = (url: string): boolean => {
          try {
            const { protocol, hostname, port: p } = new URL(url, location.href);
            return (
              protocol === 'http:' &&
              p === port &&
              (hostname.endsWith(hostSuffix) || hostname === '127.0.0.1')
            );
          } catch {
            return false;
          }
        };
        window.fetch = (input, init) => {
          const url = input instanceof Request ? input.url : String(input);
          return isStream(url)
            ? Promise.reject(
                new TypeError(
                  `Fetch API cannot load ${url}. URL scheme "${scheme}" is not supported.`,
                ),
              )
            : fetch(input, init);
        };
      },
      [String(hlsServer.port), PAGE_HOST_SUFFIX, STREAM_SCHEME] as const,
    );
  }
  // As in Electron, main judges the calling frame (senderFrame), not the page's top URL.
  await context.exposeBinding(
    '__vigilInvoke',
    async ({ page, frame }, channel: InvokeChannel, args: unknown[]) => {
      const id = pageIds.get(page);
      const listener = handlers.get(channel);
      if (id === undefined || !listener)
        return { ok: false, error: { code: 'forbidden', message: 'unknown page or channel' } };
      return rewrite(
        await listener({ sender: { id }, senderFrame: { url: frame.url() } }, ...args),
      );
    },
  );
  // The Fullscreen API asks the app's permission rule, as Electron's session handler does.
  await context.exposeBinding('__vigilPermission', ({ frame }, permission: string) =>
    isPermissionAllowed(permission, frame.url(), source),
  );
  const pageWaiters: Array<(page: Page) => void> = [];
  context.on('page', (page) => {
    const id = nextId++;
    pages.set(id, page);
    pageIds.set(page, id);
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') pageErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('close', () => {
      pages.delete(id);
      for (const [camera, p] of livePages) if (p === page) livePages.delete(camera);
      void streams.releaseViewer(`window:${String(id)}`);
    });
    for (const waiter of pageWaiters.splice(0)) waiter(page);
  });

  const router = createIpcRouter({
    ipcMain,
    isTrustedSender: (event) =>
      pages.has(event.sender.id) && isAppUrl(event.senderFrame?.url ?? '', source),
  });
  const openDashboardPage = async (): Promise<Page> => {
    const page = await context.newPage();
    dashboardPage = page;
    page.on('close', () => {
      if (dashboardPage === page) dashboardPage = null;
    });
    // goto waits for the load event, as Electron's loadURL does (did-finish-load).
    await page.goto(`${renderer.origin}/index.html`);
    return page;
  };
  // The live windows' modes, per camera, kept after a page closes as main's store keeps them.
  // A page is the window's content, so a mini player is a page of the mini window's size.
  const liveModes = new Map<string, LiveWindowMode>();
  const normalViewports = new Map<string, { width: number; height: number }>();
  const liveCameraOf = (viewer: string): string | undefined => {
    const page = pages.get(Number(viewer.replace('window:', '')));
    for (const [cameraId, p] of livePages) if (p === page && !p.isClosed()) return cameraId;
    return undefined;
  };
  // The ready window, as WindowManager keeps it: a live page loaded in advance while a camera is
  // kept ready, waiting (windows:awaitCamera) for the camera the next openLive hands it.
  let ready: { page: Page; handTo: ((handOver: ReadyHandOver) => void) | null } | null = null;
  let readyWanted = false;
  let readyTimer: ReturnType<typeof setTimeout> | null = null;
  const scheduleReady = (): void => {
    if (!readyWanted || ready || readyTimer) return;
    readyTimer = setTimeout(() => {
      readyTimer = null;
      if (!readyWanted || ready || disposed) return;
      void (async () => {
        const page = await context.newPage();
        const entry = { page, handTo: null };
        ready = entry;
        page.on('close', () => {
          if (ready === entry) ready = null;
        });
        await page.goto(`${renderer.origin}/live.html?ready=1`).catch(() => undefined);
      })();
    }, options.readyDelayMs ?? READY_WINDOW_DELAY_MS);
  };
  let disposed = false;
  const port: Required<WindowPort> = {
    async openDashboard() {
      if (dashboardPage && !dashboardPage.isClosed()) await dashboardPage.bringToFront();
      else await openDashboardPage();
    },
    async openLive(cameraId) {
      const existing = livePages.get(cameraId);
      if (existing && !existing.isClosed()) {
        await existing.bringToFront();
        return;
      }
      const handed = ready?.handTo && !ready.page.isClosed() ? ready : null;
      if (handed) ready = null;
      const page = handed?.page ?? (await context.newPage());
      livePages.set(cameraId, page);
      if (liveModes.get(cameraId)?.mini) await page.setViewportSize(LIVE_MINI_DEFAULT);
      // As in the app: the stream starts while the page loads (or as the ready page is handed it).
      const stream = core.startForWindow(cameraId, `window:${String(pageIds.get(page))}`);
      if (handed?.handTo) {
        handed.handTo({ cameraId, stream });
        await page.bringToFront();
        scheduleReady();
        return;
      }
      await page.goto(`${renderer.origin}/live.html?camera=${encodeURIComponent(cameraId)}`);
    },
    setReadyWindow(on) {
      readyWanted = on;
      if (on) {
        scheduleReady();
        return;
      }
      if (readyTimer) clearTimeout(readyTimer);
      readyTimer = null;
      const page = ready?.page;
      ready = null;
      void page?.close();
    },
    awaitCamera(viewer) {
      const entry = ready;
      if (!entry || entry.page.isClosed() || `window:${String(pageIds.get(entry.page))}` !== viewer)
        return undefined;
      return new Promise<ReadyHandOver>((resolve) => (entry.handTo = resolve));
    },
    async openWall(wallId) {
      const existing = wallPages.get(wallId);
      if (existing && !existing.isClosed()) {
        await existing.bringToFront();
        return;
      }
      const page = await context.newPage();
      wallPages.set(wallId, page);
      page.on('close', () => {
        if (wallPages.get(wallId) === page) wallPages.delete(wallId);
      });
      await page.goto(`${renderer.origin}/wall.html?wall=${encodeURIComponent(wallId)}`);
    },
    close(viewer) {
      const id = Number(viewer.replace('window:', ''));
      // Not awaited: the page is waiting for this very answer.
      void pages.get(id)?.close();
    },
    async savePng(_viewer, suggestedName, png) {
      const path = join(savedDir, suggestedName);
      await writeFile(path, png);
      return { path };
    },
    liveMode(viewer) {
      const cameraId = liveCameraOf(viewer);
      return cameraId === undefined ? undefined : (liveModes.get(cameraId) ?? NORMAL_LIVE_MODE);
    },
    async setLiveMode(viewer, change) {
      const cameraId = liveCameraOf(viewer);
      const page = cameraId === undefined ? undefined : livePages.get(cameraId);
      if (cameraId === undefined || !page) return undefined;
      const before = liveModes.get(cameraId) ?? NORMAL_LIVE_MODE;
      const mode = { ...before, ...change };
      if (mode.mini && !before.mini) {
        normalViewports.set(cameraId, page.viewportSize() ?? { width: 1180, height: 760 });
        await page.setViewportSize(LIVE_MINI_DEFAULT);
      } else if (!mode.mini && before.mini) {
        await page.setViewportSize(normalViewports.get(cameraId) ?? { width: 1180, height: 760 });
      }
      liveModes.set(cameraId, mode);
      return mode;
    },
  };
  // Same shape as Electron's clipboard (writeText/readText), kept in this process.
  let copied = '';
  const clipboard = {
    writeText: (text: string) => void (copied = text),
    readText: () => copied,
  };
  // Same shape as Electron's shell.showItemInFolder (one path, returns nothing), recording.
  const shownInFolder: string[] = [];
  const folders = { showItemInFolder: (path: string) => void shownInFolder.push(path) };
  core.register(router, port, clipboard, folders);
  monitor.start();

  return {
    registry,
    walls,
    streams,
    monitor,
    context,
    spawned,
    spawnLog,
    logs,
    tempRoot,
    savedDir,
    clipboard,
    shownInFolder,
    openDashboard: openDashboardPage,
    livePage: (cameraId) => livePages.get(cameraId),
    wallPage: (wallId) => wallPages.get(wallId),
    liveMode: (cameraId) => liveModes.get(cameraId) ?? NORMAL_LIVE_MODE,
    nextPage: () => new Promise((resolve) => pageWaiters.push(resolve)),
    pageErrors,
    refusedStreamRequests: () => hlsServer.refusedCrossOrigin(),
    closeIdleStreamConnections: () => hlsServer.closeIdle(),
    streamPort: hlsServer.port,
    readyPage: () => ready?.page,
    async dispose() {
      disposed = true;
      if (readyTimer) clearTimeout(readyTimer);
      await browser.close();
      await core.shutdown();
      await hlsServer.close();
      await renderer.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
