import type { ChildProcessByStdio } from 'node:child_process';
import { watch, writeFileSync, type FSWatcher } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { PLAYLIST_NAME, type StreamFailure } from '../../../shared/streams';
import {
  buildFfmpegArgs,
  INPUT_LIST_NAME,
  rtspInputList,
  VIGIL_HLS,
  type HlsProfile,
} from './ffmpeg-args';
import type { FfmpegBinary } from './ffmpeg-binary';
import { classifyExit, relayFailure, streamFailure } from './failure';
import { createPrivateDir } from './private-dir';
import { PID_FILE } from './process-guard';
import { createRedactor } from './redact';
import { probeRtsp } from './rtsp-probe';
import { RtspRelay } from './rtsp-relay';
import type { StreamSource, VideoCodec } from './source';

export type FfmpegProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** `child_process.spawn` narrowed to what a session uses, so tests can wrap it. */
export type SpawnFn = (
  command: string,
  args: readonly string[],
  options: { stdio: ['pipe', 'pipe', 'pipe']; windowsHide: boolean },
) => FfmpegProcess;

/** How long each step may take; tests shorten them. */
export interface SessionTimings {
  /** ffmpeg's RTSP socket timeout. */
  socketTimeoutMs: number;
  /** Spawn → first finished segment, unless the source sets its own. */
  startTimeoutMs: number;
  /** While live: no progress report from ffmpeg for this long means the camera froze. */
  stallTimeoutMs: number;
  /** Wait after each rung of the stop ladder (q, SIGTERM) before the next. */
  stopStepMs: number;
}

export const DEFAULT_TIMINGS: SessionTimings = {
  socketTimeoutMs: 3_000,
  startTimeoutMs: 9_000,
  stallTimeoutMs: 5_000,
  stopStepMs: 400,
};

export type SessionPhase =
  'waking' | 'starting' | 'live' | 'reconnecting' | 'stopping' | 'ended' | 'failed';

/**
 * How long to wait before each reconnect attempt after a live camera drops (then every 10 s
 * until the session's deadline). The deadline keeps running meanwhile.
 */
export const RECONNECT_LADDER_MS = [500, 1_000, 2_000, 5_000, 10_000];

// A camera that refuses us, or sends us elsewhere, will not change its mind by retrying.
const NOT_RETRIED = new Set([
  'unauthorized',
  'not-found',
  'redirected',
  'unsupported',
  'ffmpeg-missing',
]);

export interface SessionOptions {
  id: string;
  dir: string;
  source: StreamSource;
  binary: FfmpegBinary;
  spawn: SpawnFn;
  timings: SessionTimings;
  knownCodec?: VideoCodec;
  hls?: HlsProfile;
  /** The font for the demo's clock (a packaged file; see resources/fonts). */
  demoFontFile?: string;
  /** False once the demo's clock failed to draw on this machine: start without it. */
  demoClock?: boolean;
  /** Called when the demo's clock could not be drawn (so later sessions skip it). */
  onClockFailed?: () => void;
  /** Called on every phase change. */
  onChange: (session: StreamSession) => void;
  /** Called when ffmpeg reports the camera's video codec. */
  onCodec?: (codec: VideoCodec) => void;
  log: (line: string) => void;
}

const STDERR_TAIL_LINES = 40;

// What ffmpeg says when drawtext cannot load a font (5.1-7.x, with and without fontconfig).
const CLOCK_FAILED = /drawtext|Could not load font|font filename|valid font/i;

// The small probe ended before ffmpeg saw the video's size (a camera joined mid-GOP, a slow
// or loaded machine): measured here as "[mp4] dimensions not set" and exit 1 before live.
const PROBE_TOO_SHORT = /dimensions not set|Could not write header|unspecified size/i;

function codecFromName(name: string): VideoCodec {
  if (name === 'h264') return 'h264';
  if (name === 'hevc' || name === 'h265') return 'h265';
  if (name === 'mjpeg') return 'mjpeg';
  return 'other';
}

/**
 * One ffmpeg process turning one camera into HLS files in its own directory.
 * Reports `live` once the playlist lists a finished segment; stops with a ladder.
 */
export class StreamSession {
  readonly id: string;
  readonly dir: string;
  phase: SessionPhase = 'starting';
  failure: StreamFailure | null = null;
  pid: number | null = null;
  /** While reconnecting: the attempt number, and why the camera dropped. */
  reconnectAttempt = 0;
  dropped: StreamFailure | null = null;

  private readonly opts: SessionOptions;
  private redact: (text: string) => string;
  /** Holds the camera's credentials; ffmpeg only knows the relay (see rtsp-relay.ts). */
  private relay: RtspRelay | null = null;
  private child: FfmpegProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private startTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private stderrTail: string[] = [];
  private spawnedAt = 0;
  private codec: VideoCodec | undefined;
  private checkingPlaylist = false;
  /** Set while a run is replaced (to transcode, or the demo without clock): its files must not count. */
  private relaunching = false;
  private wentLive = false;
  /** Whether the demo draws its clock; dropped once drawtext fails. */
  private clock: boolean;
  /** Set once the small probe proved too short for this camera: probe fully from then on. */
  private fullProbe = false;
  private lastOutTimeUs = 0;
  private stopping: Promise<void> | null = null;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.dir = opts.dir;
    this.codec = opts.knownCodec;
    this.clock =
      opts.source.kind === 'demo' &&
      opts.demoClock !== false &&
      opts.binary.filters.has('drawtext');
    const secrets = opts.source.kind === 'rtsp' ? [opts.source.password] : [];
    this.redact = createRedactor(secrets);
  }

  /** True once the session is on its way to a final phase (stop or failure). */
  get closing(): boolean {
    return this.stopping !== null;
  }

  /** The last lines ffmpeg printed, with credentials removed. */
  get stderr(): string {
    return this.stderrTail.join('\n');
  }

  /** Creates the session directory and spawns ffmpeg; resolves once it runs. */
  async start(): Promise<void> {
    // Fresh and exclusive (a planted link or folder at this path fails it), ours, 0700.
    await createPrivateDir(this.dir);
    const { source } = this.opts;
    if (source.kind === 'rtsp') {
      this.relay = await RtspRelay.start({
        url: source.url,
        ...(source.username !== undefined ? { username: source.username } : {}),
        ...(source.password !== undefined ? { password: source.password } : {}),
        connectTimeoutMs: this.opts.timings.socketTimeoutMs,
        log: this.opts.log,
      });
      this.redact = createRedactor([source.password, this.relay.token]);
    }
    const timeout =
      (this.opts.source.kind === 'rtsp' ? this.opts.source.startTimeoutMs : undefined) ??
      this.opts.timings.startTimeoutMs;
    this.startTimer = setTimeout(() => {
      this.fail(streamFailure('timed-out'));
    }, timeout);
    this.watcher = watch(this.dir, () => void this.checkPlaylist());
    this.watcher.on('error', () => {
      // The directory went away under us (stop or failure); the exit path reports it.
    });
    if (source.kind === 'rtsp' && source.wake) {
      // Announced by the caller once start() resolves, like 'starting'.
      this.phase = 'waking';
      void this.wakeThenLaunch(source.url);
    } else {
      this.launch();
    }
  }

  /** Battery cameras start their RTSP server on demand: knock until it answers. */
  private async wakeThenLaunch(url: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      const answer = await probeRtsp(url, 2_000);
      if (this.stopping) return;
      if (answer.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (this.stopping) return;
    }
    this.opts.log(`session ${this.id}: camera awake after ${String(Date.now() - started)} ms`);
    this.phase = 'starting';
    this.opts.onChange(this);
    this.launch();
  }

  private get fastProbe(): boolean {
    return !this.fullProbe && (this.opts.hls ?? VIGIL_HLS).fastProbe;
  }

  private launch(): void {
    const { source } = this.opts;
    let inputList: string | undefined;
    if (source.kind === 'rtsp' && this.relay) {
      // Private (0600, in the 0700 session directory) and gone with the directory.
      inputList = join(this.dir, INPUT_LIST_NAME);
      writeFileSync(
        inputList,
        rtspInputList(this.relay.url, {
          transport: source.transport ?? 'tcp',
          socketTimeoutMs: this.opts.timings.socketTimeoutMs,
          fastProbe: this.fastProbe,
        }),
        { mode: 0o600 },
      );
    }
    const args = buildFfmpegArgs({
      source,
      ...(inputList ? { inputList } : {}),
      outDir: this.dir,
      socketTimeoutMs: this.opts.timings.socketTimeoutMs,
      ...(this.codec ? { knownCodec: this.codec } : {}),
      hasDrawtext: this.clock,
      ...(this.opts.demoFontFile ? { demoFontFile: this.opts.demoFontFile } : {}),
      hls: { ...(this.opts.hls ?? VIGIL_HLS), fastProbe: this.fastProbe },
    });
    this.spawnedAt = Date.now();
    const child = this.opts.spawn(this.opts.binary.path, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.pid = child.pid ?? null;
    this.opts.log(`session ${this.id}: ffmpeg pid ${String(this.pid)} started`);
    // If the app dies without stopping us, the next start finds and ends this process.
    if (this.pid !== null) {
      writeFile(join(this.dir, PID_FILE), String(this.pid)).catch(() => undefined);
    }
    child.stdin.on('error', () => {
      // ffmpeg may exit before it reads our 'q'; the ladder handles that.
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onProgress(chunk));
    let pending = '';
    let inInput = true;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        const line = this.redact(raw);
        if (/^Output #0/.test(line)) inInput = false;
        if (inInput) this.onInputLine(line);
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      }
    });
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': stderr may still be arriving at 'exit', and the reason is in it.
      child.once('close', (code, signal) => {
        if (pending) this.stderrTail.push(this.redact(pending));
        this.onExit(child, code, signal);
        resolve();
      });
      child.once('error', (error) => {
        // spawn failed (binary vanished): 'close' may never come.
        this.stderrTail.push(this.redact(error.message));
        this.onExit(child, null, null);
        resolve();
      });
    });
  }

  private onInputLine(line: string): void {
    const match = /Stream #0:\d+.*?: Video: (\w+)/.exec(line);
    if (!match?.[1] || this.opts.source.kind !== 'rtsp') return;
    const codec = codecFromName(match[1]);
    const copying = (this.codec ?? this.opts.source.videoCodec ?? 'h264') === 'h264';
    this.opts.onCodec?.(codec);
    if (codec !== 'h264' && copying && !this.relaunching) {
      // Chromium cannot play it: relaunch once, transcoding to H.264.
      this.opts.log(`session ${this.id}: camera sends ${match[1]}, transcoding to H.264`);
      this.codec = codec;
      void this.relaunch();
    }
  }

  private async relaunch(): Promise<void> {
    this.relaunching = true;
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      // No 'q' here: a clean stop would flush a segment we cannot play.
      child.kill('SIGKILL');
    }
    // Also a child already killed for a reconnect: the next one starts once it is gone.
    await this.exited;
    if (this.stopping) return;
    // Empty the directory but keep it (and its watcher).
    const names = await readdir(this.dir).catch(() => []);
    await Promise.all(
      names.map((name) => rm(join(this.dir, name), { force: true, recursive: true })),
    );
    this.relaunching = false;
    if (!this.stopping) this.launch();
  }

  private onProgress(chunk: string): void {
    // Only media time moving forward counts: ffmpeg keeps reporting while a frozen camera
    // sends nothing (RTCP alone keeps the session up).
    let advanced = false;
    for (const match of chunk.matchAll(/out_time_us=(\d+)/g)) {
      const outTime = Number(match[1]);
      if (outTime > this.lastOutTimeUs) {
        this.lastOutTimeUs = outTime;
        advanced = true;
      }
    }
    if (advanced) this.stallTimer?.refresh();
    // ffmpeg reports progress about twice a second: a cheap second trigger for readiness.
    if ((this.phase === 'starting' || this.phase === 'reconnecting') && chunk.includes('progress='))
      void this.checkPlaylist();
  }

  private async checkPlaylist(): Promise<void> {
    const waiting = this.phase === 'starting' || this.phase === 'reconnecting';
    if (!waiting || this.stopping || this.relaunching || this.checkingPlaylist) return;
    this.checkingPlaylist = true;
    try {
      const text = await readFile(join(this.dir, PLAYLIST_NAME), 'utf8');
      // A finished segment is listed only after ffmpeg closed it (temp_file flag).
      const ready = text.includes('#EXTINF:') && !this.relaunching && !this.stopping;
      if ((this.phase === 'starting' || this.phase === 'reconnecting') && ready) this.goLive();
    } catch {
      // Not written yet.
    } finally {
      this.checkingPlaylist = false;
    }
  }

  private goLive(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    const back = this.phase === 'reconnecting';
    this.phase = 'live';
    this.wentLive = true;
    this.reconnectAttempt = 0;
    this.dropped = null;
    this.stallTimer = setTimeout(() => {
      this.opts.log(
        `session ${this.id}: no media for ${String(this.opts.timings.stallTimeoutMs)} ms (out_time ${String(this.lastOutTimeUs)} µs)`,
      );
      this.dropOrFail(streamFailure('stalled'));
    }, this.opts.timings.stallTimeoutMs);
    this.opts.log(
      `session ${this.id}: ${back ? 'back' : 'live'} after ${String(Date.now() - this.spawnedAt)} ms`,
    );
    this.opts.onChange(this);
  }

  /**
   * The camera dropped: after going live, a drop that retrying can fix is a reconnect (same
   * session, same URL, the deadline keeps running); anything else, or before the first
   * picture, is a failure.
   */
  private dropOrFail(failure: StreamFailure): void {
    if (this.stopping) return;
    if (!this.wentLive || NOT_RETRIED.has(failure.reason)) {
      this.fail(failure);
      return;
    }
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.reconnectAttempt++;
    this.dropped = failure;
    const wait =
      RECONNECT_LADDER_MS[Math.min(this.reconnectAttempt, RECONNECT_LADDER_MS.length) - 1] ??
      10_000;
    this.opts.log(
      `session ${this.id}: camera dropped (${failure.reason}); reconnect attempt ${String(this.reconnectAttempt)} in ${String(wait)} ms`,
    );
    this.phase = 'reconnecting';
    this.opts.onChange(this);
    const child = this.child;
    this.child = null;
    // A frozen camera's ffmpeg may still run: it goes, without flushing a segment.
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopping) return;
      this.relay?.resetProblem();
      this.lastOutTimeUs = 0;
      void this.relaunch();
    }, wait);
  }

  private onExit(child: FfmpegProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return; // a relaunched or already-stopped process
    this.child = null;
    this.opts.log(
      `session ${this.id}: ffmpeg exited (code ${String(code)}, signal ${String(signal)})`,
    );
    if (this.phase !== 'starting' && this.phase !== 'live' && this.phase !== 'reconnecting') return;
    if (this.phase === 'starting' && this.fastProbe && PROBE_TOO_SHORT.test(this.stderr)) {
      // Costs one more connect for this camera, once; the fast path stays for the others.
      this.opts.log(`session ${this.id}: the small probe missed the video's size, probing fully`);
      this.fullProbe = true;
      void this.relaunch();
      return;
    }
    if (this.phase === 'starting' && this.clock && CLOCK_FAILED.test(this.stderr)) {
      // The clock is decoration: a demo without it beats no demo.
      this.opts.log(`session ${this.id}: drawtext failed, relaunching the demo without its clock`);
      this.clock = false;
      this.opts.onClockFailed?.();
      void this.relaunch();
      return;
    }
    this.dropOrFail(
      relayFailure(this.relay?.problem) ??
        classifyExit({
          code,
          signal,
          stderr: this.stderr,
          wasLive: this.phase === 'live' || this.phase === 'reconnecting',
          elapsedMs: Date.now() - this.spawnedAt,
          socketTimeoutMs: this.opts.timings.socketTimeoutMs,
        }),
    );
  }

  /** Ends the session as failed: process gone, directory gone, then reported. */
  private fail(failure: StreamFailure): void {
    if (this.stopping) return;
    this.failure = failure;
    const said = this.stderrTail.slice(-8).join('\n  ');
    this.opts.log(
      `session ${this.id}: failed (${failure.reason})${said ? `; ffmpeg said:\n  ${said}` : ''}`,
    );
    this.stopping = this.teardown('failed');
  }

  /** Stops ffmpeg (q, SIGTERM, SIGKILL) and deletes the directory; safe to call twice. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.phase = 'stopping';
      this.opts.onChange(this);
      this.stopping = this.teardown('ended');
    }
    return this.stopping;
  }

  private async teardown(final: 'ended' | 'failed'): Promise<void> {
    for (const timer of [this.startTimer, this.stallTimer, this.reconnectTimer])
      if (timer) clearTimeout(timer);
    this.watcher?.close();
    const child = this.child;
    this.child = null;
    // Never rejects and always reaches the final phase: a stuck rm (EBUSY on Windows) or a
    // relay that will not close must not leave the session in 'stopping' forever.
    try {
      // A child already killed for a reconnect may still be exiting: wait for it too.
      if (child) await this.terminate(child);
      else await this.exited;
      await this.relay?.close();
      await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      this.opts.log(
        `session ${this.id}: cleanup incomplete (${error instanceof Error ? error.message : String(error)}); the next start sweeps it`,
      );
    }
    this.phase = final;
    this.opts.onChange(this);
  }

  private async terminate(child: FfmpegProcess): Promise<void> {
    const exited = this.exited;
    const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
    const waitExit = (ms: number): Promise<boolean> =>
      Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(gone()), ms)),
      ]);
    if (gone()) return;
    // 'q' lets ffmpeg finish its files cleanly (40-80 ms measured), but ffmpeg reads stdin
    // only once it is converting: while it still opens the camera, SIGTERM comes first.
    if (this.wentLive) {
      child.stdin.end('q');
      if (await waitExit(this.opts.timings.stopStepMs)) return;
    }
    child.kill('SIGTERM');
    if (await waitExit(this.opts.timings.stopStepMs)) return;
    child.kill('SIGKILL');
    await exited;
  }
}
