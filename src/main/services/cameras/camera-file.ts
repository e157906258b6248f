import { copyFile, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { MAX_CAMERA_NAME } from '../../../shared/cameras';

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('onvif'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    profile: z.enum(['main', 'sub']),
    profileToken: z.string(),
    streamUrl: z.string(),
    snapshotUrl: z.string().nullable(),
    videoCodec: z.enum(['h264', 'h265', 'mjpeg', 'other']),
  }),
  z.object({ kind: z.literal('rtsp'), url: z.string().min(1) }),
  z.object({ kind: z.literal('demo') }),
]);

export const storedCameraSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(MAX_CAMERA_NAME),
  source: sourceSchema,
  options: z.object({
    transport: z.enum(['tcp', 'udp']),
    durationSec: z.number().int().min(0),
    battery: z.boolean(),
    audio: z.boolean(),
  }),
  username: z.string().nullable(),
  /** What the secret store returned for the password; never the password itself. */
  passwordCipher: z.string().nullable(),
});

export type StoredCamera = z.infer<typeof storedCameraSchema>;

const fileSchema = z.object({ version: z.literal(1), cameras: z.array(storedCameraSchema) });

export interface LoadResult {
  cameras: StoredCamera[];
  /** For the user: what went wrong and what Vigil did about it. */
  warnings: string[];
}

async function readValid(path: string): Promise<StoredCamera[] | 'missing' | Error> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return error as Error;
  }
  try {
    return fileSchema.parse(JSON.parse(text)).cameras;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The camera list on disk: JSON checked by a schema, written atomically (temp file,
 * fsync, rename) with a `.bak` of the last good version. A damaged file is kept aside
 * and the backup loaded; nothing is ever reset silently.
 */
export class CameraFile {
  readonly backupPath: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.backupPath = `${path}.bak`;
  }

  async load(): Promise<LoadResult> {
    await this.sweepTempFiles();
    const main = await readValid(this.path);
    if (Array.isArray(main)) return { cameras: main, warnings: [] };
    const backup = await readValid(this.backupPath);
    if (main === 'missing') {
      if (Array.isArray(backup)) {
        return {
          cameras: backup,
          warnings: ['Your camera list file was missing; Vigil restored it from its backup.'],
        };
      }
      return { cameras: [], warnings: [] };
    }
    const aside = `${this.path}.damaged-${String(this.now())}`;
    await rename(this.path, aside);
    if (Array.isArray(backup)) {
      // Put the good copy back in place so the next start is clean.
      await copyFile(this.backupPath, this.path);
      return {
        cameras: backup,
        warnings: [
          `Your camera list was damaged (${main.message.split('\n')[0] ?? 'unreadable'}). ` +
            `Vigil restored the last good copy; the damaged file is kept at ${aside}.`,
        ],
      };
    }
    return {
      cameras: [],
      warnings: [
        `Your camera list could not be read and there is no good backup. ` +
          `Vigil started with an empty list; the damaged file is kept at ${aside}. Add your cameras again.`,
      ],
    };
  }

  /** A writer killed mid-write leaves its temp file ("cameras.json.123456"): remove those. */
  private async sweepTempFiles(): Promise<void> {
    const dir = dirname(this.path);
    const name = basename(this.path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const temp = new RegExp(`^${name}(\\.bak)?\\.\\d+$`);
    const entries = await readdir(dir).catch(() => []);
    await Promise.all(
      entries.filter((e) => temp.test(e)).map((e) => rm(join(dir, e), { force: true })),
    );
  }

  /**
   * Writes the list, then the same bytes as the `.bak`: each write is atomic, so at any
   * instant at least one of the two holds a complete good list. Calls are serialized.
   */
  save(cameras: StoredCamera[]): Promise<void> {
    const run = async (): Promise<void> => {
      const body = `${JSON.stringify({ version: 1, cameras }, null, 2)}\n`;
      await writeFileAtomic(this.path, body, { mode: 0o600 });
      await writeFileAtomic(this.backupPath, body, { mode: 0o600 });
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
