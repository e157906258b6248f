import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { isExecutable } from './ffmpeg-binary';
import type { FfmpegProcess, SpawnFn } from './stream-session';

const execFileAsync = promisify(execFile);

/** Name of the file in a session directory that records its ffmpeg's PID. */
export const PID_FILE = 'ffmpeg.pid';

/**
 * Spawns ffmpeg so that it cannot outlive the app. On Linux, util-linux's `setpriv
 * --pdeathsig KILL` execs ffmpeg with a parent-death signal (same PID); elsewhere the
 * pid file and the start-up reaper are the net.
 */
export function createGuardedSpawn(
  platform: NodeJS.Platform = process.platform,
  setprivPath = '/usr/bin/setpriv',
): SpawnFn {
  const useSetpriv = platform === 'linux' && isExecutable(setprivPath);
  return (command, args, options): FfmpegProcess =>
    useSetpriv
      ? spawn(setprivPath, ['--pdeathsig', 'KILL', '--', command, ...args], options)
      : spawn(command, args, options);
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
