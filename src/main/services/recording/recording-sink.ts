import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { UserFacingError } from '../../../shared/errors';

/** Where a recording's bytes go; the app writes a file, tests may inject a failing disk. */
export interface RecordingSink {
  write(data: Buffer): Promise<void>;
  /** Cuts the file back to `size` bytes (a fragment half written when the disk filled). */
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens a new file exclusively (never replacing one); rejects with the errno error. */
export type OpenSink = (path: string) => Promise<RecordingSink>;

export const openFileSink: OpenSink = async (path) => {
  const handle: FileHandle = await open(path, 'wx', 0o644);
  return {
    write: async (data) => {
      // One write may take only part of the buffer (a disk filling up): the rest is written
      // until done, so a short write is never mistaken for a whole fragment.
      for (let done = 0; done < data.length;) {
        const { bytesWritten } = await handle.write(data, done, data.length - done);
        done += bytesWritten;
      }
    },
    truncate: (size) => handle.truncate(size),
    close: async () => {
      // The data is complete on disk before the recording says it ended.
      await handle.datasync().catch(() => undefined);
      await handle.close();
    },
  };
};

const UNSAFE = /[/\\:*?"<>|\p{Cc}]+/gu;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `<camera> <YYYY-MM-DD HH-MM-SS>` in local time, safe on every file system. */
export function recordingBaseName(cameraName: string, at: Date): string {
  const safe = cameraName.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim() || 'Camera';
  const date = `${String(at.getFullYear())}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const time = `${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
  // A leading dot would hide the file; Windows refuses names ending in a dot or space.
  return `${safe.replace(/^\.+/, '')} ${date} ${time}`;
}

/** A sentence for the user about a file-system error in the recordings folder. */
export function folderError(folder: string, error: unknown): UserFacingError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new UserFacingError(
        'recording-disk-full',
        `The disk holding ${folder} is full, so the recording stopped (the stream goes on). Free some space or choose another folder, then record again.`,
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new UserFacingError(
        'recording-folder-unwritable',
        `Vigil may not write to ${folder} (${code}), so it cannot record there. Choose another folder for recordings.`,
      );
    case 'ENOENT':
    case 'ENOTDIR':
      return new UserFacingError(
        'recording-folder-missing',
        `The recordings folder ${folder} does not exist any more. Choose another folder for recordings.`,
      );
    default:
      return new UserFacingError(
        'recording-write-failed',
        `Vigil could not write the recording in ${folder} (${code}), so it stopped. Check the folder and the disk, then record again.`,
      );
  }
}

/**
 * Opens `<folder>/<base>.mp4`, or `<base> (2).mp4`… when that exists. The default Videos
 * folder is created when missing; a folder the user chose must exist.
 */
export async function openRecordingFile(
  folder: string,
  base: string,
  createFolder: boolean,
  openSink: OpenSink,
): Promise<{ path: string; sink: RecordingSink }> {
  try {
    if (createFolder) await mkdir(folder, { recursive: true });
    for (let n = 1; ; n++) {
      const path = join(folder, n === 1 ? `${base}.mp4` : `${base} (${String(n)}).mp4`);
      try {
        return { path, sink: await openSink(path) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 99) throw error;
      }
    }
  } catch (error) {
    throw folderError(folder, error);
  }
}
