import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { lstat, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isExecutable } from './ffmpeg-binary';
import type { SpawnFn } from './stream-session';

const execFileAsync = promisify(execFile);

/** Name of the file in a session directory that records its ffmpeg's PID. */
export const PID_FILE = 'ffmpeg.pid';

/** Where and how createGuardedSpawn looks for setpriv (tests point it at stand-ins). */
export interface GuardedSpawnOptions {
  platform?: NodeJS.Platform;
  setprivPath?: string;
  /** Told once, when setpriv is there but cannot set a parent-death signal. */
  log?: (line: string) => void;
}

// Windows has no O_NOFOLLOW: readPidFile checks with lstat there instead.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The PID a session directory recorded, or 0; a pid file that is a link is never followed. */
export async function readPidFile(sessionDir: string): Promise<number> {
  const file = join(sessionDir, PID_FILE);
  try {
    if (!NOFOLLOW && (await lstat(file)).isSymbolicLink()) return 0;
    const handle = await open(file, constants.O_RDONLY | NOFOLLOW);
    try {
      const stats = await handle.stat();
      if (!stats.isFile() || stats.size > 32) return 0;
      const pid = Number((await handle.readFile('utf8')).trim());
      return Number.isInteger(pid) && pid > 1 ? pid : 0;
    } finally {
      await handle.close();
    }
  } catch {
    return 0;
  }
}

const plainSpawn: SpawnFn = (command, args, options) => spawn(command, args, options);

/** Why `setpriv --pdeathsig` does not work here, or null when it does. */
async function pdeathsigRefusal(setprivPath: string): Promise<string | null> {
  try {
    await execFileAsync(setprivPath, ['--pdeathsig', 'KILL', '--', 'true'], { timeout: 2_000 });
    return null;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message?: string };
    return (stderr?.trim() || message || String(error)).split('\n')[0] ?? 'unknown';
  }
}

/** A spawn whose ffmpeg cannot outlive the app where Linux allows; probes setpriv, so call once. */
export async function createGuardedSpawn(options: GuardedSpawnOptions = {}): Promise<SpawnFn> {
  // `setpriv --pdeathsig KILL` execs ffmpeg with a parent-death signal (same PID). util-linux
  // before 2.33 lacks the option and would fail every stream: there, and off Linux, spawn
  // plainly; the pid file and the start-up reaper are the net.
  const setprivPath = options.setprivPath ?? '/usr/bin/setpriv';
  if ((options.platform ?? process.platform) !== 'linux' || !isExecutable(setprivPath)) {
    return plainSpawn;
  }
  const refusal = await pdeathsigRefusal(setprivPath);
  if (refusal !== null) {
    options.log?.(
      `process guard: ${setprivPath} --pdeathsig does not work here (${refusal}); ` +
        'ffmpeg runs without a parent-death signal, the start-up reaper ends leftovers',
    );
    return plainSpawn;
  }
  return (command, args, spawnOptions) =>
    spawn(setprivPath, ['--pdeathsig', 'KILL', '--', command, ...args], spawnOptions);
}

/** The command line of a running process, or null when there is none (or it is not ours to read). */
export async function commandLineOf(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<string | null> {
  if (!Number.isInteger(pid) || pid <= 1) return null;
  try {
    if (platform === 'linux') {
      const raw = await readFile(`/proc/${String(pid)}/cmdline`, 'utf8');
      return raw ? raw.split('\0').join(' ') : null;
    }
    if (platform === 'win32') {
      const { stdout } = await execFileAsync(
        'powershell.exe',
        [
          '-NoProfile',
          '-Command',
          `(Get-CimInstance Win32_Process -Filter "ProcessId=${String(pid)}").CommandLine`,
        ],
        { timeout: 5_000, windowsHide: true },
      );
      return stdout.trim() || null;
    }
    const { stdout } = await execFileAsync('ps', ['-o', 'command=', '-p', String(pid)], {
      timeout: 5_000,
    });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

export interface ReapOptions {
  /** The directory a leftover ffmpeg would be writing into. */
  sessionDir: string;
  pid: number;
  commandLine?: (pid: number) => Promise<string | null>;
  kill?: (pid: number) => void;
}

/**
 * Ends a leftover ffmpeg of a crashed run, but only if its command line points into the
 * session directory: a PID may have been reused by an unrelated process since.
 */
export async function reapLeftover(options: ReapOptions): Promise<boolean> {
  const commandLine = await (options.commandLine ?? commandLineOf)(options.pid);
  if (!commandLine?.includes(options.sessionDir)) return false;
  try {
    (options.kill ?? ((pid) => process.kill(pid, 'SIGKILL')))(options.pid);
    return true;
  } catch {
    return false;
  }
}
