import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserFacingError } from '../../../shared/errors';
import {
  DEFAULT_STREAM_DURATION_SEC,
  MAX_STREAM_DURATION_SEC,
  streamUrl,
  type StartStreamOptions,
  type StreamEndReason,
  type StreamInfo,
} from '../../../shared/streams';
import type { HlsProfile } from './ffmpeg-args';
import { cachedUntilFailure, type FfmpegBinary } from './ffmpeg-binary';
import { SerialQueue } from '../async/serial-queue';
import { ensurePrivateRoot } from './private-dir';
import { createGuardedSpawn, readPidFile, reapLeftover } from './process-guard';
import type { SourceResolver, VideoCodec } from './source';
import {
  DEFAULT_TIMINGS,
  StreamSession,
  type SessionTimings,
  type SpawnFn,
} from './stream-session';

/** Session directories are named by their id: a v4 UUID (lowercase, safe as a URL host). */
export const SESSION_ID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface StreamServiceOptions {
  /** The root of the session directories (the app: `<userData>/streams`); init proves it private. */
  tempRoot: string;
  sources: SourceResolver;
  /** Finds and verifies ffmpeg; called on first start, retried after a failure. */
  ffmpeg: () => Promise<FfmpegBinary>;
  /** Receives every state change, as plain data for renderers. */
  emit: (info: StreamInfo) => void;
  /** Default: the guarded spawn (parent-death signal where setpriv supports it). */
  spawn?: SpawnFn;
  log?: (line: string) => void;
  timings?: Partial<SessionTimings>;
  /** How ffmpeg cuts HLS; the app uses the default, the benchmark compares others. */
  hls?: HlsProfile;
  /** The font file for the demo camera's clock (ffmpeg may have no default font). */
  demoFontFile?: string;
  now?: () => number;
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

function shuttingDown(): UserFacingError {
  return new UserFacingError('shutting-down', 'Vigil is quitting; streams cannot start now.');
}

/** Who holds a session open: a window's id, 'tray', a test. */
export type ViewerId = string;

interface Entry {
  cameraId: string;
  session: StreamSession;
  viewers: Set<ViewerId>;
  startedAt: number;
  liveAt: number | null;
  /** Base duration plus extensions; null = no limit. */
  durationMs: number | null;
  deadlineTimer: NodeJS.Timeout | null;
  endReason: StreamEndReason | null;
}

/**
 * Owns every stream session: one ffmpeg per camera shared by its viewers, the
 * deadline of each, and the temp root they write into. Imports no Electron.
 */
export class StreamService {
  private readonly opts: StreamServiceOptions;
  private readonly timings: SessionTimings;
  private readonly spawner: () => Promise<SpawnFn>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly entries = new Map<string, Entry>();
  /** Per-camera queue so start/stop of one camera never interleave. */
  private readonly queues = new SerialQueue();
  private readonly learnedCodecs = new Map<string, VideoCodec>();
  /** Set by stopAll (quit): nothing starts any more. */
  private closed = false;
  /** False once drawtext failed on this machine: later demo sessions start without the clock. */
  private demoClock = true;
  private readonly ffmpeg: () => Promise<FfmpegBinary>;

  constructor(opts: StreamServiceOptions) {
    this.opts = opts;
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => undefined);
    const given = opts.spawn;
    // Probed once (a few ms), at init or alongside the first ffmpeg probe, never per stream.
    this.spawner = given
      ? () => Promise.resolve(given)
      : cachedUntilFailure(() => createGuardedSpawn({ log: this.log }));
    this.ffmpeg = cachedUntilFailure(opts.ffmpeg);
  }

  /**
   * Creates the temp root, or refuses one that is not ours alone (UnsafeFolderError, a
   * message for the user), and cleans up after a crashed run: ends its ffmpeg processes
   * (only those whose command line points into their session directory) and removes
   * the directories.
   */
  async init(): Promise<string[]> {
    const guard = this.spawner();
    // Before the sweep reads or deletes anything in it: a real folder, ours, 0700.
    await ensurePrivateRoot(this.opts.tempRoot);
    const swept: string[] = [];
    let reaped = 0;
    for (const entry of await readdir(this.opts.tempRoot, { withFileTypes: true })) {
      const { name } = entry;
      if (!SESSION_ID_PATTERN.test(name)) continue;
      if ([...this.entries.values()].some((e) => e.session.id === name)) continue;
      const dir = join(this.opts.tempRoot, name);
      // Only a real folder can be a crashed session's; anything else (a link) is removed itself.
      const pid = entry.isDirectory() ? await readPidFile(dir) : 0;
      if (pid && (await reapLeftover({ sessionDir: dir, pid }))) {
        reaped++;
        await waitForExit(pid, 1_000);
      }
      // rm removes links (this one, or any inside) and never follows them out of the root.
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      swept.push(name);
    }
    if (swept.length) {
      this.log(
        `swept ${String(swept.length)} stale session directories, ended ${String(reaped)} leftover ffmpeg`,
      );
    }
    await guard;
    return swept;
  }

  /**
   * Starts streaming a camera for a viewer, or joins the running session. Resolves with
   * the session in `starting` (or `live` when joined); progress arrives as events.
   */
  start(cameraId: string, options: StartStreamOptions & { viewer: ViewerId }): Promise<StreamInfo> {
    const durationSec = options.durationSec ?? DEFAULT_STREAM_DURATION_SEC;
    if (!Number.isFinite(durationSec) || durationSec < 0 || durationSec > MAX_STREAM_DURATION_SEC) {
      return Promise.reject(
        new UserFacingError(
          'invalid-duration',
          `A stream can last 0 (no limit) to ${String(MAX_STREAM_DURATION_SEC)} seconds.`,
        ),
      );
    }
    if (this.closed) return Promise.reject(shuttingDown());
    return this.queues.run(cameraId, async () => {
      // A start queued before quit must not launch after it (no parent-death signal on
      // macOS/Windows: that ffmpeg would outlive the app).
      if (this.closed) throw shuttingDown();
      const existing = this.entries.get(cameraId);
      if (existing && !existing.session.closing) {
        existing.viewers.add(options.viewer);
        // A new viewer gets at least the time it asked for.
        if (existing.durationMs !== null) {
          const elapsed = existing.liveAt === null ? 0 : this.now() - existing.liveAt;
          existing.durationMs =
            durationSec === 0 ? null : Math.max(existing.durationMs, elapsed + durationSec * 1000);
          this.armDeadline(existing);
        }
        return this.publish(existing);
      }
      return this.launch(cameraId, durationSec, options.viewer);
    });
  }

  private async launch(
    cameraId: string,
    durationSec: number,
    viewer: ViewerId,
  ): Promise<StreamInfo> {
    const source = await this.opts.sources.resolve(cameraId);
    const [binary, spawn] = await Promise.all([this.ffmpeg(), this.spawner()]);
    const id = randomUUID();
    const learned = this.learnedCodecs.get(cameraId);
    const entry: Entry = {
      cameraId,
      viewers: new Set([viewer]),
      startedAt: this.now(),
      liveAt: null,
      durationMs: durationSec === 0 ? null : durationSec * 1000,
      deadlineTimer: null,
      endReason: null,
      session: new StreamSession({
        id,
        dir: join(this.opts.tempRoot, id),
        source,
        binary,
        spawn,
        timings: this.timings,
        ...(learned ? { knownCodec: learned } : {}),
        ...(this.opts.hls ? { hls: this.opts.hls } : {}),
        ...(this.opts.demoFontFile ? { demoFontFile: this.opts.demoFontFile } : {}),
        demoClock: this.demoClock,
        onClockFailed: () => (this.demoClock = false),
        log: this.log,
        onCodec: (codec) => this.learnedCodecs.set(cameraId, codec),
        onChange: () => this.onSessionChange(entry),
      }),
    };
    this.entries.set(cameraId, entry);
    try {
      await entry.session.start();
    } catch (error) {
      this.entries.delete(cameraId);
      await entry.session.stop();
      throw error;
    }
    return this.publish(entry);
  }

  private onSessionChange(entry: Entry): void {
    const { session } = entry;
    if (session.phase === 'live' && entry.liveAt === null) {
      // The countdown counts seconds of picture, not of connecting.
      entry.liveAt = this.now();
      this.armDeadline(entry);
    }
    const current = this.entries.get(entry.cameraId) === entry;
    if (session.phase === 'ended' || session.phase === 'failed') {
      if (entry.deadlineTimer) clearTimeout(entry.deadlineTimer);
      if (current) this.entries.delete(entry.cameraId);
    }
    // A replaced session (Retry while it was still going down) keeps quiet: its late
    // 'ended' would otherwise overwrite the new session in every window of this camera.
    if (current) this.publish(entry);
  }

  private deadlineOf(entry: Entry): number | null {
    if (entry.durationMs === null || entry.liveAt === null) return null;
    return entry.liveAt + entry.durationMs;
  }

  private armDeadline(entry: Entry): void {
    if (entry.deadlineTimer) clearTimeout(entry.deadlineTimer);
    entry.deadlineTimer = null;
    const deadline = this.deadlineOf(entry);
    if (deadline === null) return;
    // Ends this entry's session, never a newer one of the same camera.
    entry.deadlineTimer = setTimeout(
      () =>
        void this.queues.run(entry.cameraId, () =>
          this.entries.get(entry.cameraId) === entry ? this.finish(entry, 'timeout') : undefined,
        ),
      Math.max(0, deadline - this.now()),
    );
  }

  private info(entry: Entry): StreamInfo {
    const { session } = entry;
    const state = session.phase;
    return {
      cameraId: entry.cameraId,
      sessionId: session.id,
      state,
      // A failing session is still 'live' until its teardown ends: no URL to play by then.
      url: state === 'live' && !session.closing ? streamUrl(session.id) : null,
      startedAt: entry.startedAt,
      deadline: this.deadlineOf(entry),
      timeLimitSec: entry.durationMs === null ? null : entry.durationMs / 1000,
      viewers: entry.viewers.size,
      endReason: state === 'ended' ? (entry.endReason ?? 'stopped') : null,
      failure: state === 'failed' ? session.failure : null,
      reconnectAttempt: state === 'reconnecting' ? session.reconnectAttempt : null,
      dropped: state === 'reconnecting' ? session.dropped : null,
    };
  }

  private publish(entry: Entry): StreamInfo {
    const info = this.info(entry);
    this.opts.emit(info);
    return info;
  }

  /** A viewer lets go; the session ends when its last viewer has. */
  stop(cameraId: string, viewer: ViewerId): Promise<void> {
    return this.queues.run(cameraId, async () => {
      const entry = this.entries.get(cameraId);
      // Not this viewer's session (releaseViewer also queues behind unrelated starts): no news.
      if (!entry?.viewers.delete(viewer)) return;
      if (entry.viewers.size > 0) {
        this.publish(entry);
        return;
      }
      await this.finish(entry, 'stopped');
    });
  }

  /** Ends a camera's session for every viewer (tray "Stop", deadline, quit). */
  endSession(cameraId: string, reason: StreamEndReason = 'stopped'): Promise<void> {
    return this.queues.run(cameraId, async () => {
      const entry = this.entries.get(cameraId);
      if (entry) await this.finish(entry, reason);
    });
  }

  /**
   * Drops a viewer from every session it holds (its window closed), including sessions
   * still queued or launching for it: the release is queued behind them per camera.
   */
  async releaseViewer(viewer: ViewerId): Promise<void> {
    const cameras = [...new Set([...this.entries.keys(), ...this.queues.busyKeys()])].filter(
      (cameraId) => this.entries.get(cameraId)?.viewers.has(viewer) || this.queues.isBusy(cameraId),
    );
    await Promise.all(cameras.map((cameraId) => this.stop(cameraId, viewer)));
  }

  private async finish(entry: Entry, reason: StreamEndReason): Promise<void> {
    entry.endReason ??= reason;
    if (entry.deadlineTimer) clearTimeout(entry.deadlineTimer);
    await entry.session.stop();
  }

  /** Adds time to a running session; returns its new state. */
  extend(cameraId: string, seconds: number): Promise<StreamInfo> {
    return this.queues.run(cameraId, () => {
      const entry = this.entries.get(cameraId);
      if (!entry || entry.session.closing) {
        throw new UserFacingError('not-streaming', 'This camera is not streaming. Start it first.');
      }
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_STREAM_DURATION_SEC) {
        throw new UserFacingError(
          'invalid-duration',
          `Extend by 1 to ${String(MAX_STREAM_DURATION_SEC)} seconds.`,
        );
      }
      if (entry.durationMs !== null) {
        const elapsed = entry.liveAt === null ? 0 : this.now() - entry.liveAt;
        const cap = elapsed + MAX_STREAM_DURATION_SEC * 1000;
        entry.durationMs = Math.min(entry.durationMs + seconds * 1000, cap);
        this.armDeadline(entry);
      }
      return this.publish(entry);
    });
  }

  /** Every session that is starting, live or stopping. */
  list(): StreamInfo[] {
    return [...this.entries.values()].map((e) => this.info(e));
  }

  /** The directory of a live session, for the protocol handler; undefined otherwise. */
  liveDirectory(sessionId: string): string | undefined {
    for (const entry of this.entries.values()) {
      const { session } = entry;
      if (session.id === sessionId && session.phase === 'live' && !session.closing)
        return session.dir;
    }
    return undefined;
  }

  /** Process ids of running ffmpeg children (for diagnostics and tests). */
  pids(): number[] {
    return [...this.entries.values()].flatMap((e) =>
      e.session.pid === null ? [] : [e.session.pid],
    );
  }

  /** Stops every session, including those still queued or launching (tray "Stop all"). */
  async stopAll(reason: StreamEndReason = 'stopped'): Promise<void> {
    const cameras = new Set([...this.entries.keys(), ...this.queues.busyKeys()]);
    await Promise.all([...cameras].map((id) => this.endSession(id, reason)));
  }

  /** Quit: stops every session and refuses any start from now on, queued ones included. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.stopAll('shutdown');
  }
}
