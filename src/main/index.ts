import { app, BrowserWindow, clipboard, dialog, ipcMain, shell, webContents } from 'electron';
import ffmpegStatic from 'ffmpeg-static';
import { join } from 'node:path';
import { UserFacingError } from '../shared/errors';
import type { EventChannel, EventMap } from '../shared/ipc-contract';
import { createVigilCore } from './core';
import { createIpcRouter } from './ipc/handle';
import { registerSchemes, serveSchemes } from './protocol';
import { createSafeStorageSecretStore } from './safe-storage';
import type { SecretStore } from './services/cameras/secret-store';
import { probeFfmpeg } from './services/streaming/ffmpeg-binary';
import { AppTray, resourcesDir } from './tray';
import { WindowManager } from './window-manager';
import { WindowStateStore } from './window-state';
import { quitAfterShutdown } from './quit-guard';
import { createAppPageHandler } from './web/app-pages';
import { pageOrigin } from './web/policy';
import { APP_CSP, createSecureWindow, hardenSession, isAppUrl, PAGE_SOURCE } from './windows';

const log = (line: string): void => console.log(`[vigil] ${line}`);

/**
 * Sends an event of the contract to every window, as plain data. A window can be closing
 * while events arrive: `webContents.send` on destroyed contents throws, so those are skipped.
 */
function broadcast<C extends EventChannel>(channel: C, payload: EventMap[C]): void {
  for (const win of BrowserWindow.getAllWindows()) {
    if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
    win.webContents.send(channel, payload);
  }
}

// The Electron suite gives every launch its own profile (and so its own single-instance lock).
if (process.env.VIGIL_TEST_HOOKS === '1' && process.env.VIGIL_USER_DATA_DIR)
  app.setPath('userData', process.env.VIGIL_USER_DATA_DIR);

/**
 * ffmpeg-static's path, or on Windows on ARM (for which it lists no build, so it returns
 * null) the x64 ffmpeg.exe the installer ships there (scripts/ffmpeg-after-pack.mjs).
 */
function bundledFfmpeg(): string | null {
  if (ffmpegStatic) return ffmpegStatic;
  if (!app.isPackaged || process.platform !== 'win32') return null;
  return join(process.resourcesPath, 'app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg.exe');
}

/** The system's Videos folder; where a desktop names none, ~/Videos (created on first use). */
function videosFolder(): string {
  try {
    return app.getPath('videos');
  } catch {
    return join(app.getPath('home'), 'Videos');
  }
}

registerSchemes();

// One Vigil at a time: a second launch just brings the dashboard forward.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

// safeStorage is usable only once the app is ready; the registry asks lazily.
let secretStore: SecretStore | null = null;
const secrets = (): SecretStore => (secretStore ??= createSafeStorageSecretStore());
// Live video is written into this profile's own folder, never a shared temp dir that another
// user could create first; StreamService.init refuses a folder that is not ours alone (0700).
const tempRoot = join(app.getPath('userData'), 'streams');

let tray: AppTray | null = null;
const core = createVigilCore({
  dataDir: app.getPath('userData'),
  tempRoot,
  secrets: {
    get plainText() {
      return secrets().plainText;
    },
    encrypt: (plain) => secrets().encrypt(plain),
    decrypt: (cipher) => secrets().decrypt(cipher),
  },
  ffmpeg: () => probeFfmpeg({ staticPath: bundledFfmpeg() }),
  // ffmpeg-static on Windows/macOS has no default font for the demo's clock.
  demoFontFile: join(resourcesDir(), 'fonts', 'DejaVuSansMono.ttf'),
  videosDir: videosFolder(),
  chooseFolder: async (viewer, current) => {
    // The asking window (viewer `window:<webContents id>`) owns the dialog.
    const contents = webContents.fromId(Number(viewer.replace('window:', '')));
    const parent = contents ? BrowserWindow.fromWebContents(contents) : null;
    const options = {
      title: 'Folder for recordings',
      defaultPath: current,
      properties: ['openDirectory', 'createDirectory'] as Array<
        'openDirectory' | 'createDirectory'
      >,
    };
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  broadcast,
  onChange: () => {
    tray?.refresh();
    // A renamed camera's live window (and a renamed wall's window) takes the new name at once.
    windows.retitleLive();
  },
  log,
});
const { registry, streams, monitor, walls } = core;

const bounds = new WindowStateStore(join(app.getPath('userData'), 'window-state.json'));
const windows = new WindowManager({
  cameraName: core.cameraName,
  wallName: (wallId) => walls.get(wallId)?.name ?? 'Wall',
  onClosed: (viewer) => void streams.releaseViewer(viewer),
  bounds,
  onLiveWindow: (cameraId, viewer) => core.startForWindow(cameraId, viewer),
});

const trayActions = {
  watch: (cameraId: string) => void windows.openLive(cameraId),
  openWall: (wallId: string) => void windows.openWall(wallId),
  stop: (cameraId: string) => void streams.stop(cameraId),
  stopAll: () => void streams.stopAll('stopped'),
  openDashboard: () => void windows.openDashboard(),
  quit: () => app.quit(),
};

async function main(): Promise<void> {
  await app.whenReady();
  hardenSession();
  await bounds.load();
  await core.init();
  serveSchemes({
    pages: createAppPageHandler({ rootDir: join(__dirname, '../renderer'), csp: APP_CSP }),
    streams: core.hlsHandler([pageOrigin(PAGE_SOURCE)]),
  });
  const router = createIpcRouter({
    ipcMain,
    isTrustedSender: (event) =>
      BrowserWindow.getAllWindows().some((w) => w.webContents.id === event.sender.id) &&
      isAppUrl(event.senderFrame?.url ?? ''),
    log,
  });
  // Electron's shell.showItemInFolder opens the file manager with the file selected; main
  // calls it only for a snapshot it saved (window-handlers keeps the set).
  core.register(router, windows, clipboard, shell);
  monitor.start();
  tray = new AppTray(
    () => ({
      cameras: registry.list(),
      walls: walls.list(),
      statuses: (id) => monitor.get(id),
      streams: streams.list(),
      formatTime: (ms) =>
        new Date(ms).toLocaleTimeString([], {
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        }),
    }),
    trayActions,
  );
  if (process.env.VIGIL_TEST_HOOKS === '1') installTestHooks();
  app.on('second-instance', () => void windows.openDashboard());
  app.on('activate', () => void windows.openDashboard());
  await windows.openDashboard();
  // A kiosk screen: the walls the user chose open with Vigil.
  await Promise.all(walls.atStart().map((wall) => windows.openWall(wall.id)));
}

/** Only under VIGIL_TEST_HOOKS=1 (the Electron e2e suite): what a tray click would do, and facts to check. */
function installTestHooks(): void {
  Object.assign(globalThis, {
    __vigilTest: {
      trayWatch: (cameraId: string) => trayActions.watch(cameraId),
      trayStop: (cameraId: string) => trayActions.stop(cameraId),
      streams: () => streams.list(),
      pids: () => streams.pids(),
      tempRoot: () => tempRoot,
      trayQuit: () => trayActions.quit(),
      /** The ffmpeg streams would use (the packaged build's own, unpacked). */
      ffmpegPath: async () => (await probeFfmpeg({ staticPath: bundledFfmpeg() })).path,
      /** Keeps the ready live window (as a kept-ready camera does; the demo camera cannot be). */
      setReadyWindow: (on: boolean) => windows.setReadyWindow(on),
      windows: () =>
        BrowserWindow.getAllWindows().map((w) => ({
          url: w.webContents.getURL(),
          visible: w.isVisible(),
        })),
      /** A window from our factory showing a page that is not ours (IPC must refuse it). */
      openForeignPage: (url: string) =>
        createSecureWindow({ title: 'foreign', width: 400, height: 300 }).loadURL(url),
    },
  });
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !primary) return;
  // Stop every ffmpeg and delete every session directory before the process ends.
  event.preventDefault();
  quitting = true;
  // No ready window made (or left waiting) while Vigil shuts down.
  windows.setReadyWindow(false);
  tray?.destroy();
  tray = null;
  void quitAfterShutdown({
    shutdown: () => Promise.all([core.shutdown(), bounds.flush()]),
    quit: () => app.quit(),
    exit: (code) => app.exit(code),
    log,
  });
});

// Closing the dashboard leaves Vigil in the tray (and, on macOS, in the dock).
app.on('window-all-closed', () => undefined);

if (primary)
  main().catch((error: unknown) => {
    log(
      `start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    // Otherwise the user sees nothing at all. A UserFacingError (e.g. an unsafe stream folder)
    // already says what is wrong and what to do.
    dialog.showErrorBox(
      'Vigil cannot start',
      error instanceof UserFacingError
        ? error.message
        : `Vigil could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    app.exit(1);
  });
