import { join } from 'node:path';
import type { Camera, CamerasNotice } from '../shared/cameras';
import { UserFacingError } from '../shared/errors';
import type { EventChannel, EventMap } from '../shared/ipc-contract';
import type { StreamInfo } from '../shared/streams';
import { registerCameraHandlers, type ClipboardPort } from './ipc/camera-handlers';
import type { createIpcRouter } from './ipc/handle';
import { registerStreamHandlers } from './ipc/stream-handlers';
import { registerPtzHandlers } from './ipc/ptz-handlers';
import { registerWindowHandlers, type FolderPort, type WindowPort } from './ipc/window-handlers';
import { CameraFile } from './services/cameras/camera-file';
import { CameraRegistry, type CameraChange } from './services/cameras/camera-registry';
import { DemoSetting } from './services/cameras/demo-setting';
import { inspectOnvif } from './services/cameras/onvif-client';
import type { SecretStore } from './services/cameras/secret-store';
import { SnapshotService } from './services/cameras/snapshot-service';
import { CameraStatusMonitor } from './services/cameras/status-monitor';
import { openOnvifPtz } from './services/ptz/onvif-ptz';
import { PtzService } from './services/ptz/ptz-service';
import type { FfmpegBinary } from './services/streaming/ffmpeg-binary';
import { createHlsHandler, type FetchHandler } from './services/streaming/hls-handler';
import { probeRtsp } from './services/streaming/rtsp-probe';
import type { SpawnFn } from './services/streaming/process-guard';
import { StreamService } from './services/streaming/stream-service';
import { registerRecordingHandlers, type ChooseFolder } from './ipc/recording-handlers';
import { RecordingFolderSetting } from './services/recording/recording-folder';
import { RecordingService } from './services/recording/recording-service';
import { LivePictures } from './services/recording/live-picture';
import { WallStore } from './services/walls/wall-store';
import { registerWallHandlers } from './ipc/wall-handlers';

export interface CoreOptions {
  /** Where cameras.json lives (the app's userData). */
  dataDir: string;
  /** Root of the stream session directories. */
  tempRoot: string;
  secrets: SecretStore;
  /** Finds and verifies ffmpeg; called once it is needed, again only after a failure. */
  ffmpeg: () => Promise<FfmpegBinary>;
  /** Delivers an event of the contract to every page. */
  broadcast: <C extends EventChannel>(channel: C, payload: EventMap[C]) => void;
  /** Something the tray shows changed (cameras, statuses, streams). */
  onChange?: () => void;
  spawn?: SpawnFn;
  /** The font file for the demo camera's clock (resources/fonts/DejaVuSansMono.ttf). */
  demoFontFile?: string;
  statusIntervalMs?: number;
  /** The default recordings folder (the app: the system's Videos); default `<dataDir>/Recordings`. */
  videosDir?: string;
  /** Asks the user for a recordings folder (Electron's dialog in the app). */
  chooseFolder?: ChooseFolder;
  log?: (line: string) => void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Camera-list changes within this window reach the pages as one event. */
export const LIST_COALESCE_MS = 200;

export const KEYRING_NOTICE =
  'This system has no keyring, so camera passwords are stored with weak protection. ' +
  'Install and unlock a keyring (GNOME Keyring or KWallet) to protect them.';

/**
 * Vigil's main process without its shell: the services, how they feed each other, and the
 * IPC handlers. Electron's main (index.ts) and the browser e2e harness both run this, so
 * only the transport and the windows differ between them. Imports no Electron.
 */
export function createVigilCore(opts: CoreOptions) {
  const changed = (): void => opts.onChange?.();
  const notices: CamerasNotice[] = [];
  let latestList: Camera[] | null = null;
  let listTimer: NodeJS.Timeout | null = null;

  const log = opts.log ?? (() => undefined);

  /**
   * The one camera-changed path: what an edit or removal means for the other services, in
   * one place. An edit of what is streamed (address, credentials, profile, stream options)
   * restarts a running stream from the new source and forgets the remembered codec, replaces
   * the cached picture, and checks the status at the new address; a rename touches nothing.
   * A removed camera stops streaming at once. The demo camera is never "removed": hiding it
   * leaves a running demo stream playing. "Keep ready" follows every add, edit and removal.
   */
  const cameraChanged = (change: CameraChange): void => {
    switch (change.kind) {
      case 'updated':
        // Before the edit's stream restart is queued: a camera that stops being kept ready
        // loses its warm session rather than restarting it.
        keepReady(change.id);
        if (!change.sourceChanged) return;
        {
          // A picture of the camera as it is now replaces one the dashboard shows (none is
          // taken of a camera nobody has a picture of: a battery camera would wake for it).
          const shown = snapshots.cached(change.id) !== undefined;
          snapshots.forget(change.id);
          if (shown) {
            snapshots.take(change.id).catch((error: unknown) => {
              log(`snapshot ${change.id} after an edit: ${errorText(error)}`);
            });
          }
        }
        // New credentials or address: a refusal of the old ones no longer holds.
        monitor.credentialsChanged(change.id);
        // A live window that the old login was refused in tries again (only its own camera's
        // change counts: a rename or another camera's edit would only repeat the refusal).
        opts.broadcast('camera:sourceChanged', { cameraId: change.id });
        void monitor.checkNow(change.id);
        streams.cameraChanged(change.id).catch((error: unknown) => {
          log(`stream ${change.id} after an edit: ${errorText(error)}`);
        });
        // Whether it can move is asked again, at the new address, with the new login.
        void ptz.forget(change.id);
        return;
      case 'removed':
        // First, so the stop below does not launch a warm session again.
        keepReady(change.id);
        void ptz.forget(change.id);
        streams.forgetHealth(change.id);
        snapshots.forget(change.id);
        monitor.forget(change.id);
        void streams.stop(change.id);
        return;
      case 'added':
        keepReady(change.id);
        if (change.first) opts.broadcast('cameras:demoChanged', registry.demoState());
        return;
      case 'demo':
        opts.broadcast('cameras:demoChanged', registry.demoState());
        return;
      case 'certificate-pinned':
        return;
    }
  };

  /**
   * Applies a camera's stored "Keep ready" to the stream service (off for a removed camera).
   * Camera edits refuse the cases the service refuses, so a refusal here is only logged.
   */
  const keepReady = (id: string): void => {
    const camera = registry.get(id);
    const on = camera !== undefined && !camera.builtIn && camera.options.keepReady;
    streams.setKeepReady(id, on).catch((error: unknown) => {
      log(`keep ready ${id}: ${errorText(error)}`);
    });
    wantReadyWindow();
  };
  /** The shell's windows, once registered: they keep a ready window while a camera is kept ready. */
  let windowPort: WindowPort | null = null;
  const wantReadyWindow = (): void =>
    windowPort?.setReadyWindow?.(
      registry.list().some((camera) => !camera.builtIn && camera.options.keepReady),
    );

  const registry: CameraRegistry = new CameraRegistry({
    file: new CameraFile(join(opts.dataDir, 'cameras.json')),
    secrets: opts.secrets,
    demo: new DemoSetting(join(opts.dataDir, 'demo-camera.json')),
    emit: (cameras, change) => {
      cameraChanged(change);
      // Nothing a page shows changes with a pinned certificate.
      if (change.kind === 'certificate-pinned') return;
      // A burst of changes (an import, a script adding 500 cameras) is one list for the
      // pages and one status check of just the new or changed cameras, not 500 full ones.
      latestList = cameras;
      listTimer ??= setTimeout(() => {
        listTimer = null;
        if (latestList) opts.broadcast('cameras:changed', latestList);
        // Walls show only cameras in the list (a removed one leaves them, an undone removal
        // comes back).
        walls.camerasChanged();
        changed();
        void monitor.checkChanged();
      }, LIST_COALESCE_MS);
    },
  });
  const streams: StreamService = new StreamService({
    tempRoot: opts.tempRoot,
    sources: registry,
    ffmpeg: opts.ffmpeg,
    ...(opts.spawn ? { spawn: opts.spawn } : {}),
    ...(opts.demoFontFile ? { demoFontFile: opts.demoFontFile } : {}),
    emit: (info) => {
      opts.broadcast('stream:state', info);
      // The card's picture comes from the main stream (the sub stream is a wall's smaller one).
      if (info.variant === 'main') livePictures.onStreamState(info);
      // What a stream learns about the saved credentials is the camera's status too: the
      // status check asks without them (see CameraStatusMonitor).
      if (info.state === 'failed' && info.failure?.reason === 'unauthorized')
        monitor.noteRefused(info.cameraId, info.failure.message);
      if (info.state === 'failed' && info.variant === 'main') {
        for (const started of opening.values())
          if (started.cameraId === info.cameraId) started.failed = info;
      } else if (info.state === 'live') monitor.noteAccepted(info.cameraId);
      changed();
    },
    ...(opts.log ? { log: opts.log } : {}),
  });
  const monitor: CameraStatusMonitor = new CameraStatusMonitor({
    targets: () => registry.statusTargets(),
    target: (id) => registry.statusTarget(id),
    probe: (url) => probeRtsp(url),
    emit: (status) => {
      opts.broadcast('camera:status', status);
      changed();
    },
    ...(opts.statusIntervalMs ? { intervalMs: opts.statusIntervalMs } : {}),
  });
  const snapshots = new SnapshotService({
    plan: (id) => Promise.resolve(registry.snapshotPlan(id)),
    grab: (source) => streams.grabFrame(source),
    pinCertificate: (id, endpoint, sha256) => registry.pinCertificate(id, endpoint, sha256),
    emit: (snapshot) => {
      monitor.noteAccepted(snapshot.cameraId);
      opts.broadcast('camera:snapshot', snapshot);
    },
    onFailure: (cameraId, error) => {
      if (error instanceof UserFacingError && error.code === 'unauthorized')
        monitor.noteRefused(cameraId, error.message);
    },
    ...(opts.log ? { log: opts.log } : {}),
  });
  // While a camera streams, its card's picture comes from the session's own output: no
  // second connection to a camera that may allow only one.
  const livePictures: LivePictures = new LivePictures({
    streams,
    grab: (clip) => streams.grabClipFrame(clip),
    publish: (cameraId, jpeg) => void snapshots.publish(cameraId, jpeg),
    log,
  });
  const cameraName = (id: string): string => registry.get(id)?.name ?? 'Camera';
  const recordingFolder = new RecordingFolderSetting(
    opts.videosDir ?? join(opts.dataDir, 'Recordings'),
    join(opts.dataDir, 'recording-folder.json'),
  );
  const recordings = new RecordingService({
    streams,
    folder: () => recordingFolder.get(),
    cameraName,
    emit: (info) => {
      opts.broadcast('recording:state', info);
      changed();
    },
    log,
  });
  const ptz: PtzService = new PtzService({
    // Only ONVIF cameras can say whether they move; asked with the saved login, at the host
    // the user gave.
    connect: async (id) => {
      const source = registry.get(id)?.source;
      if (source?.kind !== 'onvif') return null;
      const access = registry.resolve(id);
      return openOnvifPtz({
        host: source.host,
        port: source.port,
        profileToken: source.profileToken,
        ...(access.kind === 'rtsp' && access.username ? { username: access.username } : {}),
        ...(access.kind === 'rtsp' && access.password ? { password: access.password } : {}),
      });
    },
    log,
  });
  const walls: WallStore = new WallStore({
    file: join(opts.dataDir, 'walls.json'),
    knownCamera: (id) => registry.get(id) !== undefined,
    onChange: (list) => {
      opts.broadcast('walls:changed', list);
      changed();
    },
  });
  /** Live windows by viewer id → the camera each shows (ids are never reused in a run). */
  const liveWindows = new Map<string, string>();
  /**
   * The stream a live window's opening started, until its page's own first start joins it: a
   * camera that refused the password meanwhile is not asked again by that start (cameras
   * lock an account after a few refusals); the page gets the refusal.
   */
  const opening = new Map<string, { cameraId: string; failed: StreamInfo | null }>();

  return {
    registry,
    streams,
    walls,
    recordings,
    monitor,
    snapshots,
    livePictures,
    ptz,
    cameraName,
    notices: (): CamerasNotice[] => notices,
    /** The handler behind the vigil-stream:// scheme; only pages of these origins may read. */
    hlsHandler: (allowedOrigins: readonly string[]): FetchHandler =>
      createHlsHandler({
        liveDirectory: (id) => streams.liveDirectory(id),
        liveStream: (id) => streams.liveStream(id),
        allowedOrigins,
      }),

    /** Loads the cameras (collecting notices for the user) and cleans up after a crashed run. */
    async init(): Promise<void> {
      for (const message of await registry.load()) notices.push({ level: 'warning', message });
      if (opts.secrets.plainText) notices.push({ level: 'warning', message: KEYRING_NOTICE });
      for (const message of await walls.load()) notices.push({ level: 'warning', message });
      await recordingFolder.load();
      await streams.init();
      // After the sweep: kept-ready cameras get their warm sessions.
      for (const camera of registry.list()) keepReady(camera.id);
    },

    /**
     * Registers every channel of the contract; the shell supplies its windows, clipboard and
     * file manager.
     */
    register(
      router: ReturnType<typeof createIpcRouter>,
      windows: WindowPort,
      clipboard: ClipboardPort,
      folders: FolderPort,
    ): void {
      registerStreamHandlers(
        router,
        streams,
        (id) => registry.durationSec(id),
        (viewer, id) => {
          const started = opening.get(viewer);
          opening.delete(viewer);
          return started?.cameraId === id ? started.failed : null;
        },
      );
      registerRecordingHandlers(router, recordings, recordingFolder, opts.chooseFolder);
      registerCameraHandlers(router, {
        registry,
        monitor,
        snapshots,
        notices: () => notices,
        clipboard,
        tester: {
          inspect: inspectOnvif,
          grab: (source) => streams.grabFrame(source),
        },
      });
      registerWindowHandlers(
        router,
        windows,
        (id) => registry.get(id)?.name,
        (request) => opts.broadcast('dashboard:editCamera', request),
        folders,
      );
      registerPtzHandlers(router, ptz, (viewer, id) => liveWindows.get(viewer) === id);
      registerWallHandlers(router, walls, windows);
      windowPort = windows;
      wantReadyWindow();
    },

    /**
     * A live window was just created: start its stream now, while its page loads (the
     * page's own start joins it). Errors reach the page when it asks; nothing to report twice.
     */
    startForWindow(cameraId: string, viewer: string): StreamInfo | null {
      // Before the join: the camera's main session if it is live (kept ready, or watched
      // elsewhere), for a ready window to start playing at once.
      const live =
        streams
          .list()
          .find((s) => s.cameraId === cameraId && s.variant === 'main' && s.state === 'live') ??
        null;
      liveWindows.set(viewer, cameraId);
      opening.set(viewer, { cameraId, failed: null });
      streams
        .start(cameraId, { viewer, durationSec: registry.durationSec(cameraId) })
        .catch(() => undefined);
      return live;
    },

    /** Stops every stream (quit). */
    async shutdown(): Promise<void> {
      monitor.stop();
      livePictures.stopAll();
      if (listTimer) clearTimeout(listTimer);
      // Recordings first: each takes what ffmpeg finished and closes its file before the streams go.
      await recordings.stopAll();
      // A camera moving at quit is told to stop (its own Timeout would stop it soon anyway).
      await Promise.all([streams.shutdown(), ptz.shutdown()]);
    },
  };
}

export type VigilCore = ReturnType<typeof createVigilCore>;
