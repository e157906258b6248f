import { UserFacingError } from '../../shared/errors';
import type { PtzService } from '../services/ptz/ptz-service';
import type { createIpcRouter } from './handle';

/**
 * Wires the ptz channels of the contract to the PTZ service. Only the camera's own live
 * window may move it or change its presets (`watches`): a page of another camera, or the
 * dashboard, cannot turn a camera nobody there is looking at.
 */
export function registerPtzHandlers(
  router: ReturnType<typeof createIpcRouter>,
  ptz: PtzService,
  /** True when `viewer` is the live window of `cameraId`. */
  watches: (viewer: string, cameraId: string) => boolean,
): void {
  const own = (viewer: string, cameraId: string): void => {
    if (!watches(viewer, cameraId)) {
      throw new UserFacingError(
        'ptz-forbidden',
        'Only the camera’s own live window can move it. Open its live view.',
      );
    }
  };
  router.handle('ptz:capabilities', (_c, cameraId) => ptz.capabilities(cameraId));
  router.handle('ptz:presets', (_c, cameraId) => ptz.presets(cameraId));
  router.handle('ptz:move', ({ viewer }, cameraId, velocity) => {
    own(viewer, cameraId);
    return ptz.move(cameraId, velocity);
  });
  router.handle('ptz:stop', ({ viewer }, cameraId) => {
    own(viewer, cameraId);
    return ptz.stop(cameraId);
  });
  router.handle('ptz:gotoPreset', ({ viewer }, cameraId, token) => {
    own(viewer, cameraId);
    return ptz.gotoPreset(cameraId, token);
  });
  router.handle('ptz:savePreset', ({ viewer }, cameraId, name) => {
    own(viewer, cameraId);
    return ptz.savePreset(cameraId, name);
  });
}
