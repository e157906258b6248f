import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { UserFacingError } from '../../../shared/errors';
import {
  DEFAULT_STREAM_DURATION_SEC,
  MAX_STREAM_DURATION_SEC,
  type StartStreamOptions,
  type StreamEndReason,
  type StreamInfo,
  type StreamVariant,
} from '../../../shared/streams';
import type { StreamHealth } from '../../../shared/health';
import { SerialQueue } from '../async/serial-queue';
import { HealthRecord } from '../health/health-record';
import type { HlsProfile } from './ffmpeg-args';
import { cachedUntilFailure, type FfmpegBinary } from './ffmpeg-binary';
import { GuardedGrabs } from './guarded-grabs';
import { LiveHub } from './live-hub';
import { ensurePrivateRoot } from './private-dir';
import { createGuardedSpawn, sweepLeftovers, type SpawnFn } from './process-guard';
import type { SourceResolver, StreamSource, VideoCodec } from './source';
import { StreamDeadline } from './stream-deadline';
import { DEFAULT_TIMINGS, type SessionTimings } from './session-config';
import { StreamSession } from './stream-session';
import {
  entryInfo,
  entryOutput,
  keyOf,
  streamKey,
  type Entry,
  type SessionOutput,
  type ViewerId,
} from './stream-entry';
import { WarmCameras } from './warm-cameras';

export type { SessionOutput, ViewerId } from './stream-entry';

const VARIANTS: readonly StreamVariant[] = ['main', 'sub'];

export interface StreamServiceOptions {
  /** The root of the session directories (the app: `<userData>/streams`); init proves it private. */
  tempRoot: string;
  sources: SourceResolver;
  /**
   * Finds and verifies ffmpeg. The service keeps the app's one cache of it: called on the
   * first start or grab, again only after a failure.
   */
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
  /**
   * Each session also writes the low-latency output (fragmented MP4 to viewers through main)
   * where video is copied. Default true; the benchmark's classic setups turn it off.
   */
  lowLatency?: boolean;
  now?: () => number;
}

function shuttingDown(): UserFacingError {
  return new UserFacingError('shutting-down', 'Vigil is quitting; streams cannot start now.');
}

/**
 * Owns every ffmpeg the app runs: one stream session per camera shared by its viewers and
 * the deadline of each, the frame grabs, the temp root they write into, and the process
 * guard they all start under. Imports no Electron.
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
  /** Each camera's latest session's health, kept after it ends (until the camera is removed). */
  private readonly healthRecords = new Map<string, HealthRecord>();
  /** Set by shutdown (quit): nothing starts any more. */
  private closed = false;
  private readonly grabs: GuardedGrabs;
  /** False once drawtext failed on this machine: later demo sessions start without the clock. */
  private demoClock = true;
  /** What the pages play (setPlayable); H.264 until a page says more. */
  private playable: readonly VideoCodec[] = ['h264'];
  private readonly ffmpeg: () => Promise<FfmpegBinary>;
  private readonly warm: WarmCameras;

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
    this.grabs = new GuardedGrabs({
      ffmpeg: this.ffmpeg,
      spawner: this.spawner,
      workDir: opts.tempRoot,
      stopStepMs: this.timings.stopStepMs,
    });
    this.warm = new WarmCameras({
      queue: (cameraId, task) => this.queues.run(streamKey(cameraId, 'main'), task),
      entry: (cameraId) => this.entries.get(streamKey(cameraId, 'main')),
      launchWarm: (cameraId) => this.launch(cameraId, 'main', 0, null, false),
      stopEntry: (entry, reason) => this.stopEntry(entry, reason),
      publish: (entry) => void this.publish(entry),
      resolve: async (cameraId) => this.opts.sources.resolve(cameraId, 'main'),
      closed: () => this.closed,
      retryMs: this.timings.warmRetryMs,
      log: this.log,
    });
  }

  /**
   * Creates the temp root, or refuses one that is not ours alone (UnsafeFolderError, a
   * message for the user), and cleans up after a crashed run: ends its ffmpeg processes
   * (streams and grabs; only those whose command line points into their own directory) and
   * removes the directories.
   */
  async init(): Promise<string[]> {
    const guard = this.spawner();
    // Before the sweep reads or deletes anything in it: a real folder, ours, 0700.
    await ensurePrivateRoot(this.opts.tempRoot);
    const { swept, reaped } = await sweepLeftovers(this.opts.tempRoot, (name) =>
      [...this.entries.values()].some((e) => e.session.id === name),
    );
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
   * the session in `starting` (or `live` when joined); progress arrives as events. The first
   * viewer of a kept-ready camera's session gets its whole time from when it joins; `files`
   * makes a session that writes no HLS files start writing them ('reconnecting' meanwhile).
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
    const variant = options.variant ?? 'main';
    const key = streamKey(cameraId, variant);
    return this.queues.run(key, async () => {
      // A start queued before quit must not launch after it (no parent-death signal on
      // macOS/Windows: that ffmpeg would outlive the app).
      if (this.closed) throw shuttingDown();
      const existing = this.entries.get(key);
      if (existing && !existing.session.stopping) {
        existing.viewers.add(options.viewer);
        if (existing.awaitingViewer) {
          existing.awaitingViewer = false;
          existing.deadline.restart(durationSec, existing.runs > 0);
        } else existing.deadline.grant(durationSec);
        if (options.files) await existing.session.writeFiles();
        return this.publish(existing);
      }
      return this.launch(cameraId, variant, durationSec, options.viewer);
    });
  }

  /**
   * Launches a session: for a viewer, or (viewer null) a kept-ready camera's warm session,
   * which has no deadline until its first viewer and, with `files` false, writes no HLS files.
   */
  private async launch(
    cameraId: string,
    variant: StreamVariant,
    durationSec: number,
    viewer: ViewerId | null,
    files = true,
  ): Promise<StreamInfo> {
    const key = streamKey(cameraId, variant);
    const source = await this.opts.sources.resolve(cameraId, variant);
    const [binary, spawn] = await Promise.all([this.ffmpeg(), this.spawner()]);
    const id = randomUUID();
    const dir = join(this.opts.tempRoot, id);
    const learned = this.learnedCodecs.get(key);
    const health: HealthRecord = new HealthRecord({
      cameraId,
      sessionId: id,
      dir,
      requestedAt: this.now(),
      camera: source.kind === 'rtsp',
      pid: () => entry.session.pid,
      stderr: () => entry.session.stderr,
    });
    this.healthRecords.set(key, health);
    const live = new LiveHub();
    const entry: Entry = {
      cameraId,
      variant,
      viewers: new Set(viewer === null ? [] : [viewer]),
      startedAt: this.now(),
      // Ends this entry's session, never a newer one of the same camera.
      deadline: new StreamDeadline(durationSec, this.now, () => {
        void this.queues.run(key, () => {
          if (this.entries.get(key) !== entry) return undefined;
          if (entry.keepers.size > 0) {
            entry.overdue = true;
            return undefined;
          }
          return this.stopEntry(entry, 'timeout');
        });
      }),
      endReason: null,
      runs: 0,
      onAir: false,
      keepers: new Set(),
      overdue: false,
      health,
      live,
      awaitingViewer: viewer === null,
      session: new StreamSession({
        id,
        dir,
        observer: health,
        ...(this.opts.lowLatency !== false ? { live } : {}),
        playable: () => this.playable,
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
        onCodec: (codec) => this.learnedCodecs.set(key, codec),
        onChange: () => this.onSessionChange(entry),
        files,
        // A watched session writes files instead; a warm one nobody watches is pointless.
        whenTranscoding: () => (entry.viewers.size + entry.keepers.size > 0 ? 'files' : 'end'),
      }),
    };
    this.entries.set(key, entry);
    try {
      await entry.session.start();
    } catch (error) {
      this.entries.delete(key);
      await entry.session.stop();
      throw error;
    }
    return this.publish(entry);
  }

  private onSessionChange(entry: Entry): void {
    const { session } = entry;
    if (session.phase === 'live') entry.deadline.startCounting();
    if (session.phase === 'live' && !entry.onAir) entry.runs++;
    entry.onAir = session.phase === 'live';
    const current = this.entries.get(keyOf(entry)) === entry;
    if (session.phase === 'ended' || session.phase === 'failed') {
      entry.deadline.clear();
      if (current) this.entries.delete(keyOf(entry));
    }
    // A replaced session (Retry while it was still going down) keeps quiet: its late
    // 'ended' would otherwise overwrite the new session in every window of this camera.
    if (current) this.publish(entry);
    else entry.health.state(entryInfo(entry));
    if (current && (session.phase === 'ended' || session.phase === 'failed'))
      this.warm.sessionEnded(entry);
  }

  private isWarm(entry: Entry): boolean {
    return entry.variant === 'main' && this.warm.isWarm(entry.cameraId);
  }

  private publish(entry: Entry): StreamInfo {
    const info = entryInfo(entry, this.isWarm(entry));
    entry.health.state(info);
    this.opts.emit(info);
    return info;
  }

  /** A viewer lets go of one of a camera's streams; it stops when its last viewer has. */
  release(cameraId: string, viewer: ViewerId, variant: StreamVariant = 'main'): Promise<void> {
    return this.releaseKey(streamKey(cameraId, variant), viewer);
  }

  private releaseKey(key: string, viewer: ViewerId): Promise<void> {
    return this.queues.run(key, async () => {
      const entry = this.entries.get(key);
      // Not this viewer's session (releaseViewer also queues behind unrelated starts): no news.
      if (!entry?.viewers.delete(viewer)) return;
      if (entry.viewers.size > 0 || entry.keepers.size > 0) {
        this.publish(entry);
        return;
      }
      await this.stopEntry(entry, 'stopped');
    });
  }

  /** Stops a camera's sessions (main and sub) for every viewer (tray "Stop", a removed camera). */
  async stop(cameraId: string, reason: StreamEndReason = 'stopped'): Promise<void> {
    await Promise.all(
      VARIANTS.map((variant) => this.stopKey(streamKey(cameraId, variant), reason)),
    );
  }

  private stopKey(key: string, reason: StreamEndReason): Promise<void> {
    return this.queues.run(key, async () => {
      const entry = this.entries.get(key);
      if (entry) await this.stopEntry(entry, reason);
    });
  }

  /**
   * Releases a viewer from every session it holds (its window closed), including sessions
   * still queued or launching for it: the release is queued behind them per camera.
   */
  async releaseViewer(viewer: ViewerId): Promise<void> {
    const keys = [...new Set([...this.entries.keys(), ...this.queues.busyKeys()])].filter(
      (key) => this.entries.get(key)?.viewers.has(viewer) || this.queues.isBusy(key),
    );
    await Promise.all(keys.map((key) => this.releaseKey(key, viewer)));
  }

  /**
   * A camera's settings changed: forgets what was learned from its old source (the codec),
   * and restarts its running session, if any, from the source resolved afresh: same session
   * id, viewers and deadline, so every window resumes by itself (reconnecting → live, or
   * starting → live before the first picture). Queued with the camera's starts and stops.
   * A camera that no longer resolves (removed meanwhile) has its session stopped.
   */
  async cameraChanged(cameraId: string): Promise<void> {
    await Promise.all(VARIANTS.map((variant) => this.streamChanged(cameraId, variant)));
    this.warm.cameraChanged(cameraId);
  }

  /**
   * Keeps a camera ready (its `keepReady` option; main stream only) or lets it go. On: a warm
   * session runs while nobody watches (video copied to the low-latency output, no files), and
   * a new one starts whenever the camera's session ends (after a pause when it failed; never
   * for a camera whose video must be transcoded, until it changes). Refused for the demo and
   * battery cameras. Off: a warm session nobody watches or records stops.
   */
  setKeepReady(cameraId: string, on: boolean): Promise<void> {
    if (on && this.closed) return Promise.reject(shuttingDown());
    return this.warm.set(cameraId, on);
  }

  /**
   * The camera's session writes HLS files from now on (a recorder reads them): a kept-ready
   * camera's session restarts its run with them. Nothing to do for other sessions.
   */
  ensureFiles(cameraId: string): Promise<void> {
    return this.queues.run(cameraId, async () => {
      const entry = this.entries.get(cameraId);
      if (entry && !entry.session.stopping) await entry.session.writeFiles();
    });
  }

  private streamChanged(cameraId: string, variant: StreamVariant): Promise<void> {
    const key = streamKey(cameraId, variant);
    return this.queues.run(key, async () => {
      this.learnedCodecs.delete(key);
      const entry = this.entries.get(key);
      if (!entry || entry.session.stopping) return;
      let source: StreamSource;
      try {
        source = await this.opts.sources.resolve(cameraId, variant);
      } catch (error) {
        this.log(
          `camera ${cameraId} changed and cannot be streamed any more (${error instanceof Error ? error.message : String(error)}); stopping its session`,
        );
        await this.stopEntry(entry, 'stopped');
        return;
      }
      await entry.session.restart(source);
    });
  }

  private async stopEntry(entry: Entry, reason: StreamEndReason): Promise<void> {
    entry.endReason ??= reason;
    entry.deadline.clear();
    await entry.session.stop();
  }

  /** The health of the camera's current or latest session; null when it never streamed. */
  health(cameraId: string): Promise<StreamHealth | null> {
    return this.healthRecords.get(cameraId)?.snapshot() ?? Promise.resolve(null);
  }

  /** A removed camera's health goes with it. */
  forgetHealth(cameraId: string): void {
    for (const variant of VARIANTS) {
      const key = streamKey(cameraId, variant);
      this.healthRecords.get(key)?.close();
      this.healthRecords.delete(key);
    }
  }

  /** Adds time to a running session; returns its new state. */
  extend(cameraId: string, seconds: number): Promise<StreamInfo> {
    return this.queues.run(cameraId, () => {
      const entry = this.entries.get(cameraId);
      if (!entry || entry.session.stopping) {
        throw new UserFacingError('not-streaming', 'This camera is not streaming. Start it first.');
      }
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_STREAM_DURATION_SEC) {
        throw new UserFacingError(
          'invalid-duration',
          `Extend by 1 to ${String(MAX_STREAM_DURATION_SEC)} seconds.`,
        );
      }
      entry.deadline.extend(seconds);
      return this.publish(entry);
    });
  }

  /** Every session that is starting, live or stopping. */
  list(): StreamInfo[] {
    return [...this.entries.values()].map((e) => entryInfo(e, this.isWarm(e)));
  }

  /** The directory of a live session that writes files, for the protocol handler; else undefined. */
  liveDirectory(sessionId: string): string | undefined {
    for (const entry of this.entries.values()) {
      const { session } = entry;
      if (session.id === sessionId && session.phase === 'live' && !session.stopping)
        return session.writesFiles ? session.dir : undefined;
    }
    return undefined;
  }

  /**
   * A new viewer's low-latency stream of a session (its init, the picture since the last
   * keyframe, then live), for the protocol handler; undefined when the session is not live or
   * its run writes no low-latency output (transcoded video).
   */
  liveStream(sessionId: string): ReadableStream<Uint8Array> | undefined {
    for (const entry of this.entries.values()) {
      const { session } = entry;
      if (session.id === sessionId && session.phase === 'live' && !session.stopping)
        return session.lowLatency ? entry.live.subscribe() : undefined;
    }
    return undefined;
  }

  /**
   * The codecs the app's pages can play, as a page measured them (MediaSource.isTypeSupported):
   * H.265 is copied where the platform decodes it, transcoded elsewhere. Applies to runs
   * planned from now on.
   */
  setPlayable(codecs: readonly VideoCodec[]): void {
    const before = this.playable.join(', ');
    this.playable = ['h264', ...codecs.filter((c) => c === 'h265')];
    this.log(`pages play: ${this.playable.join(', ')}`);
    // A kept-ready camera found to need transcoding may be copied now.
    if (this.playable.join(', ') !== before) this.warm.playableChanged();
  }

  /** A camera's session output for a recorder; undefined before its first picture and after it ends. */
  output(cameraId: string): SessionOutput | undefined {
    const entry = this.entries.get(cameraId);
    return entry ? entryOutput(entry) : undefined;
  }

  /**
   * Keeps the camera's running session past its deadline and its last viewer (a recording),
   * and has it write HLS files (what a recording reads; see ensureFiles).
   */
  keep(cameraId: string, holder: string): boolean {
    const entry = this.entries.get(cameraId);
    if (!entry || entry.session.stopping) return false;
    entry.keepers.add(holder);
    if (!entry.session.writesFiles) {
      this.ensureFiles(cameraId).catch((error: unknown) => {
        this.log(
          `camera ${cameraId}: files for a recording: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
    return true;
  }

  /** Lets go of keep(): a session past its deadline, or without viewers, stops now. */
  unkeep(cameraId: string, holder: string): Promise<void> {
    return this.queues.run(cameraId, async () => {
      const entry = this.entries.get(cameraId);
      if (!entry?.keepers.delete(holder) || entry.keepers.size > 0) return;
      if (entry.overdue) await this.stopEntry(entry, 'timeout');
      else if (entry.viewers.size === 0) await this.stopEntry(entry, 'stopped');
    });
  }

  /** Bytes a camera's low-latency fan-out holds (its init and GOP cache); 0 without a session. */
  liveCacheBytes(cameraId: string): number {
    return this.entries.get(cameraId)?.live.cachedBytes ?? 0;
  }

  /** Process ids of running ffmpeg children (for diagnostics and tests). */
  pids(): number[] {
    return [...this.entries.values()].flatMap((e) =>
      e.session.pid === null ? [] : [e.session.pid],
    );
  }

  /** Stops every session, including those still queued or launching (tray "Stop all"). */
  async stopAll(reason: StreamEndReason = 'stopped'): Promise<void> {
    const keys = new Set([...this.entries.keys(), ...this.queues.busyKeys()]);
    await Promise.all([...keys].map((key) => this.stopKey(key, reason)));
  }

  /**
   * Takes one JPEG frame of a source (a snapshot, "Test connection") with the streams'
   * ffmpeg, under the same process guard: spawned with the parent-death signal, its pid file
   * in its own folder in the stream root (swept at the next start after a crash), and ended
   * by shutdown. At most MAX_CONCURRENT_GRABS run at once; the others queue.
   */
  grabFrame(source: StreamSource, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    return this.grabs.source(source, options);
  }

  /**
   * Takes one JPEG frame of a clip of a session's own output (its init segment and a segment
   * with a keyframe: a live picture), under the same guard and limit as grabFrame. No camera
   * connection: the camera may allow only one.
   */
  grabClipFrame(clip: Buffer, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    return this.grabs.clip(clip, options);
  }

  /**
   * Quit: stops every session and ends every frame grab (their ffmpeg down the stop ladder,
   * their folders removed), and refuses any start or grab from now on, queued ones included.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.warm.close();
    // Grabs are told first (synchronously), as before: none starts once quit has begun.
    const grabsEnded = this.grabs.close();
    await Promise.all([this.stopAll('shutdown'), grabsEnded]);
  }
}
