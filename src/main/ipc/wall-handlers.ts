import { UserFacingError } from '../../shared/errors';
import type { WallStore } from '../services/walls/wall-store';
import type { createIpcRouter } from './handle';
import type { WindowPort } from './window-handlers';

/** Wires the walls channels, and opening a wall's window, to the store and the shell. */
export function registerWallHandlers(
  router: ReturnType<typeof createIpcRouter>,
  walls: WallStore,
  port: WindowPort,
): void {
  router.handle('walls:list', () => walls.list());
  router.handle('walls:add', (_c, input) => walls.add(input));
  router.handle('walls:update', (_c, wallId, input) => walls.update(wallId, input));
  router.handle('walls:remove', (_c, wallId) => walls.remove(wallId));
  router.handle('windows:openWall', (_c, wallId) => {
    // Checked before the shell creates anything: a window for no wall is a dead end.
    if (!walls.get(wallId)) {
      throw new UserFacingError(
        'wall-not-found',
        'This wall is no longer saved. Create it again from the dashboard.',
      );
    }
    return port.openWall(wallId);
  });
}
