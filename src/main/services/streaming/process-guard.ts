import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { isExecutable } from './ffmpeg-binary';
import { SESSION_ID_PATTERN } from './private-dir';

const execFileAsync = promisify(execFile);

/** An ffmpeg child with all three pipes (stdin for 'q', stdout for -progress, stderr). */
export type FfmpegChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** `child_process.spawn` narrowed to what Vigil's ffmpeg runs use, so tests can wrap it. */
export type SpawnFn = (
  command: string,
  args: readonly string[],
  /** A fourth pipe carries a session's low-latency output (see ffmpeg-args LIVE_FD). */
  options: {
    stdio: ['pipe', 'pipe', 'pipe'] | ['pipe', 'pipe', 'pipe', 'pipe'];
    windowsHide: boolean;
  },
) => FfmpegChild;

/** Name of the file in a session (or grab) directory that records its ffmpeg's PID. */
export const PID_FILE = 'ffmpeg.pid';

/** Records a run's PID in its private directory, for the start-up reaper of the next run. */
export async function writePidFile(dir: string, pid: number): Promise<void> {
  await writeFile(join(dir, PID_FILE), String(pid), { mode: 0o600 });
}

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

/** A spawn without the guard: where setpriv is missing, and for tools that run no camera. */
export const plainSpawn: SpawnFn = (command, args, options) => spawn(command, args, options);

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

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the start-up sweep removed: folder names, and how many leftover ffmpeg it ended. */
export interface SweepResult {
  swept: string[];
  reaped: number;
}

/**
 * Cleans up after a crashed run: in a verified private root, every folder named like a
 * session (or frame grab) that `inUse` does not claim is removed, after its ffmpeg (found by
 * its pid file, ended only if its command line points into that folder) is ended.
 */
export async function sweepLeftovers(
  root: string,
  inUse: (name: string) => boolean,
): Promise<SweepResult> {
  const swept: string[] = [];
  let reaped = 0;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const { name } = entry;
    if (!SESSION_ID_PATTERN.test(name) || inUse(name)) continue;
    const dir = join(root, name);
    // Only a real folder can be a crashed run's; anything else (a link) is removed itself.
    const pid = entry.isDirectory() ? await readPidFile(dir) : 0;
    if (pid && (await reapLeftover({ sessionDir: dir, pid }))) {
      reaped++;
      await waitForExit(pid, 1_000);
    }
    // rm removes links (this one, or any inside) and never follows them out of the root.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    swept.push(name);
  }
  return { swept, reaped };
}
