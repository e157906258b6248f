import { dirname } from 'node:path';
import { UserFacingError } from '../../../shared/errors';
import type { CameraFile, LoadResult, StoredCamera } from './camera-file';
import type { SecretStore } from './secret-store';

/**
 * What the registry keeps its cameras in: the file (its schema, atomic writes, backups) and
 * the secret store that holds the passwords. Errors come out in words for the user.
 */
export class CameraStore {
  constructor(
    private readonly file: CameraFile,
    private readonly secrets: SecretStore,
  ) {}

  /** The list on disk, and warnings for the user (a restored backup, a damaged file). */
  load(): Promise<LoadResult> {
    return this.file.load();
  }

  /** Writes the whole list; a failure says what to check, and nothing is changed. */
  async save(list: StoredCamera[]): Promise<void> {
    try {
      await this.file.save(list);
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UserFacingError(
        'save-failed',
        `Vigil could not save your camera list (${code}). Check free disk space and the permissions of ${dirname(this.file.path)}, then try again.`,
      );
    }
  }

  /** The camera's password, if it has one; a clear error when the keyring cannot read it. */
  password(camera: StoredCamera): string | undefined {
    if (!camera.passwordCipher) return undefined;
    try {
      return this.secrets.decrypt(camera.passwordCipher);
    } catch {
      throw new UserFacingError(
        'password-unreadable',
        `Vigil cannot read the saved password of “${camera.name}” (the system keyring changed). Edit the camera and enter its password again.`,
      );
    }
  }

  /** What the file keeps for a password. */
  encrypt(password: string): string {
    return this.secrets.encrypt(password);
  }
}
