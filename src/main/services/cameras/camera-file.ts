import { copyFile, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { MAX_CAMERA_NAME } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import { cleanLabel } from '../../../shared/text';
import { SHA256_FINGERPRINT } from './tls-pin';
import { SerialRunner } from '../async/serial-queue';

/** The file's layout this Vigil writes. A newer one is read, never overwritten. */
export const CAMERA_FILE_VERSION = 1;
/**
 * The entry format this Vigil writes (entries carry no `version` while it is 1). A newer
 * Vigil that changes an entry in a way older ones must not read marks it `"version": 2`.
 */
export const CAMERA_ENTRY_VERSION = 1;

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('onvif'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    profile: z.enum(['main', 'sub']),
    profileToken: z.string(),
    streamUrl: z.string().min(1),
    snapshotUrl: z.string().nullable(),
    videoCodec: z.enum(['h264', 'h265', 'mjpeg', 'other']),
    // Added later: files written before have none (no sub stream known).
    subStreamUrl: z.string().min(1).nullable().optional(),
  }),
  z.object({
    kind: z.literal('rtsp'),
    url: z.string().min(1),
    subUrl: z.string().min(1).optional(),
  }),
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
    // Added later: files written before have none, read as false (see camera-input's
    // storedOptions), so older Vigils and older files keep loading.
    keepReady: z.boolean().optional(),
  }),
  username: z.string().nullable(),
  /** What the secret store returned for the password; never the password itself. */
  passwordCipher: z.string().nullable(),
  /**
   * Certificates pinned on first use, one per HTTPS endpoint of the camera (`host:port`).
   * Optional: files written before it load unchanged.
   */
  tlsPins: z
    .array(z.object({ endpoint: z.string().min(1), sha256: z.string().regex(SHA256_FINGERPRINT) }))
    .max(8)
    .optional(),
});

export type StoredCamera = z.infer<typeof storedCameraSchema>;

/** The container only: entries are checked one by one, so one bad entry costs only itself. */
const containerSchema = z.object({
  version: z.number().int().min(1),
  cameras: z.array(z.unknown()),
  /** Entries a Vigil could not read, kept for recovery: `{ reason, at, entry }`. */
  setAside: z.array(z.unknown()).optional(),
});

export interface LoadResult {
  cameras: StoredCamera[];
  /** For the user: what went wrong and what Vigil did about it. */
  warnings: string[];
}

interface Rejected {
  entry: unknown;
  reason: string;
}

/** One readable file, entry by entry. */
interface Parsed {
  version: number;
  cameras: StoredCamera[];
  /** Entries of a newer format, kept verbatim and written back untouched. */
  future: unknown[];
  rejected: Rejected[];
  setAside: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFuture(entry: unknown): boolean {
  return (
    isRecord(entry) &&
    typeof entry.version === 'number' &&
    Number.isInteger(entry.version) &&
    entry.version > CAMERA_ENTRY_VERSION
  );
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unreadable';
  return `${issue.path.map(String).join('.') || 'entry'}: ${issue.message}`;
}

/** Reads a container's entries: good ones, newer ones and bad ones apart. */
function parseContainer(json: unknown): Parsed | Error {
  const container = containerSchema.safeParse(json);
  if (!container.success) return new Error(firstIssue(container.error));
  const { version, cameras: entries, setAside = [] } = container.data;
  const parsed: Parsed = { version, cameras: [], future: [], rejected: [], setAside };
  const ids = new Set<string>();
  for (const entry of entries) {
    if (isFuture(entry)) {
      parsed.future.push(entry);
      continue;
    }
    const camera = storedCameraSchema.safeParse(entry);
    if (!camera.success) {
      parsed.rejected.push({ entry, reason: firstIssue(camera.error) });
    } else if (ids.has(camera.data.id)) {
      parsed.rejected.push({ entry, reason: 'the same id as another camera' });
    } else {
      ids.add(camera.data.id);
      parsed.cameras.push(camera.data);
    }
  }
  return parsed;
}

function isParsed(value: Parsed | 'missing' | Error): value is Parsed {
  return typeof value === 'object' && !(value instanceof Error);
}

async function readParsed(path: string): Promise<Parsed | 'missing' | Error> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return error as Error;
  }
  try {
    return parseContainer(JSON.parse(text));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function count(n: number, one: string, many: string): string {
  return n === 1 ? `One ${one}` : `${String(n)} ${many}`;
}

function entryName(entry: unknown): string {
  const name = isRecord(entry) && typeof entry.name === 'string' ? entry.name : '';
  return cleanLabel(name, 40) || 'unnamed';
}

/**
 * The camera list on disk: JSON checked by a schema entry by entry, written atomically
 * (temp file, fsync, rename) with a `.bak` of the last good version. A damaged file is kept
 * aside and the backup loaded; a damaged entry is kept in the file under `setAside` and the
 * others load; entries and files of a newer Vigil are kept untouched. Never a silent reset.
 */
export class CameraFile {
  readonly backupPath: string;
  private readonly writes = new SerialRunner();
  /** What the last load found that is not ours to change: written back as it was. */
  private kept: { future: unknown[]; setAside: unknown[] } = { future: [], setAside: [] };
  /** Set when the file comes from a newer Vigil: it is read, never written. */
  private newerVersion: number | null = null;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.backupPath = `${path}.bak`;
  }

  async load(): Promise<LoadResult> {
    await this.sweepTempFiles();
    const main = await readParsed(this.path);
    if (isParsed(main)) return this.adopt(main, this.path);
    const backup = await readParsed(this.backupPath);
    if (main === 'missing') {
      if (isParsed(backup)) {
        const result = await this.adopt(backup, this.backupPath);
        return {
          cameras: result.cameras,
          warnings: [
            'Your camera list file was missing; Vigil restored it from its backup.',
            ...result.warnings,
          ],
        };
      }
      return { cameras: [], warnings: [] };
    }
    const aside = `${this.path}.damaged-${String(this.now())}`;
    await rename(this.path, aside);
    if (isParsed(backup)) {
      // Put the good copy back in place so the next start is clean.
      await copyFile(this.backupPath, this.path);
      const result = await this.adopt(backup, this.backupPath);
      return {
        cameras: result.cameras,
        warnings: [
          `Your camera list was damaged (${main.message.split('\n')[0] ?? 'unreadable'}). ` +
            `Vigil restored the last good copy; the damaged file is kept at ${aside}.`,
          ...result.warnings,
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

  /**
   * Takes a readable file: its good entries load; bad ones are set aside in the file (with
   * any camera the backup still has in good shape restored); newer ones are kept as they are.
   */
  private async adopt(file: Parsed, from: string): Promise<LoadResult> {
    const warnings: string[] = [];
    const cameras = [...file.cameras];
    this.kept = { future: file.future, setAside: file.setAside };
    this.newerVersion = file.version > CAMERA_FILE_VERSION ? file.version : null;
    if (this.newerVersion !== null) {
      // Its entries may mean things this Vigil does not know: show what reads, change nothing.
      const hidden = file.future.length + file.rejected.length;
      warnings.push(
        `Your camera list was saved by a newer version of Vigil. This version shows the cameras it can read` +
          `${hidden ? ` (${String(hidden)} of ${String(hidden + cameras.length)} cannot be shown)` : ''} and will not change the file, ` +
          `so nothing the newer version saved is lost. Update Vigil to add, edit or remove cameras.`,
      );
      return { cameras, warnings };
    }

    let restored = 0;
    if (file.rejected.length > 0 && from === this.path) {
      // An entry damaged after Vigil wrote it may still be whole in the backup.
      const backup = await readParsed(this.backupPath);
      if (isParsed(backup)) {
        const known = new Set([
          ...cameras.map((c) => c.id),
          ...file.future.map((e) => (isRecord(e) ? e.id : undefined)),
        ]);
        for (const camera of backup.cameras) {
          if (known.has(camera.id)) continue;
          known.add(camera.id);
          cameras.push(camera);
          restored++;
        }
      }
    }
    if (file.rejected.length > 0) {
      const at = new Date(this.now()).toISOString();
      this.kept.setAside = [
        ...file.setAside,
        ...file.rejected.map(({ entry, reason }) => ({ reason, at, entry })),
      ];
      const n = file.rejected.length;
      const names = file.rejected.map(({ entry, reason }) => `“${entryName(entry)}”: ${reason}`);
      warnings.push(
        `${count(n, 'camera', 'cameras')} in your list could not be read (${names.slice(0, 3).join('; ')}${n > 3 ? '; …' : ''}). ` +
          `Vigil loaded the others${restored ? ` and restored ${String(restored)} from its backup` : ''}; ` +
          `the unreadable ${n === 1 ? 'entry is' : 'entries are'} kept in ${this.path} under "setAside", so nothing is lost.`,
      );
    }
    if (file.future.length > 0) {
      const n = file.future.length;
      warnings.push(
        `${count(n, 'camera', 'cameras')} in your list ${n === 1 ? 'was' : 'were'} saved by a newer version of Vigil, which this one cannot show. ` +
          `Vigil keeps ${n === 1 ? 'it' : 'them'} unchanged in the file; update Vigil to see ${n === 1 ? 'it' : 'them'}.`,
      );
    }
    if (file.rejected.length > 0) {
      // Move the bad entries out of the list now (losslessly), so this is said once.
      try {
        await this.save(cameras);
      } catch {
        warnings.push(`Vigil could not update ${this.path}; it will try again on the next change.`);
      }
    }
    return { cameras, warnings };
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

  /** The exact bytes to write, or a user-facing error if the list would not load back whole. */
  private serialize(cameras: StoredCamera[]): string {
    if (this.newerVersion !== null) {
      throw new UserFacingError(
        'cameras-file-newer',
        'Your camera list was saved by a newer version of Vigil; this version will not change it. Update Vigil to add, edit or remove cameras.',
      );
    }
    const ids = new Set<string>();
    const checked = cameras.map((camera) => {
      const result = storedCameraSchema.safeParse(camera);
      if (!result.success || ids.has(result.data.id)) {
        throw new UserFacingError(
          'invalid-camera',
          `Vigil did not save your camera list: “${entryName(camera)}” is incomplete (${result.success ? 'its id is used twice' : firstIssue(result.error)}). Nothing was changed.`,
        );
      }
      ids.add(result.data.id);
      return result.data;
    });
    const body = `${JSON.stringify(
      {
        version: CAMERA_FILE_VERSION,
        cameras: [...checked, ...this.kept.future],
        ...(this.kept.setAside.length ? { setAside: this.kept.setAside } : {}),
      },
      null,
      2,
    )}\n`;
    // What is written must read back whole: never a file (or a .bak) the next start rejects.
    const back = parseContainer(JSON.parse(body));
    if (
      back instanceof Error ||
      back.rejected.length > 0 ||
      back.cameras.length !== checked.length
    ) {
      throw new UserFacingError(
        'invalid-camera',
        'Vigil did not save your camera list: it would not read back whole. Nothing was changed.',
      );
    }
    return body;
  }

  /**
   * Writes the list, then the same bytes as the `.bak`: each write is atomic, so at any
   * instant at least one of the two holds a complete good list. The list is checked first
   * (an invalid one is refused, disk untouched), and the `.bak` is replaced only once the
   * main file reads back as written. Calls are serialized.
   */
  save(cameras: StoredCamera[]): Promise<void> {
    const run = async (): Promise<void> => {
      const body = this.serialize(cameras);
      await writeFileAtomic(this.path, body, { mode: 0o600 });
      if ((await readFile(this.path, 'utf8')) !== body) {
        throw new Error(`${this.path} did not read back as written`);
      }
      await writeFileAtomic(this.backupPath, body, { mode: 0o600 });
    };
    return this.writes.run(run);
  }
}
