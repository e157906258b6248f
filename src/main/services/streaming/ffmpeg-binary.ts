import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { UserFacingError } from '../../../shared/errors';

/** A verified ffmpeg: where it is and which filters it has (the demo needs drawtext). */
export interface FfmpegBinary {
  path: string;
  /** Where the path came from, for diagnostics. */
  origin: 'FFMPEG_BIN' | 'ffmpeg-static' | 'PATH';
  version: string;
  filters: ReadonlySet<string>;
}

export interface LocateFfmpegOptions {
  env?: NodeJS.ProcessEnv;
  /** Path reported by `ffmpeg-static` (already mapped to app.asar.unpacked when packaged). */
  staticPath?: string | null;
  platform?: NodeJS.Platform;
}

const FIX_HINT =
  'Reinstall Vigil, or set FFMPEG_BIN to the full path of an ffmpeg executable ' +
  '(on Debian/Ubuntu: sudo apt install ffmpeg, then FFMPEG_BIN=/usr/bin/ffmpeg).';

/** True when the file exists and may be executed by us. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  const names = platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** Maps a path inside app.asar to its unpacked twin (binaries cannot run from an asar). */
export function unpackedAsarPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/**
 * Picks the ffmpeg to run: FFMPEG_BIN if set (and then only it), else ffmpeg-static's
 * binary, else one on PATH. Throws a UserFacingError naming the fix when none exists.
 */
export function locateFfmpeg(
  options: LocateFfmpegOptions = {},
): Pick<FfmpegBinary, 'path' | 'origin'> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const override = env.FFMPEG_BIN?.trim();
  if (override) {
    if (isExecutable(override)) return { path: override, origin: 'FFMPEG_BIN' };
    throw new UserFacingError(
      'ffmpeg-missing',
      `FFMPEG_BIN is set to "${override}", but no executable ffmpeg is there. ` +
        'Point FFMPEG_BIN at an ffmpeg executable, or unset it to use the bundled one.',
    );
  }
  if (options.staticPath) {
    const unpacked = unpackedAsarPath(options.staticPath);
    if (isExecutable(unpacked)) return { path: unpacked, origin: 'ffmpeg-static' };
  }
  const onPath = findOnPath(env, platform);
  if (onPath) return { path: onPath, origin: 'PATH' };
  throw new UserFacingError('ffmpeg-missing', `Vigil could not find ffmpeg. ${FIX_HINT}`);
}

const execFileAsync = promisify(execFile);

/** Parses `ffmpeg -filters` output into filter names. */
export function parseFilterList(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    // " T.. drawtext          V->V       Draw text on top of video frames ..."
    const match = /^\s*[TSC.|]{3}\s+(\S+)\s+\S+->\S+/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

/**
 * Locates ffmpeg and proves it runs with one `-filters` call (the banner on stderr
 * carries the version). A binary that exists but cannot run is a clear error too.
 */
export async function probeFfmpeg(options: LocateFfmpegOptions = {}): Promise<FfmpegBinary> {
  const located = locateFfmpeg(options);
  try {
    const { stdout, stderr } = await execFileAsync(located.path, ['-filters'], {
      timeout: 10_000,
      maxBuffer: 4 * 1024 * 1024,
    });
    const version = /ffmpeg version (\S+)/.exec(stderr)?.[1] ?? 'unknown';
    return { ...located, version, filters: parseFilterList(stdout) };
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserFacingError(
      'ffmpeg-missing',
      `ffmpeg at ${located.path} did not run (${detail}). ${FIX_HINT}`,
    );
  }
}

/**
 * Remembers a successful locate; a failure is not kept, so installing ffmpeg while the
 * app runs fixes it without a restart.
 */
export function cachedUntilFailure<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | null = null;
  return () => {
    if (!cached) {
      const attempt = load();
      cached = attempt;
      attempt.catch(() => {
        if (cached === attempt) cached = null;
      });
    }
    return cached;
  };
}
