/** What the soak measures about this process (main) and its children, from /proc (Linux). */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { SESSION_ID_PATTERN } from '../../../src/main/services/streaming/private-dir';

/** Open file descriptors of this process. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** What this process's open fds point at (sockets, pipes, files), for telling what was added. */
export function fdTargets(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`).replace(/\[\d+\]$/, '[…]')];
    } catch {
      return []; // closed while we looked (the directory's own fd)
    }
  });
}

/** Targets in `after` that `before` does not have (as many times as they were added). */
export function added(before: string[], after: string[]): string[] {
  const left = new Map<string, number>();
  for (const t of before) left.set(t, (left.get(t) ?? 0) + 1);
  return after.filter((t) => {
    const n = left.get(t) ?? 0;
    if (n > 0) left.set(t, n - 1);
    return n === 0;
  });
}

/** Resident memory of this process, after a full GC when node runs with --expose-gc. */
export function residentBytes(): { rss: number; heapUsed: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
  rssKb: number;
}

function readProc(pid: number): ProcEntry | null {
  try {
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // Field 24 of stat (rss, in pages); pages are 4 KiB on the machines we run on.
    return { pid, ppid: Number(fields[1]), comm, rssKb: Number(fields[21]) * 4 };
  } catch {
    return null; // exited while we looked
  }
}

/** Every process below `root` (children, grandchildren…), from a snapshot of /proc. */
export function descendants(root = process.pid): ProcEntry[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((entry): entry is ProcEntry => entry !== null);
  const children = new Map<number, ProcEntry[]>();
  for (const entry of all) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const found: ProcEntry[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** ffmpeg processes anywhere below this process: streams and frame grabs alike. */
export function ffmpegBelow(root = process.pid): number[] {
  return descendants(root)
    .filter((p) => p.comm === 'ffmpeg')
    .map((p) => p.pid);
}

/** Resident memory of Chromium's processes below this one (informational), in bytes. */
export function chromiumBytes(root = process.pid): number {
  return (
    descendants(root)
      .filter((p) => /chrom/i.test(p.comm))
      .reduce((sum, p) => sum + p.rssKb, 0) * 1024
  );
}

/** Names in the stream root shaped like a session (or frame-grab) directory. */
export async function sessionLikeDirs(tempRoot: string): Promise<string[]> {
  const names = await readdir(tempRoot).catch(() => []);
  return names.filter((name) => SESSION_ID_PATTERN.test(name));
}

/** Everything in the stream root, whatever its name (the final check: it must be empty). */
export async function everythingIn(tempRoot: string): Promise<string[]> {
  return readdir(tempRoot).catch(() => []);
}

/**
 * What the sockets among `targets` (raw fd targets, "socket:[inode]") are, from /proc/net/tcp and
 * tcp6: local and remote port and TCP state; "unix" or "other" when not TCP.
 */
export function describeSockets(targets: string[]): string[] {
  const tcp = new Map<string, string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, remote, state, inode] = [cols[1], cols[2], cols[3], cols[9]];
      if (!local || !remote || !state || !inode) continue;
      const port = (a: string) => String(parseInt(a.split(':')[1] ?? '0', 16));
      tcp.set(inode, `tcp ${port(local)}→${port(remote)} state ${state}`);
    }
  }
  return targets.flatMap((t) => {
    const inode = /^socket:\[(\d+)\]$/.exec(t)?.[1];
    return inode ? [tcp.get(inode) ?? `socket ${inode} (not tcp)`] : [];
  });
}

/** This process's raw fd targets (socket inodes kept). */
export function rawFdTargets(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}
