import type { StreamFailure } from '../../../shared/streams';
import type { HlsProfile } from './ffmpeg-args';
import type { FfmpegBinary } from './ffmpeg-binary';
import type { SpawnFn } from './process-guard';
import type { StreamSource, VideoCodec } from './source';

/** What one session is made of; the stream service fills it in. */
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
  /** Called on every phase change (read the session's public fields). */
  onChange: () => void;
  /** Called when ffmpeg reports the camera's video codec. */
  onCodec?: (codec: VideoCodec) => void;
  /** Told what each run does, for the camera's health panel. */
  observer?: SessionObserver;
  /**
   * Receives the low-latency output (fragmented MP4) of runs that write it; without a sink,
   * runs write HLS only.
   */
  live?: LiveSink;
  /** The codecs the pages can play, asked before each run (H.264 when not given). */
  playable?: () => readonly VideoCodec[];
  /**
   * False: runs write the low-latency output alone, no HLS files (a kept-ready camera; see
   * `StreamSession.writeFiles`). Default true.
   */
  files?: boolean;
  /**
   * A session without HLS files found its next run cannot write the low-latency output (the
   * video must be transcoded): 'files' writes HLS files from then on (someone watches), 'end'
   * ends the session (`transcodes` says why). Default 'files'.
   */
  whenTranscoding?: () => 'files' | 'end';
  log: (line: string) => void;
}

/**
 * What a session tells its health record besides its phases (which come with onChange):
 * each ffmpeg launch, each stderr line of the current run (redacted), and the moment its media
 * time first moves (ffmpeg starts writing at the first keyframe; it reports twice a second).
 */
export interface SessionObserver {
  launched(): void;
  line(line: string): void;
  flowing(): void;
}

/** Where a session's low-latency bytes go (the stream service's LiveHub). */
export interface LiveSink {
  /** A run that writes the output starts: what came before is another timeline. */
  newRun(): void;
  /** The run's bytes, as ffmpeg writes them (split anywhere). */
  write(chunk: Buffer): void;
  /** The session is over: every viewer's stream ends. */
  end(): void;
  /**
   * The current run has sent its init and a keyframe fragment: a viewer joining now gets a
   * picture at once. What makes a run without HLS files live.
   */
  readonly ready: boolean;
}

/** How long each step of a session may take; tests shorten them. */
export interface SessionTimings {
  /** ffmpeg's RTSP socket timeout. */
  socketTimeoutMs: number;
  /** Spawn → first finished segment, unless the source sets its own. */
  startTimeoutMs: number;
  /** While live: no progress report from ffmpeg for this long means the camera froze. */
  stallTimeoutMs: number;
  /** Wait after each rung of the stop ladder (q, SIGTERM) before the next. */
  stopStepMs: number;
  /**
   * A kept-ready camera's session failed (its reconnect ladder gave up, or it never started):
   * the pause before the next one, so a camera that is down costs a try every this often.
   */
  warmRetryMs: number;
}

/** The timings the app runs with. */
export const DEFAULT_TIMINGS: SessionTimings = {
  socketTimeoutMs: 3_000,
  startTimeoutMs: 9_000,
  stallTimeoutMs: 5_000,
  stopStepMs: 400,
  warmRetryMs: 30_000,
};

/**
 * How long to wait before each reconnect attempt after a live camera drops (then every 10 s
 * until the session's deadline). The deadline keeps running meanwhile.
 */
export const RECONNECT_LADDER_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * While waiting out a ladder step, knock (RTSP OPTIONS, no credentials) this often: a camera
 * that was down and answers again gets its next attempt at once instead of up to 10 s later.
 * The ladder stays the upper bound, and a step starts early at most once.
 */
export const RECONNECT_PROBE_MS = 500;
/** One knock's limit: a camera on the LAN answers in milliseconds once its server is up. */
export const RECONNECT_PROBE_TIMEOUT_MS = 1_500;

// A camera that refuses us, or sends us elsewhere, will not change its mind by retrying.
const NOT_RETRIED = new Set([
  'unauthorized',
  'not-found',
  'redirected',
  'unsupported',
  'ffmpeg-missing',
]);

// Attempts that never reached the camera's RTSP server: it was down, not just its media.
const UNREACHED = new Set(['refused', 'unreachable', 'timed-out']);

/** True when a reconnect attempt failed because the camera itself did not answer. */
export function cameraWasDown(failure: StreamFailure): boolean {
  return UNREACHED.has(failure.reason);
}

/** True when a live camera's drop is worth reconnecting for (not a refusal or a redirect). */
export function worthReconnecting(failure: StreamFailure): boolean {
  return !NOT_RETRIED.has(failure.reason);
}

/** The wait before reconnect attempt `attempt` (1, 2, …). */
export function reconnectDelayMs(attempt: number): number {
  return RECONNECT_LADDER_MS[Math.min(attempt, RECONNECT_LADDER_MS.length) - 1] ?? 10_000;
}
