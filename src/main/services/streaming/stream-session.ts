import { writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamFailure } from '../../../shared/streams';
import { wakeCamera } from './camera-wake';
import { FfmpegRun, type FfmpegExit, type FfmpegProgress } from './ffmpeg-run';
import { inputCodecReader } from './ffmpeg-stderr';
import { classifyExit, relayFailure, streamFailure } from './failure';
import { HlsReadiness } from './hls-readiness';
import { createPrivateDir } from './private-dir';
import { createRedactor } from './redact';
import { RunPlan } from './run-plan';
import { knockUntilBack } from './rtsp-probe';
import {
  RECONNECT_PROBE_MS,
  RECONNECT_PROBE_TIMEOUT_MS,
  cameraWasDown,
  reconnectDelayMs,
  worthReconnecting,
  type SessionOptions,
} from './session-config';
import type { StreamSource, VideoCodec } from './source';
import { openSourceAccess, type SourceAccess } from './source-access';

/** Where a session is in its life; `ended` and `failed` are final. */
export type SessionPhase =
  'waking' | 'starting' | 'live' | 'reconnecting' | 'stopping' | 'ended' | 'failed';

/**
 * One camera turned into HLS files in its own directory (and, where video is copied, the
 * low-latency output): the state machine (waking → starting → live ⇄ reconnecting → ended |
 * failed), its reconnect ladder, and when to run ffmpeg again (RunPlan says how). Processes
 * are supervised by FfmpegRun, readiness comes from HlsReadiness (or, for a run without
 * files, the low-latency sink), battery cameras are woken by wakeCamera.
 */
export class StreamSession {
  readonly id: string;
  readonly dir: string;
  phase: SessionPhase = 'starting';
  failure: StreamFailure | null = null;
  /** The last ffmpeg spawned, for diagnostics. */
  pid: number | null = null;
  /** While reconnecting: the attempt number, and why the camera dropped. */
  reconnectAttempt = 0;
  dropped: StreamFailure | null = null;

  private readonly opts: SessionOptions;
  /** What ffmpeg reads; replaced by restart() when the camera's settings change. */
  private source: StreamSource;
  /** Bumped by restart(): work of an older generation (a wake, a relaunch) must not go on. */
  private generation = 0;
  /** The credential relay and redactor of the current source; none until start. */
  private access: SourceAccess | null = null;
  /** The run whose exit and output count; null while none is wanted. */
  private ffmpeg: FfmpegRun | null = null;
  /** The latest run, also once it exited or was let go: awaited before the next one. */
  private lastRun: FfmpegRun | null = null;
  private readonly readiness: HlsReadiness;
  private startTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** While a ladder step is waited out: ends its knocking (timer and socket). */
  private stopKnocking: (() => void) | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private spawnedAt = 0;
  private readonly plan: RunPlan;
  /** Set while a run is replaced: its files must not count. */
  private relaunching = false;
  private wentLive = false;
  private stopped: Promise<void> | null = null;
  /** The current run writes the low-latency output, and its bytes still make sense. */
  private liveRun = false;
  /** Runs from now on write HLS files (false: the low-latency output alone; see writeFiles). */
  private filesWanted: boolean;
  /** The current run writes HLS files: its playlist, not the low-latency output, says live. */
  private runFiles = true;
  /**
   * Ended because its runs would have to transcode, which gives no low-latency output: a
   * session without files had nothing to show (see SessionOptions.whenTranscoding).
   */
  transcodes = false;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.dir = opts.dir;
    this.source = opts.source;
    this.filesWanted = opts.files ?? true;
    this.plan = new RunPlan({
      source: opts.source,
      binary: opts.binary,
      socketTimeoutMs: opts.timings.socketTimeoutMs,
      ...(opts.knownCodec ? { knownCodec: opts.knownCodec } : {}),
      ...(opts.hls ? { hls: opts.hls } : {}),
      ...(opts.demoFontFile ? { demoFontFile: opts.demoFontFile } : {}),
      ...(opts.demoClock !== undefined ? { demoClock: opts.demoClock } : {}),
      liveOutput: opts.live !== undefined,
      ...(opts.playable ? { playable: opts.playable } : {}),
    });
    this.readiness = new HlsReadiness(
      this.dir,
      // A run without files is live by its low-latency output (onMedia), never by a playlist.
      () => this.waiting && !this.stopped && !this.relaunching && this.runFiles,
      () => this.goLive(),
    );
  }

  /** True once the session is on its way to a final phase (stopped or failed). */
  get stopping(): boolean {
    return this.stopped !== null;
  }

  /** True while the current run feeds the low-latency output (video copied, not transcoded). */
  get lowLatency(): boolean {
    return this.liveRun && this.ffmpeg !== null;
  }

  /**
   * Runs write HLS files (the playlist `StreamInfo.url` names). False for a kept-ready camera's
   * session until someone asks for them (writeFiles).
   */
  get writesFiles(): boolean {
    return this.filesWanted;
  }

  /** The last lines ffmpeg printed, with credentials removed. */
  get stderr(): string {
    return this.lastRun?.stderr ?? '';
  }

  /** Creates the session directory and spawns ffmpeg (or starts waking the camera). */
  async start(): Promise<void> {
    // Fresh and exclusive (a planted link or folder at this path fails it), ours, 0700.
    await createPrivateDir(this.dir);
    this.access = await this.openAccess(this.source);
    this.armStartTimer();
    this.readiness.watch();
    if (this.wakes) {
      // Announced by the caller once start() resolves, like 'starting'.
      this.phase = 'waking';
      void this.wakeThenLaunch(this.generation);
    } else {
      this.launch();
    }
  }

  /**
   * The camera's settings changed: ends the running ffmpeg (without flushing a segment),
   * forgets what was learned from the old source, and starts over from `source` in this same
   * session and directory. A session that has been live says 'reconnecting' (attempt 1,
   * nothing dropped) until the new source is live; one that has not says 'starting' (or
   * 'waking') again, with a fresh start timeout.
   */
  restart(source: StreamSource): Promise<void> {
    return this.rerun('camera changed, restarting from its new settings', source);
  }

  /**
   * A viewer needs the HLS files of a session that writes none (a kept-ready camera): the run
   * is replaced by one writing both outputs, the way restart() does it ('reconnecting' until
   * its playlist is live; low-latency viewers get the new run's init in-band). The relay, the
   * source and what was learned about it stay.
   */
  writeFiles(): Promise<void> {
    if (this.filesWanted || this.stopped) return Promise.resolve();
    this.filesWanted = true;
    return this.rerun('a viewer needs HLS files, restarting with them', null);
  }

  /** Replaces the run: from a new source (its relay opened afresh), or the same one. */
  private async rerun(why: string, source: StreamSource | null): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    if (source) {
      this.source = source;
      this.plan.reset(source);
    }
    for (const timer of [this.stallTimer, this.reconnectTimer]) if (timer) clearTimeout(timer);
    this.stallTimer = null;
    this.reconnectTimer = null;
    this.endKnocking();
    if (this.wentLive) {
      this.phase = 'reconnecting';
      this.reconnectAttempt = 1;
      this.dropped = null;
    } else {
      this.phase = this.wakes ? 'waking' : 'starting';
      this.armStartTimer();
    }
    this.opts.log(`session ${this.id}: ${why}`);
    this.opts.onChange();
    this.relaunching = true;
    await this.letGo();
    if (this.isStale(generation)) return;
    if (source) {
      const old = this.access;
      this.access = null;
      await old?.close();
    }
    await this.emptyDirectory();
    if (this.isStale(generation)) return;
    if (source) {
      let access: SourceAccess;
      try {
        access = await this.openAccess(source);
      } catch (error) {
        if (!this.isStale(generation)) {
          this.fail(streamFailure('unreachable', error instanceof Error ? error.message : ''));
        }
        return;
      }
      if (this.isStale(generation)) {
        // A stop or a newer restart came meanwhile, and closed only the relay it knew of.
        await access.close();
        return;
      }
      this.access = access;
    }
    this.relaunching = false;
    if (this.wakes) void this.wakeThenLaunch(generation);
    else this.launch();
  }

  /** Stops ffmpeg (q, SIGTERM, SIGKILL) and deletes the directory; safe to call twice. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.phase = 'stopping';
      this.opts.onChange();
      this.stopped = this.stopAs('ended');
    }
    return this.stopped;
  }

  private get waiting(): boolean {
    return this.phase === 'starting' || this.phase === 'reconnecting';
  }

  private get wakes(): boolean {
    return this.source.kind === 'rtsp' && this.source.wake === true;
  }

  private isStale(generation: number): boolean {
    return this.stopped !== null || generation !== this.generation;
  }

  private openAccess(source: StreamSource): Promise<SourceAccess> {
    const { socketTimeoutMs } = this.opts.timings;
    return openSourceAccess(source, { connectTimeoutMs: socketTimeoutMs, log: this.opts.log });
  }

  private armStartTimer(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    const timeout =
      (this.source.kind === 'rtsp' ? this.source.startTimeoutMs : undefined) ??
      this.opts.timings.startTimeoutMs;
    this.startTimer = setTimeout(() => {
      this.fail(streamFailure('timed-out'));
    }, timeout);
  }

  private async wakeThenLaunch(generation: number): Promise<void> {
    if (this.source.kind !== 'rtsp') return;
    const took = await wakeCamera(this.source.url, {
      cancelled: () => this.isStale(generation),
    });
    if (took === null) return;
    this.opts.log(`session ${this.id}: camera awake after ${String(took)} ms`);
    // A session restarted after it was live stays 'reconnecting' until it is back.
    if (!this.wentLive) {
      this.phase = 'starting';
      this.opts.onChange();
    }
    this.launch();
  }

  private launch(): void {
    if (!this.filesWanted && !this.plan.writesLive()) {
      if ((this.opts.whenTranscoding?.() ?? 'files') === 'end') {
        this.transcodes = true;
        this.opts.log(
          `session ${this.id}: the camera's video must be transcoded, which gives no low-latency output, and nobody needs files: ending the session`,
        );
        void this.stop();
        return;
      }
      this.filesWanted = true;
      this.opts.log(
        `session ${this.id}: the camera's video must be transcoded (no low-latency output): writing HLS files`,
      );
    }
    // Without files the session folder still holds two small private files, both needed: the
    // ffconcat input list (the relay's URL is never on the command line) and the pid file the
    // start-up sweep reaps a crashed run's ffmpeg by. Neither is media; both go with the folder.
    const files = this.filesWanted;
    const { args, inputList, live } = this.plan.launch(
      this.dir,
      this.access?.relay?.url ?? null,
      files,
    );
    // Private (0600, in the 0700 session directory) and gone with the directory.
    if (inputList) writeFileSync(inputList.path, inputList.text, { mode: 0o600 });
    this.spawnedAt = Date.now();
    this.opts.observer?.launched();
    let flowing = false;
    const readCodec = inputCodecReader((codec, name) => {
      if (run === this.ffmpeg) this.onInputCodec(codec, name);
    });
    const sink = live ? this.opts.live : undefined;
    this.liveRun = sink !== undefined;
    this.runFiles = files;
    sink?.newRun();
    // Only the current run's output counts: a replaced run's last lines speak of old settings.
    const run: FfmpegRun = new FfmpegRun({
      spawn: this.opts.spawn,
      command: this.opts.binary.path,
      args,
      dir: this.dir,
      // A launch always follows openAccess; even so, never a run without a redactor.
      redact:
        this.access?.redact ??
        createRedactor(this.source.kind === 'rtsp' ? [this.source.password] : []),
      onStderrLine: (line) => {
        if (run !== this.ffmpeg) return;
        readCodec(line);
        this.opts.observer?.line(line);
      },
      onProgress: (progress) => {
        if (run !== this.ffmpeg) return;
        if (progress.advanced && !flowing) {
          flowing = true;
          this.opts.observer?.flowing();
        }
        this.onProgress(progress);
      },
      ...(sink
        ? {
            onMedia: (chunk: Buffer) => {
              if (run !== this.ffmpeg || !this.liveRun) return;
              try {
                sink.write(chunk);
                if (!files && sink.ready && this.waiting && !this.relaunching && !this.stopped)
                  this.goLive();
              } catch (error) {
                // Bytes that are not MP4 boxes: this run's output is lost to viewers (they
                // fall back to HLS); the next run starts it afresh.
                this.liveRun = false;
                sink.newRun();
                this.opts.log(
                  `session ${this.id}: low-latency output unreadable (${error instanceof Error ? error.message : String(error)})`,
                );
                this.opts.onChange();
                // Without files, the run shows nothing any more: a broken run, like a crash.
                if (!files) this.dropOrFail(streamFailure('crashed'));
              }
            },
          }
        : {}),
    });
    this.ffmpeg = run;
    this.lastRun = run;
    this.pid = run.pid;
    this.opts.log(`session ${this.id}: ffmpeg pid ${String(this.pid)} started`);
    void run.exited.then((exit) => this.onExit(run, exit));
  }

  private onInputCodec(codec: VideoCodec, name: string): void {
    if (this.source.kind !== 'rtsp') return;
    this.opts.onCodec?.(codec);
    if (!this.relaunching && this.plan.needsRelaunch(codec)) {
      // The pages cannot play it (relaunch once, transcoding to H.264), or it is H.265 they
      // play (relaunch once with its hvc1 tag).
      this.opts.log(
        `session ${this.id}: camera sends ${name}, ${this.plan.copies(codec) ? 'copying it' : 'transcoding to H.264'}`,
      );
      void this.relaunch();
    }
  }

  /** Ends the latest run at once (no 'q': a clean stop would flush a segment we cannot play). */
  private async letGo(): Promise<void> {
    const previous = this.lastRun;
    this.ffmpeg = null;
    previous?.kill();
    // Also a run already killed for a reconnect: the next one starts once it is gone.
    await previous?.exited;
  }

  /** Empties the directory but keeps it (and its watcher) for the next run. */
  private async emptyDirectory(): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    await Promise.all(
      names.map((name) => rm(join(this.dir, name), { force: true, recursive: true })),
    );
  }

  /** Replaces the current run with a new one (same source, new arguments). */
  private async relaunch(): Promise<void> {
    const generation = this.generation;
    this.relaunching = true;
    await this.letGo();
    // Stopped, or restarted from new settings (that generation launches its own ffmpeg).
    if (this.isStale(generation)) return;
    await this.emptyDirectory();
    if (this.isStale(generation)) return;
    this.relaunching = false;
    this.launch();
  }

  private onProgress(progress: FfmpegProgress): void {
    // Only media time moving forward counts: ffmpeg keeps reporting while a frozen camera
    // sends nothing (RTCP alone keeps the session up).
    if (progress.advanced) this.stallTimer?.refresh();
    // ffmpeg reports progress about twice a second: a cheap second trigger for readiness.
    if (progress.report && this.waiting) void this.readiness.check();
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
        `session ${this.id}: no media for ${String(this.opts.timings.stallTimeoutMs)} ms (out_time ${String(this.ffmpeg?.outTimeUs ?? 0)} µs)`,
      );
      this.dropOrFail(streamFailure('stalled'));
    }, this.opts.timings.stallTimeoutMs);
    this.opts.log(
      `session ${this.id}: ${back ? 'back' : 'live'} after ${String(Date.now() - this.spawnedAt)} ms`,
    );
    this.opts.onChange();
  }

  /**
   * The camera dropped: after going live, a drop that retrying can fix is a reconnect (same
   * session, same URL, the deadline keeps running); anything else, or before the first
   * picture, is a failure.
   */
  private dropOrFail(failure: StreamFailure): void {
    if (this.stopped) return;
    if (!this.wentLive || !worthReconnecting(failure)) {
      this.fail(failure);
      return;
    }
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.reconnectAttempt++;
    this.dropped = failure;
    const wait = reconnectDelayMs(this.reconnectAttempt);
    this.opts.log(
      `session ${this.id}: camera dropped (${failure.reason}); reconnect attempt ${String(this.reconnectAttempt)} in ${String(wait)} ms`,
    );
    this.phase = 'reconnecting';
    this.opts.onChange();
    // A frozen camera's ffmpeg may still run: it goes, without flushing a segment.
    const run = this.ffmpeg;
    this.ffmpeg = null;
    run?.kill();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectNow();
    }, wait);
    const step = this.reconnectAttempt;
    // A rebooting camera is down 30–60 s: without knocking it would wait up to a whole 10 s
    // step once back. Only a camera seen down (this attempt unanswered, or a knock) counts as
    // back: one that answers while its media fails goes on down the ladder, and a step starts
    // early at most once. The knock goes where the relay goes (the source's host and port),
    // without credentials.
    if (this.source.kind === 'rtsp' && wait > RECONNECT_PROBE_MS) {
      this.stopKnocking = knockUntilBack(this.source.url, {
        intervalMs: RECONNECT_PROBE_MS,
        timeoutMs: RECONNECT_PROBE_TIMEOUT_MS,
        down: cameraWasDown(failure),
        wanted: () =>
          !this.stopped && this.reconnectTimer !== null && this.reconnectAttempt === step,
        onBack: () => {
          this.opts.log(
            `session ${this.id}: camera answers again, reconnect attempt ${String(step)} now`,
          );
          this.reconnectNow();
        },
      });
    }
  }

  /** The next reconnect attempt, when its ladder step is over or the camera answers again. */
  private reconnectNow(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.endKnocking();
    if (this.stopped) return;
    this.access?.relay?.resetProblem();
    void this.relaunch();
  }

  private endKnocking(): void {
    this.stopKnocking?.();
    this.stopKnocking = null;
  }

  private onExit(run: FfmpegRun, { code, signal }: FfmpegExit): void {
    if (run !== this.ffmpeg) return; // a replaced or already-stopped run
    this.ffmpeg = null;
    this.opts.log(
      `session ${this.id}: ffmpeg exited (code ${String(code)}, signal ${String(signal)})`,
    );
    if (!this.waiting && this.phase !== 'live') return;
    const fix = this.phase === 'starting' ? this.plan.fixAfterEarlyExit(run.stderr) : null;
    if (fix === 'full-probe') {
      // Costs one more connect for this camera, once; the fast path stays for the others.
      this.opts.log(`session ${this.id}: the small probe missed the video's size, probing fully`);
    } else if (fix === 'no-clock') {
      // The clock is decoration: a demo without it beats no demo.
      this.opts.log(`session ${this.id}: drawtext failed, relaunching the demo without its clock`);
      this.opts.onClockFailed?.();
    }
    if (fix) {
      void this.relaunch();
      return;
    }
    this.dropOrFail(
      relayFailure(this.access?.relay?.problem) ??
        classifyExit({
          code,
          signal,
          stderr: run.stderr,
          wasLive: this.phase === 'live' || this.phase === 'reconnecting',
          elapsedMs: Date.now() - this.spawnedAt,
          socketTimeoutMs: this.opts.timings.socketTimeoutMs,
        }),
    );
  }

  /** Ends the session as failed: process gone, directory gone, then reported. */
  private fail(failure: StreamFailure): void {
    if (this.stopped) return;
    this.failure = failure;
    const said = this.stderr.split('\n').filter(Boolean).slice(-8).join('\n  ');
    this.opts.log(
      `session ${this.id}: failed (${failure.reason})${said ? `; ffmpeg said:\n  ${said}` : ''}`,
    );
    this.stopped = this.stopAs('failed');
  }

  private async stopAs(final: 'ended' | 'failed'): Promise<void> {
    for (const timer of [this.startTimer, this.stallTimer, this.reconnectTimer])
      if (timer) clearTimeout(timer);
    this.liveRun = false;
    this.opts.live?.end();
    this.endKnocking();
    this.readiness.close();
    const run = this.ffmpeg;
    this.ffmpeg = null;
    // Never rejects and always reaches the final phase: a stuck rm (EBUSY on Windows) or a
    // relay that will not close must not leave the session in 'stopping' forever.
    try {
      // 'q' only after the first picture: before it, ffmpeg does not read stdin yet.
      if (run)
        await run.terminate({ quitFirst: this.wentLive, stepMs: this.opts.timings.stopStepMs });
      // A run already let go (a reconnect, a relaunch) may still be exiting: wait for it too.
      else await this.lastRun?.exited;
      await this.access?.close();
      await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      this.opts.log(
        `session ${this.id}: cleanup incomplete (${error instanceof Error ? error.message : String(error)}); the next start sweeps it`,
      );
    }
    this.phase = final;
    this.opts.onChange();
  }
}
