import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { RecordingFolder } from '../../../shared/recordings';
import { UserFacingError } from '../../../shared/errors';
import { SerialRunner } from '../async/serial-queue';

const fileSchema = z.object({ path: z.string().min(1) });

/**
 * Where recordings are written: the folder the user chose, saved in its own small file
 * (atomic writes, like the demo setting), or the system's Videos folder until then. Without
 * a path the choice lives in memory (tests).
 */
export class RecordingFolderSetting {
  private chosen: string | null = null;
  private readonly writes = new SerialRunner();

  constructor(
    private readonly defaultPath: string,
    private readonly file?: string,
  ) {}

  /** Reads the saved choice; an unreadable file means the default (and is replaced on the next choice). */
  async load(): Promise<void> {
    if (!this.file) return;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      if (parsed.success && isAbsolute(parsed.data.path)) this.chosen = parsed.data.path;
    } catch {
      // Missing or unreadable: the Videos folder, as on a first run.
    }
  }

  get(): RecordingFolder {
    return this.chosen
      ? { path: this.chosen, isDefault: false }
      : { path: this.defaultPath, isDefault: true };
  }

  /** The user's choice; saved before it counts. */
  set(path: string): Promise<RecordingFolder> {
    return this.writes.run(async () => {
      if (!isAbsolute(path)) {
        throw new UserFacingError('invalid-folder', 'Choose a folder by its full path.');
      }
      if (this.file) {
        try {
          await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, path }, null, 2)}\n`, {
            mode: 0o600,
          });
        } catch (error) {
          throw new UserFacingError(
            'save-failed',
            `Vigil could not save this choice (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check free disk space, then try again.`,
          );
        }
      }
      this.chosen = path;
      return this.get();
    });
  }
}
