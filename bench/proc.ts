// What the benchmark reads of processes on Linux: CPU time and memory from /proc, and the
// process tree (to find Chromium's processes under the one that launched them).
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time used so far (user + system), in clock ticks; 0 for a process that is gone. */
export function cpuTicks(pid: number): number {
  try {
    const fields = statFields(pid);
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * CPU time used so far by the process (user + system) and by its children that ended and were
 * reaped (cutime + cstime: how an ffmpeg that exits during a measurement is still counted, by
 * its parent), in clock ticks; null for a process that is gone.
 */
export function processTimes(pid: number): { own: number; reaped: number } | null {
  try {
    const fields = statFields(pid);
    return {
      own: Number(fields[11]) + Number(fields[12]),
      reaped: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

/** Every process on the machine, by pid. */
export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** A kernel thread (kthreadd and its children: kworker, ksoftirqd, …). */
export function isKernelThread(pid: number): boolean {
  return pid === 2 || parentOf(pid) === 2;
}

/** Resident memory in MB; 0 for a process that is gone. */
export function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Proportional memory in MB: each shared page split among the processes sharing it, so the
 * figures of several processes (16 ffmpeg, Chromium's family) add up; 0 for one that is gone.
 */
export function pssMb(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+)/m.exec(
      readFileSync(`/proc/${String(pid)}/smaps_rollup`, 'utf8'),
    )?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The parent's pid; -1 for a process that is gone. */
export function parentOf(pid: number): number {
  try {
    return Number(statFields(pid)[1]);
  } catch {
    return -1;
  }
}

/**
 * The command line as one string. Chromium rewrites its argv into one space-separated string
 * (so `--type=renderer` is found by searching it, not by splitting on NUL).
 */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
      .replaceAll('\0', ' ')
      .trim();
  } catch {
    return '';
  }
}

/** Every living process below `root` in the process tree. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const parent = parentOf(pid);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Busy and total ticks of the whole machine, all cores (/proc/stat). */
export function machineTicks(): { busy: number; total: number; steal: number } {
  const parts =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ??
    [];
  const total = parts.reduce((a, b) => a + b, 0);
  // steal: time the hypervisor gave this virtual machine's CPUs to someone else (busy to us).
  return { busy: total - (parts[3] ?? 0) - (parts[4] ?? 0), total, steal: parts[7] ?? 0 };
}

/** CPU of the given processes (% of one core) and of the whole machine (% of all cores) over a window. */
export async function sampleCpu(
  pids: number[],
  ms: number,
): Promise<{ perProcess: number[]; machine: number }> {
  const before = pids.map(cpuTicks);
  const m0 = machineTicks();
  const t0 = Date.now();
  await sleep(ms);
  const seconds = (Date.now() - t0) / 1000;
  const m1 = machineTicks();
  return {
    perProcess: pids.map(
      (pid, i) => ((cpuTicks(pid) - (before[i] ?? 0)) / CLK_TCK / seconds) * 100,
    ),
    machine: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100,
  };
}
