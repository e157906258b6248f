import { UserFacingError } from '../../shared/errors';
import type { EditCameraRequest } from '../../shared/cameras';
import type { SavedFile } from '../../shared/ipc-contract';
import type { LiveWindowMode, ReadyHandOver } from '../../shared/windows';
import type { createIpcRouter } from './handle';

/** What the window channels need from the shell: Electron windows in the app, pages in e2e. */
export interface WindowPort {
  openLive(cameraId: string): Promise<void> | void;
  /** Opens a saved wall's window, or focuses it when it is open already. */
  openWall(wallId: string): Promise<void> | void;
  /** Shows the dashboard (opening it if needed); resolves once its page has loaded. */
  openDashboard(): Promise<void> | void;
  close(viewer: string): Promise<void> | void;
  /** Asks where to save and writes the PNG there. */
  savePng(viewer: string, suggestedName: string, png: Buffer): Promise<SavedFile>;
  /**
   * The mode of the viewer's own live window; undefined when the viewer is not a live window.
   * Optional so shells without live windows (stand-ins in tests) need not have it: the
   * channels then refuse every caller as not a live window. The app and the e2e harness
   * implement it (both are typed against Required<WindowPort>).
   */
  liveMode?(viewer: string): LiveWindowMode | undefined;
  /**
   * Keeps a ready window (a live window made in advance, hidden, its page loaded) while `on`:
   * opening a camera then hands it over instead of creating and loading one. Optional like
   * liveMode: shells without it open every live window fresh.
   */
  setReadyWindow?(on: boolean): void;
  /**
   * For the viewer's own ready window: the camera it is handed (and its live session, if any),
   * when one is opened. Undefined when the viewer is not the ready window.
   */
  awaitCamera?(viewer: string): Promise<ReadyHandOver> | undefined;
  /** Changes the viewer's own live window (mini player, kept on top); undefined as above. */
  setLiveMode?(
    viewer: string,
    change: Partial<LiveWindowMode>,
  ): Promise<LiveWindowMode | undefined> | LiveWindowMode | undefined;
}

/** The system's file manager (Electron's `shell` in the app, a recording stand-in in tests). */
export interface FolderPort {
  /** Opens the folder holding the file with the file selected. */
  showItemInFolder(path: string): void;
}

/** The mode of the caller's live window, or the refusal a dashboard or wall caller gets. */
function ownLiveWindow(mode: LiveWindowMode | undefined): LiveWindowMode {
  if (mode === undefined) {
    throw new UserFacingError(
      'not-a-live-window',
      'Only a camera’s live window can become a mini player or stay on top. Open the camera with Watch first.',
    );
  }
  return mode;
}

/** Wires the window channels of the contract to the shell. */
export function registerWindowHandlers(
  router: ReturnType<typeof createIpcRouter>,
  port: WindowPort,
  /** The camera's name, or undefined for an id that is not in the list. */
  cameraName: (cameraId: string) => string | undefined,
  /** Tells the dashboard page to open Edit (main's broadcast of 'dashboard:editCamera'). */
  requestEdit: (request: EditCameraRequest) => void,
  /** Without it (a shell with no file manager) "Show in folder" is not offered. */
  folders?: FolderPort,
): void {
  // Snapshots this run saved: the only paths "Show in folder" reveals. A page asks for a path,
  // and a compromised page must not make main open any folder it names.
  const savedPaths = new Set<string>();
  router.handle('windows:openLive', (_c, cameraId) => {
    // Checked here, before the shell creates anything: a window for no camera is a dead end.
    if (cameraName(cameraId) === undefined) {
      throw new UserFacingError(
        'camera-not-found',
        'This camera is no longer in your list, so there is nothing to watch. Pick one from the dashboard.',
      );
    }
    return port.openLive(cameraId);
  });
  router.handle('windows:awaitCamera', ({ viewer }) => {
    const handed = port.awaitCamera?.(viewer);
    if (handed === undefined) {
      throw new UserFacingError(
        'not-a-ready-window',
        'Only Vigil’s ready window waits for a camera. Open a camera from the dashboard instead.',
      );
    }
    return handed;
  });
  router.handle('windows:close', ({ viewer }) => port.close(viewer));
  // The caller's own window only: main finds it by the caller's viewer id, so no page can
  // shrink or pin another window.
  router.handle('windows:liveMode', ({ viewer }) => ownLiveWindow(port.liveMode?.(viewer)));
  router.handle('windows:setMini', async ({ viewer }, mini) =>
    ownLiveWindow(await port.setLiveMode?.(viewer, { mini })),
  );
  router.handle('windows:setPinned', async ({ viewer }, pinned) =>
    ownLiveWindow(await port.setLiveMode?.(viewer, { pinned })),
  );
  router.handle('windows:editCamera', async (_c, cameraId, options) => {
    if (cameraName(cameraId) === undefined) {
      throw new UserFacingError(
        'camera-not-found',
        'This camera is no longer in your list. Add it again from the dashboard.',
      );
    }
    // Sent after the page has loaded: a dashboard opened just now subscribes before its load
    // event (dashboard/main.tsx), so the request is not lost on the way.
    await port.openDashboard();
    requestEdit({ cameraId, focus: options?.focus ?? null });
  });
  router.handle('snapshots:save', async ({ viewer }, cameraId, dataUrl) => {
    const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const safe = (cameraName(cameraId) ?? '').replace(/[^\w\- ]+/g, '').trim() || 'camera';
    const saved = await port.savePng(viewer, `${safe} ${stamp}.png`, png);
    if (saved.path !== null) savedPaths.add(saved.path);
    return saved;
  });
  if (folders) {
    router.handle('snapshots:showInFolder', (_c, path) => {
      if (!savedPaths.has(path)) {
        throw new UserFacingError(
          'not-saved-here',
          'Vigil shows only snapshots it saved since it started. Open the folder from your file manager.',
        );
      }
      folders.showItemInFolder(path);
    });
  }
}
