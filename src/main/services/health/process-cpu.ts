import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Linux reports a process's CPU time in clock ticks (`/proc/<pid>/stat`, utime and stime).
 * USER_HZ is 100 on every Linux ABI Node runs on (proc(5): "sysconf(_SC_CLK_TCK)", fixed at
 * 100 for the user-space ABI whatever the kernel's HZ).
 */
const LINUX_TICKS_PER_SEC = 100;

async function linuxCpuMs(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / LINUX_TICKS_PER_SEC;
}

/** `ps -o time=` prints the CPU time used as `[[dd-]hh:]mm:ss[.cc]` (macOS and BSD). */
export function parsePsTime(text: string): number | null {
  const match = /^\s*(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return (
    ((Number(days) * 24 + Number(hours)) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000
  );
}

function psCpuMs(pid: number): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'time=', '-p', String(pid)], { timeout: 2_000 }, (error, stdout) => {
      resolve(error ? null : parsePsTime(stdout));
    });
  });
}

/**
 * Milliseconds of CPU a process has used so far (user + system); null when it is gone or the
 * platform gives no cheap way to read it (Windows: its counters need WMI or PowerShell, seconds
 * per read, so the panel says "not measured" there).
 */
export function processCpuMs(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<number | null> {
  if (platform === 'linux') return linuxCpuMs(pid);
  if (platform === 'darwin' || platform === 'freebsd') return psCpuMs(pid);
  return Promise.resolve(null);
}

/** CPU use between two readings, in percent of one core. */
export function cpuPercent(
  before: { cpuMs: number; at: number },
  after: { cpuMs: number; at: number },
): number | null {
  const wall = after.at - before.at;
  if (wall <= 0 || after.cpuMs < before.cpuMs) return null;
  return ((after.cpuMs - before.cpuMs) / wall) * 100;
}
