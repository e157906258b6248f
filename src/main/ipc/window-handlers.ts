import { UserFacingError } from '../../shared/errors';
import type { EditCameraRequest } from '../../shared/cameras';
import type { SavedFile } from '../../shared/ipc-contract';
import type { createIpcRouter } from './handle';

/** What the window channels need from the shell: Electron windows in the app, pages in e2e. */
export interface WindowPort {
  openLive(cameraId: string): Promise<void> | void;
  /** Shows the dashboard (opening it if needed); resolves once its page has loaded. */
  openDashboard(): Promise<void> | void;
  close(viewer: string): Promise<void> | void;
  /** Asks where to save and writes the PNG there. */
  savePng(viewer: string, suggestedName: string, png: Buffer): Promise<SavedFile>;
}

/** Wires the window channels of the contract to the shell. */
export function registerWindowHandlers(
  router: ReturnType<typeof createIpcRouter>,
  port: WindowPort,
  /** The camera's name, or undefined for an id that is not in the list. */
  cameraName: (cameraId: string) => string | undefined,
  /** Tells the dashboard page to open Edit (main's broadcast of 'dashboard:editCamera'). */
  requestEdit: (request: EditCameraRequest) => void,
): void {
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
  router.handle('windows:close', ({ viewer }) => port.close(viewer));
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
  router.handle('snapshots:save', ({ viewer }, cameraId, dataUrl) => {
    const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const safe = (cameraName(cameraId) ?? '').replace(/[^\w\- ]+/g, '').trim() || 'camera';
    return port.savePng(viewer, `${safe} ${stamp}.png`, png);
  });
}
