import { app, BrowserWindow, ipcMain } from 'electron';
import ffmpegStatic from 'ffmpeg-static';
import { join } from 'node:path';
import type { EventChannel, EventMap } from '../shared/ipc-contract';
import type { CamerasNotice } from '../shared/cameras';
import { registerCameraHandlers } from './ipc/camera-handlers';
import { createIpcRouter } from './ipc/handle';
import { registerStreamHandlers } from './ipc/stream-handlers';
import { registerStreamScheme, serveStreams } from './protocol';
import { createSafeStorageSecretStore } from './safe-storage';
import { CameraFile } from './services/cameras/camera-file';
import { CameraRegistry } from './services/cameras/camera-registry';
import { grabFrame } from './services/cameras/frame-grab';
import { inspectOnvif } from './services/cameras/onvif-client';
import { SnapshotService } from './services/cameras/snapshot-service';
import { CameraStatusMonitor } from './services/cameras/status-monitor';
import { probeFfmpeg, type FfmpegBinary } from './services/streaming/ffmpeg-binary';
import { createHlsHandler } from './services/streaming/hls-handler';
import { probeRtsp } from './services/streaming/rtsp-probe';
import { StreamService } from './services/streaming/stream-service';
import { registerWindowHandlers } from './ipc/window-handlers';
import { AppTray } from './tray';
import { WindowManager } from './window-manager';
import { WindowStateStore } from './window-state';
import { hardenSession, isAppUrl } from './windows';

const log = (line: string): void => console.log(`[vigil] ${line}`);

/** Sends an event of the contract to every window, as plain data. */
function broadcast<C extends EventChannel>(channel: C, payload: EventMap[C]): void {
  for (const win of BrowserWindow.getAllWindows()) win.webContents.send(channel, payload);
}

registerStreamScheme();

// One Vigil at a time: a second launch just brings the dashboard forward.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

let ffmpeg: Promise<FfmpegBinary> | null = null;
/** Finds ffmpeg once; a failure is not kept, so installing ffmpeg fixes it without a restart. */
const locateFfmpeg = (): Promise<FfmpegBinary> => {
  ffmpeg ??= probeFfmpeg({ staticPath: ffmpegStatic }).catch((error: unknown) => {
    ffmpeg = null;
    throw error;
  });
  return ffmpeg;
};

const notices: CamerasNotice[] = [];

const registry = new CameraRegistry({
  file: new CameraFile(join(app.getPath('userData'), 'cameras.json')),
  // safeStorage is usable only once the app is ready; the registry asks lazily.
  secrets: {
    get plainText() {
      return secrets().plainText;
    },
    encrypt: (plain) => secrets().encrypt(plain),
    decrypt: (cipher) => secrets().decrypt(cipher),
  },
  emit: (cameras) => {
    broadcast('cameras:changed', cameras);
    tray?.refresh();
    // A removed camera stops streaming; new ones get a status at once.
    for (const session of streams.list()) {
      if (!cameras.some((c) => c.id === session.cameraId))
        void streams.endSession(session.cameraId);
    }
    void monitor.checkAll();
  },
});
let secretStore: ReturnType<typeof createSafeStorageSecretStore> | null = null;
const secrets = () => (secretStore ??= createSafeStorageSecretStore());

const streams = new StreamService({
  tempRoot: join(app.getPath('temp'), 'vigil-streams'),
  sources: registry,
  ffmpeg: locateFfmpeg,
  emit: (info) => {
    broadcast('stream:state', info);
    tray?.refresh();
  },
  log,
});

const monitor = new CameraStatusMonitor({
  targets: () => registry.statusTargets(),
  probe: (url) => probeRtsp(url),
  emit: (status) => {
    broadcast('camera:status', status);
    tray?.refresh();
  },
});

const snapshots = new SnapshotService({
  plan: (id) => Promise.resolve(registry.snapshotPlan(id)),
  ffmpegPath: async () => (await locateFfmpeg()).path,
  emit: (snapshot) => broadcast('camera:snapshot', snapshot),
  log,
});

const cameraName = (id: string): string => registry.get(id)?.name ?? 'Camera';

const bounds = new WindowStateStore(join(app.getPath('userData'), 'window-state.json'));
const windows = new WindowManager({
  cameraName,
  onClosed: (viewer) => void streams.releaseViewer(viewer),
  bounds,
  // Errors reach the page when it asks for the same stream; nothing to report twice.
  onLiveWindow: (cameraId, viewer) =>
    void streams
      .start(cameraId, { viewer, durationSec: registry.durationSec(cameraId) })
      .catch(() => undefined),
});

let tray: AppTray | null = null;
const trayActions = {
  watch: (cameraId: string) => void windows.openLive(cameraId),
  stop: (cameraId: string) => void streams.endSession(cameraId),
  stopAll: () => void streams.stopAll('stopped'),
  openDashboard: () => void windows.openDashboard(),
  quit: () => app.quit(),
};

async function main(): Promise<void> {
  await app.whenReady();
  hardenSession();
  await bounds.load();
  for (const message of await registry.load()) notices.push({ level: 'warning', message });
  if (secrets().plainText) {
    notices.push({
      level: 'warning',
      message:
        'This system has no keyring, so camera passwords are stored with weak protection. ' +
        'Install and unlock a keyring (GNOME Keyring or KWallet) to protect them.',
    });
  }
  await streams.init();
  serveStreams(createHlsHandler({ liveDirectory: (id) => streams.liveDirectory(id) }));
  const router = createIpcRouter({
    ipcMain,
    isTrustedSender: (event) =>
      BrowserWindow.getAllWindows().some((w) => w.webContents.id === event.sender.id) &&
      isAppUrl(event.senderFrame?.url ?? ''),
    log,
  });
  registerStreamHandlers(router, streams, (id) => registry.durationSec(id));
  registerCameraHandlers(router, {
    registry,
    monitor,
    snapshots,
    notices: () => notices,
    tester: {
      inspect: inspectOnvif,
      grab: async (source) => grabFrame((await locateFfmpeg()).path, source),
    },
  });
  registerWindowHandlers(router, windows, cameraName);
  monitor.start();
  tray = new AppTray(
    () => ({
      cameras: registry.list(),
      statuses: (id) => monitor.get(id),
      streams: streams.list(),
      now: Date.now(),
    }),
    trayActions,
  );
  if (process.env.VIGIL_TEST_HOOKS === '1') installTestHooks();
  app.on('second-instance', () => void windows.openDashboard());
  app.on('activate', () => void windows.openDashboard());
  await windows.openDashboard();
}

/** Only under VIGIL_TEST_HOOKS=1 (the Electron e2e suite): what a tray click would do, and facts to check. */
function installTestHooks(): void {
  Object.assign(globalThis, {
    __vigilTest: {
      trayWatch: (cameraId: string) => trayActions.watch(cameraId),
      trayStop: (cameraId: string) => trayActions.stop(cameraId),
      streams: () => streams.list(),
      pids: () => streams.pids(),
      tempRoot: () => join(app.getPath('temp'), 'vigil-streams'),
    },
  });
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !primary) return;
  // Stop every ffmpeg and delete every session directory before the process ends.
  event.preventDefault();
  quitting = true;
  monitor.stop();
  tray?.destroy();
  tray = null;
  void Promise.all([streams.stopAll('shutdown'), bounds.flush()]).finally(() => app.quit());
});

// Closing the dashboard leaves Vigil in the tray (and, on macOS, in the dock).
app.on('window-all-closed', () => undefined);

if (primary)
  main().catch((error: unknown) => {
    log(
      `start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    app.exit(1);
  });
