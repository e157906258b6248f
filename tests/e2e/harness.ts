import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { createIpcRouter, type IpcMainLike, type InvokeEventLike } from '../../src/main/ipc/handle';
import type { WindowPort } from '../../src/main/ipc/window-handlers';
import { createVigilCore } from '../../src/main/core';
import type { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import type { CameraStatusMonitor } from '../../src/main/services/cameras/status-monitor';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import type { StreamService } from '../../src/main/services/streaming/stream-service';
import type { EventChannel, EventMap, InvokeChannel } from '../../src/shared/ipc-contract';
import { STREAM_SCHEME } from '../../src/shared/streams';
import { serveOverHttp } from '../helpers/hls-http';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER = join(ROOT, 'out/renderer');
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

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
  preloadBundle ??= build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(ROOT, 'tests/e2e/page-preload.ts'),
        formats: ['iife'],
        name: 'VigilTestPreload',
      },
    },
  }).then((result) => {
    const outputs = Array.isArray(result) ? result : [result];
    for (const output of outputs) {
      if ('output' in output) {
        const chunk = output.output.find((o) => o.type === 'chunk');
        if (chunk && 'code' in chunk) return chunk.code;
      }
    }
    throw new Error('could not bundle the page preload');
  });
  return preloadBundle;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the built renderer; the pages' CSP gains the HLS server's origin (the test transport). */
async function serveRenderer(hlsOrigin: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(
      decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
    ).replace(/^(\.\.[/\\])+/, '');
    const file = join(RENDERER, path);
    if (!file.startsWith(RENDERER)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file)
      .then((body) => {
        const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
        const out =
          extname(file) === '.html'
            ? Buffer.from(
                body
                  .toString('utf8')
                  .replace("connect-src 'self'", `connect-src 'self' ${hlsOrigin}`)
                  .replace("media-src 'self'", `media-src 'self' ${hlsOrigin}`),
              )
            : body;
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(out);
      })
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, server };
}

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

export interface AppHarness {
  registry: CameraRegistry;
  streams: StreamService;
  monitor: CameraStatusMonitor;
  context: BrowserContext;
  /** PIDs of every ffmpeg the stream service started. */
  spawned: number[];
  tempRoot: string;
  savedDir: string;
  /** Opens the dashboard page (the app's first window). */
  openDashboard(): Promise<Page>;
  /** The live page of a camera, once it has opened. */
  livePage(cameraId: string): Page | undefined;
  /** Resolves with the next page the app opens. */
  nextPage(): Promise<Page>;
  dispose(): Promise<void>;
}

export interface AppHarnessOptions {
  statusIntervalMs?: number;
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
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const pages = new Map<number, Page>();
  const pageIds = new Map<Page, number>();
  const livePages = new Map<string, Page>();
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
      const child = spawn(command, args, opts);
      if (child.pid) spawned.push(child.pid);
      return child;
    },
    statusIntervalMs: options.statusIntervalMs ?? 3_000,
  });
  const { registry, streams, monitor } = core;
  await core.init();

  const hlsServer = await serveOverHttp(core.hlsHandler());
  hls.toHttp = hlsServer.toHttp;
  const renderer = await serveRenderer(hlsServer.origin);

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
  await context.exposeBinding(
    '__vigilInvoke',
    async ({ page }, channel: InvokeChannel, args: unknown[]) => {
      const id = pageIds.get(page);
      const listener = handlers.get(channel);
      if (id === undefined || !listener)
        return { ok: false, error: { code: 'forbidden', message: 'unknown page or channel' } };
      return rewrite(await listener({ sender: { id }, senderFrame: { url: page.url() } }, ...args));
    },
  );
  const pageWaiters: Array<(page: Page) => void> = [];
  context.on('page', (page) => {
    const id = nextId++;
    pages.set(id, page);
    pageIds.set(page, id);
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
      pages.has(event.sender.id) && (event.senderFrame?.url ?? '').startsWith(renderer.origin),
  });
  const port: WindowPort = {
    async openLive(cameraId) {
      const existing = livePages.get(cameraId);
      if (existing && !existing.isClosed()) {
        await existing.bringToFront();
        return;
      }
      const page = await context.newPage();
      livePages.set(cameraId, page);
      // As in the app: the stream starts while the page loads.
      core.startForWindow(cameraId, `window:${String(pageIds.get(page))}`);
      await page.goto(`${renderer.origin}/live.html?camera=${encodeURIComponent(cameraId)}`);
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
  };
  core.register(router, port);
  monitor.start();

  return {
    registry,
    streams,
    monitor,
    context,
    spawned,
    tempRoot,
    savedDir,
    async openDashboard() {
      const page = await context.newPage();
      await page.goto(`${renderer.origin}/index.html`);
      return page;
    },
    livePage: (cameraId) => livePages.get(cameraId),
    nextPage: () => new Promise((resolve) => pageWaiters.push(resolve)),
    async dispose() {
      await browser.close();
      await core.shutdown();
      await hlsServer.close();
      await new Promise<void>((resolve) => {
        renderer.server.closeAllConnections();
        renderer.server.close(() => resolve());
      });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
