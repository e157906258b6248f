import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserFacingError } from '../../../shared/errors';

/** Where we run and as whom; the app uses the defaults, tests play other platforms and users. */
export interface PrivateDirOptions {
  platform?: NodeJS.Platform;
  /** The user that must own the folder; default: this process's uid. */
  uid?: number;
}

/** A folder Vigil will not write live video into; the message says which, what is wrong, what to do. */
export class UnsafeFolderError extends UserFacingError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('unsafe-stream-folder', message);
  }
}

const PRIVATE = 0o700;

/**
 * What Vigil names its folders in the stream root (sessions, frame grabs): a v4 UUID,
 * lowercase, safe as a URL host. The start-up sweep touches nothing else there.
 */
export const SESSION_ID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}

function cannotCreate(path: string, error: unknown): UnsafeFolderError {
  return new UnsafeFolderError(
    path,
    `Vigil could not create its folder for live video, ${path} (${errorCode(error)}). ` +
      'Check that the folder above it exists and belongs to you, then start Vigil again.',
  );
}

/** Refuses anything at `path` but a real directory (a link is never followed). */
function checkKind(path: string, stats: Stats): void {
  if (stats.isSymbolicLink()) {
    throw new UnsafeFolderError(
      path,
      `The folder for live video, ${path}, is a link to another place, so whoever made it could ` +
        'redirect what Vigil writes. Vigil will not use it. Delete the link and start Vigil ' +
        'again; Vigil then creates a private folder there itself.',
    );
  }
  if (!stats.isDirectory()) {
    throw new UnsafeFolderError(
      path,
      `The folder for live video, ${path}, is not a folder (something else has that name). ` +
        'Move it away and start Vigil again; Vigil then creates the folder itself.',
    );
  }
}

function checkOwner(path: string, stats: Stats, uid: number): void {
  if (stats.uid === uid) return;
  throw new UnsafeFolderError(
    path,
    `The folder for live video, ${path}, belongs to another user (uid ${String(stats.uid)}), ` +
      'who could read or replace your live video. Vigil will not use it. Delete it (an ' +
      'administrator may have to, as it is not yours) and start Vigil again; Vigil then ' +
      'creates a private folder of its own.',
  );
}

/**
 * Proves `path` is a real directory (not a link), ours, and open to nobody else (0700),
 * tightening a folder of ours that is more open. Root passes every permission check, so
 * this compares owner and mode bits instead of trying to read.
 */
async function verifyPrivate(path: string, options: PrivateDirOptions): Promise<void> {
  let stats = await lstat(path).catch((error: unknown) => {
    throw cannotCreate(path, error);
  });
  checkKind(path, stats);
  // Windows has no POSIX owner or mode bits (lstat reports uid 0 and a synthetic mode), and
  // the folders we use there (userData under %APPDATA%) are per-user already: only the
  // link / not-a-folder checks above apply.
  if ((options.platform ?? process.platform) === 'win32') return;
  const uid = options.uid ?? process.getuid?.();
  if (uid === undefined) return;
  checkOwner(path, stats, uid);
  if ((stats.mode & 0o777) === PRIVATE) return;
  // Ours but open to others (an old version, a umask, a manual chmod): make it private. Never
  // done to someone else's folder, which checkOwner refused above even when we run as root.
  try {
    await chmod(path, PRIVATE);
    stats = await lstat(path);
  } catch (error) {
    throw new UnsafeFolderError(
      path,
      `The folder for live video, ${path}, can be opened by other users (permissions ` +
        `${octal(stats.mode)}) and Vigil could not make it private (${errorCode(error)}). ` +
        `Run "chmod 700 ${path}" or delete the folder, then start Vigil again.`,
    );
  }
  // chmod follows links: if the folder was swapped for one meanwhile, this is where it shows.
  checkKind(path, stats);
  checkOwner(path, stats, uid);
  if ((stats.mode & 0o777) !== PRIVATE) {
    throw new UnsafeFolderError(
      path,
      `The folder for live video, ${path}, stays open to other users (permissions ` +
        `${octal(stats.mode)}) although Vigil set it to 700. Delete it and start Vigil again.`,
    );
  }
}

/**
 * Creates the stream root (or adopts one of ours) and proves it is private: a real directory,
 * owned by us, mode 0700. Throws an UnsafeFolderError for anything else.
 */
export async function ensurePrivateRoot(
  path: string,
  options: PrivateDirOptions = {},
): Promise<void> {
  // The parents are the user's own (userData); only the last component must be ours alone,
  // so it is created without `recursive`: an existing one is checked, never trusted.
  try {
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE });
  } catch (error) {
    throw cannotCreate(path, error);
  }
  try {
    await mkdir(path, { mode: PRIVATE });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw cannotCreate(path, error);
  }
  await verifyPrivate(path, options);
}

/**
 * Creates a fresh private directory (0700) inside a verified root, like mkdtemp: anything
 * already at `path` (a folder, a planted link) makes it fail, and is never followed.
 */
export async function createPrivateDir(
  path: string,
  options: PrivateDirOptions = {},
): Promise<void> {
  try {
    await mkdir(path, { mode: PRIVATE });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw cannotCreate(path, error);
    throw new UnsafeFolderError(
      path,
      `Vigil could not start this stream: ${path} already exists, and Vigil writes a stream ` +
        'only into a fresh folder of its own. Start the stream again; if this keeps happening, ' +
        `quit Vigil and delete the folder ${dirname(path)}.`,
    );
  }
  // A umask can only take bits away; verifyPrivate gives ffmpeg back its 0700.
  await verifyPrivate(path, options);
}
