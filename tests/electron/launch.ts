// Launching Vigil in real Electron for the Electron suite: the built app (`electron .`), the
// dev pages (what `npm start` runs: main with ELECTRON_RENDERER_URL and Vite's dev server),
// and the packaged `electron-builder --dir` output. Each launch gets its own profile.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import electronViteConfig from '../../electron.vite.config';
import type { StreamInfo } from '../../src/shared/streams';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

/** The Electron binary, when this machine has one (npm downloads it lazily on first use). */
export function electronBinary(): string | null {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** The packaged app's executable in dist/ (electron-builder --dir), if one was built. */
export function packagedExecutable(): string | null {
  const dist = join(ROOT, 'dist');
  if (!existsSync(dist)) return null;
  const candidates: string[] = [];
  for (const dir of readdirSync(dist)) {
    if (process.platform === 'darwin' && dir.startsWith('mac'))
      candidates.push(join(dist, dir, 'Vigil.app/Contents/MacOS/Vigil'));
    if (process.platform === 'win32' && dir.endsWith('-unpacked'))
      candidates.push(join(dist, dir, 'Vigil.exe'));
    if (process.platform === 'linux' && dir.endsWith('-unpacked'))
      candidates.push(join(dist, dir, 'vigil'));
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

export interface TestHooks {
  trayWatch: (cameraId: string) => void;
  trayQuit: () => void;
  streams: () => StreamInfo[];
  pids: () => number[];
  tempRoot: () => string;
  ffmpegPath: () => Promise<string>;
  openForeignPage: (url: string) => Promise<void>;
  setReadyWindow: (on: boolean) => void;
  /** Every window: its page's address and whether it is visible. */
  windows: () => Array<{ url: string; visible: boolean }>;
}

export type Target = 'built' | 'dev' | 'packaged';

export interface Launched {
  app: ElectronApplication;
  dashboard: Page;
  /** Console errors and page errors of every window, as "url: text". */
  consoleErrors: string[];
  userDataDir: string;
  /** Calls one of main's test hooks (VIGIL_TEST_HOOKS=1). */
  hook<K extends keyof TestHooks>(
    name: K,
    ...args: Parameters<TestHooks[K]>
  ): Promise<Awaited<ReturnType<TestHooks[K]>>>;
  close(): Promise<void>;
}

let devServer: ViteDevServer | null = null;

/** The renderer's Vite dev server, as electron-vite dev starts it (its renderer config). */
async function devServerUrl(): Promise<string> {
  if (!devServer) {
    devServer = await createViteServer({
      ...electronViteConfig.renderer,
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0 },
    });
    await devServer.listen();
  }
  const url = devServer.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite dev server did not report its URL');
  return url;
}

/** Stops the dev server (after the suite). */
export async function closeDevServer(): Promise<void> {
  await devServer?.close();
  devServer = null;
}

/** Launches Vigil with test hooks and a fresh profile (or the one given, for a relaunch). */
export async function launch(target: Target, userDataDir?: string): Promise<Launched> {
  const profile = userDataDir ?? mkdtempSync(join(tmpdir(), 'vigil-electron-profile-'));
  const sandboxOff = process.platform === 'linux' && process.getuid?.() === 0;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    VIGIL_TEST_HOOKS: '1',
    VIGIL_USER_DATA_DIR: profile,
  };
  delete env.ELECTRON_RENDERER_URL;
  if (target === 'dev') env.ELECTRON_RENDERER_URL = await devServerUrl();
  const executablePath = target === 'packaged' ? packagedExecutable() : electronBinary();
  if (!executablePath) throw new Error(`no executable for the ${target} target`);
  const app = await _electron.launch({
    executablePath,
    args: [...(target === 'packaged' ? [] : [ROOT]), ...(sandboxOff ? ['--no-sandbox'] : [])],
    env,
  });
  const consoleErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy|CORS/i.test(m.text()))
        consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  };
  app.on('window', watch);
  const dashboard = await app.firstWindow();
  watch(dashboard);
  await dashboard.waitForLoadState('domcontentloaded');
  return {
    app,
    dashboard,
    consoleErrors,
    userDataDir: profile,
    hook: (name, ...args) =>
      app.evaluate(
        (_electron, [hookName, hookArgs]) => {
          const hooks = (globalThis as unknown as { __vigilTest: Record<string, unknown> })
            .__vigilTest;
          return (hooks[hookName] as (...a: unknown[]) => unknown)(...hookArgs);
        },
        [name, args] as [string, unknown[]],
      ) as never,
    close: async () => {
      await app.close().catch(() => undefined);
    },
  };
}

/** True when a process with this PID is running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
