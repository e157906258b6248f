import type { Readable } from 'node:stream';
import { LIVE_FD } from './ffmpeg-args';
import { writePidFile, type FfmpegChild, type SpawnFn } from './process-guard';

/** How one ffmpeg run ended. */
export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (the binary vanished, EACCES). */
  spawnError?: string;
}

/** One `-progress` report: whether media time moved forward, and whether a block ended. */
export interface FfmpegProgress {
  /** `out_time_us` grew: media is flowing (a frozen camera keeps ffmpeg reporting). */
  advanced: boolean;
  /** A `progress=` line arrived (ffmpeg reports about twice a second). */
  report: boolean;
}

export interface FfmpegRunOptions {
  spawn: SpawnFn;
  command: string;
  args: readonly string[];
  /** The run's private directory: its pid file goes there, for the start-up reaper. */
  dir: string;
  /** Applied to every stderr line before anything keeps or passes it on. */
  redact: (text: string) => string;
  /** Each complete stderr line, redacted. */
  onStderrLine?: (line: string) => void;
  /** Each chunk of `-progress pipe:1` output. */
  onProgress?: (progress: FfmpegProgress) => void;
  /**
   * The low-latency output's bytes (LIVE_FD, a fourth pipe). Node passes pipes beyond stdio on
   * Windows too (libuv hands the child its CRT descriptors), which ffmpeg's `pipe:N` opens.
   */
  onMedia?: (chunk: Buffer) => void;
  log?: (line: string) => void;
}

const STDERR_TAIL_LINES = 40;
const SEGMENT_CHATTER = /^\[hls @ 0x[0-9a-f]+\] Opening '.*' for writing$/;

/**
 * One supervised ffmpeg process: spawned (through the process guard's spawn), its PID on
 * file, its progress and redacted stderr tail read, and ended with `terminate` (the stop
 * ladder) or `kill` (at once). Knows nothing of cameras or sessions.
 */
export class FfmpegRun {
  readonly pid: number | null;
  /** Resolves once the process is gone and its output is read; never rejects. */
  readonly exited: Promise<FfmpegExit>;
  private readonly child: FfmpegChild;
  private readonly tail: string[] = [];
  private lastOutTimeUs = 0;

  constructor(options: FfmpegRunOptions) {
    const child = options.spawn(options.command, options.args, {
      stdio: options.onMedia ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.pid = child.pid ?? null;
    // If the app dies without ending us, the next start finds and ends this process.
    if (this.pid !== null) writePidFile(options.dir, this.pid).catch(() => undefined);
    child.stdin.on('error', () => {
      // ffmpeg may exit before it reads our 'q'; the ladder goes on to signals.
    });
    const onMedia = options.onMedia;
    const media = child.stdio[LIVE_FD] as Readable | null | undefined;
    if (onMedia && media) {
      media.on('data', (chunk: Buffer) => onMedia(chunk));
      media.on('error', () => {
        // The process is gone; its exit says why.
      });
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => options.onProgress?.(this.readProgress(chunk)));
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        const line = options.redact(raw);
        this.keep(line);
        options.onStderrLine?.(line);
      }
    });
    this.exited = new Promise((resolve) => {
      let settled = false;
      const settle = (exit: FfmpegExit): void => {
        if (settled) return;
        settled = true;
        resolve(exit);
      };
      // 'close', not 'exit': stderr may still be arriving at 'exit', and the reason is in it.
      child.once('close', (code, signal) => {
        if (pending) this.keep(options.redact(pending));
        settle({ code, signal });
      });
      child.once('error', (error) => {
        // spawn failed (binary vanished): 'close' may never come.
        const message = options.redact(error.message);
        this.keep(message);
        settle({ code: null, signal: null, spawnError: message });
      });
    });
  }

  /** The last lines ffmpeg printed, redacted. */
  get stderr(): string {
    return this.tail.join('\n');
  }

  /** The media time ffmpeg last reported, in µs. */
  get outTimeUs(): number {
    return this.lastOutTimeUs;
  }

  /** True until the process has exited (or was never there). */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.pid !== null;
  }

  /** Ends the process at once, without letting it flush (a run that is being replaced). */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /**
   * The stop ladder: `q` on stdin (when `quitFirst`: lets ffmpeg finish its files, 40-80 ms
   * measured), then SIGTERM, then SIGKILL, each rung waiting `stepMs`. Resolves once gone.
   */
  async terminate(options: { quitFirst: boolean; stepMs: number }): Promise<void> {
    const waitExit = (ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        this.exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(!this.running), ms);
        }),
      ]).finally(() => clearTimeout(timer));
    };
    if (!this.running) {
      await this.exited;
      return;
    }
    // ffmpeg reads stdin only once it is converting: while it still opens the camera, 'q'
    // goes unread, so callers ask for it only after the first picture.
    if (options.quitFirst) {
      this.child.stdin.end('q');
      if (await waitExit(options.stepMs)) return;
    }
    this.child.kill('SIGTERM');
    if (await waitExit(options.stepMs)) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private keep(line: string): void {
    // The HLS muxer announces every segment and playlist it writes (8 lines a second with
    // 0.25 s segments): chatter that would push the input's description and the real error
    // out of the tail. Still passed to onStderrLine.
    if (SEGMENT_CHATTER.test(line)) return;
    this.tail.push(line);
    if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
  }

  private readProgress(chunk: string): FfmpegProgress {
    let advanced = false;
    for (const match of chunk.matchAll(/out_time_us=(\d+)/g)) {
      const outTime = Number(match[1]);
      if (outTime > this.lastOutTimeUs) {
        this.lastOutTimeUs = outTime;
        advanced = true;
      }
    }
    return { advanced, report: chunk.includes('progress=') };
  }
}
