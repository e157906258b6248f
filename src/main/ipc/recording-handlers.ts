import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { UserFacingError } from '../../shared/errors';
import type { RecordingFolderSetting } from '../services/recording/recording-folder';
import type { RecordingService } from '../services/recording/recording-service';
import type { createIpcRouter } from './handle';

/** Asks the user for a folder (Electron's dialog in the app); null when cancelled. */
export type ChooseFolder = (viewer: string, current: string) => Promise<string | null>;

/** Wires the recording channels of the contract to the recording service and its folder. */
export function registerRecordingHandlers(
  router: ReturnType<typeof createIpcRouter>,
  recordings: RecordingService,
  folder: RecordingFolderSetting,
  chooseFolder: ChooseFolder | undefined,
): void {
  router.handle('recording:start', (_c, cameraId, options) =>
    recordings.start(cameraId, options ?? {}),
  );
  router.handle('recording:stop', (_c, cameraId) => recordings.stop(cameraId));
  router.handle('recording:list', () => recordings.list());
  router.handle('recording:folder', () => folder.get());
  router.handle('recording:chooseFolder', async ({ viewer }) => {
    if (!chooseFolder) {
      throw new UserFacingError('unavailable', 'Choosing a folder is not available here.');
    }
    const chosen = await chooseFolder(viewer, folder.get().path);
    if (!chosen) return folder.get();
    // Refused now rather than at the next Record: the user is still choosing.
    try {
      await access(chosen, constants.W_OK);
    } catch {
      throw new UserFacingError(
        'recording-folder-unwritable',
        `Vigil may not write to ${chosen}. Choose another folder for recordings.`,
      );
    }
    return folder.set(chosen);
  });
}
