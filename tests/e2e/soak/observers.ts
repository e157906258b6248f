/** What the soak watches besides the windows: main's own states, leaks, and resources. */
import { loadavg } from 'node:os';
import type { AppHarness } from '../harness';
import { chromiumBytes, ffmpegBelow, openFds, residentBytes, sessionLikeDirs } from './probes';
import type { Sample } from './types';

export interface MainEvent {
  at: number;
  cameraId: string;
  state: string;
  reason: string | null;
}

/**
 * Main's own view of every camera, polled: each change of state or reconnect attempt, so a
 * fault's report can tell what main noticed from what the window showed.
 */
export class MainWatch {
  readonly events: MainEvent[] = [];
  private readonly last = new Map<string, string>();

  constructor(private readonly streams: AppHarness['streams']) {}

  poll(): void {
    const now = Date.now();
    const seen = new Set<string>();
    for (const info of this.streams.list()) {
      seen.add(info.cameraId);
      const key = `${info.state}/${String(info.reconnectAttempt ?? 0)}`;
      if (this.last.get(info.cameraId) === key) continue;
      this.last.set(info.cameraId, key);
      this.events.push({
        at: now,
        cameraId: info.cameraId,
        state: info.state,
        reason: info.dropped?.reason ?? info.failure?.reason ?? null,
      });
    }
    for (const id of this.last.keys()) if (!seen.has(id)) this.last.delete(id);
  }

  /** A camera's last few changes, in words ("12.3 s live, 14.0 s reconnecting (stalled)"). */
  recent(cameraId: string, t0: number, count = 6): string {
    const said = this.events
      .filter((e) => e.cameraId === cameraId)
      .slice(-count)
      .map(
        (e) =>
          `${((e.at - t0) / 1_000).toFixed(1)} s ${e.state}${e.reason ? ` (${e.reason})` : ''}`,
      );
    return said.join(', ') || 'nothing';
  }

  /** A camera's changes from `from` on. */
  of(cameraId: string, from: number): MainEvent[] {
    return this.events.filter((e) => e.cameraId === cameraId && e.at >= from);
  }
}

/**
 * Leaks: ffmpeg processes below main that belong to no session, and session-shaped
 * directories in the stream root that belong to none, still there at two checks in a row.
 * A frame grab (its own ffmpeg and directory, 12 s at most) or a session going down lives
 * for seconds: checks further apart than that never see it twice.
 */
export class LeakWatch {
  readonly ffmpeg = new Set<string>();
  readonly dirs = new Set<string>();
  checks = 0;
  private previousFfmpeg = new Set<number>();
  private previousDirs = new Set<string>();

  constructor(private readonly harness: AppHarness) {}

  async check(): Promise<void> {
    const pids = new Set(this.harness.streams.pids());
    const sessions = new Set(this.harness.streams.list().map((s) => s.sessionId));
    const ffmpeg = new Set(ffmpegBelow().filter((pid) => !pids.has(pid)));
    const dirs = new Set(
      (await sessionLikeDirs(this.harness.tempRoot)).filter((d) => !sessions.has(d)),
    );
    for (const pid of ffmpeg)
      if (this.previousFfmpeg.has(pid)) this.ffmpeg.add(`pid ${String(pid)}`);
    for (const dir of dirs) if (this.previousDirs.has(dir)) this.dirs.add(dir);
    this.previousFfmpeg = ffmpeg;
    this.previousDirs = dirs;
    this.checks++;
  }
}

/** One sample of main's resources and of what is open. */
export function takeSample(harness: AppHarness, atMs: number, windows: number): Sample {
  const { rss, heapUsed } = residentBytes();
  return {
    atMs,
    rss,
    heapUsed,
    fds: openFds(),
    chromiumRss: chromiumBytes(),
    windows,
    sessions: harness.streams.list().length,
    ffmpeg: ffmpegBelow().length,
    load1: loadavg()[0] ?? 0,
  };
}
