/** Lifecycle of one stream session; `ended` and `failed` are final. */
/** `waking` = a battery camera is being knocked on until it answers; then `starting`. */
/** `reconnecting` = the camera dropped after going live; main is bringing it back by itself. */
export type StreamState =
  'waking' | 'starting' | 'live' | 'reconnecting' | 'stopping' | 'ended' | 'failed';

/** Why a session failed; each has a user-facing message with what to do. */
export type StreamFailureReason =
  | 'unauthorized'
  | 'not-found'
  | 'refused'
  | 'unreachable'
  | 'timed-out'
  | 'unsupported'
  | 'camera-ended'
  | 'stalled'
  | 'ffmpeg-missing'
  | 'crashed'
  /** The camera sent Vigil on to another host; refused so the password stays with the camera. */
  | 'redirected';

/** Why a session ended normally. */
export type StreamEndReason = 'stopped' | 'timeout' | 'shutdown';

/**
 * Which of a camera's streams: its main one, or its smaller sub stream (an ONVIF sub profile,
 * or a second RTSP URL) that small wall tiles play. Each is its own session (one ffmpeg).
 */
export type StreamVariant = 'main' | 'sub';

/** What a renderer may know about a stream session. Never carries credentials. */
export interface StreamInfo {
  cameraId: string;
  variant: StreamVariant;
  sessionId: string;
  state: StreamState;
  /**
   * Playlist URL on the app's stream scheme; set only while `live`, and only while the run
   * writes HLS files: a kept-ready (warm) camera's session writes none until a viewer asks
   * (`StartStreamOptions.files`), so a page that joins it plays `liveUrl`.
   */
  url: string | null;
  /**
   * The low-latency stream (fragmented MP4, one fragment per frame, for Media Source) on the
   * app's stream scheme; set only while `live` and when the camera's video is copied (not
   * transcoded). `url` stays the fallback.
   */
  liveUrl: string | null;
  startedAt: number;
  /**
   * Epoch ms when main ends the session. Counted from the first picture, so null while
   * starting, and always null when the session has no time limit.
   */
  deadline: number | null;
  /** The session's length (start duration plus extensions) in seconds; null = no limit. */
  timeLimitSec: number | null;
  /** Number of viewers (windows, tray) holding the session open. */
  viewers: number;
  endReason: StreamEndReason | null;
  failure: StreamFailure | null;
  /** While `reconnecting`: which attempt this is (1, 2, …); null otherwise. */
  reconnectAttempt: number | null;
  /** While `reconnecting`: why the camera dropped (what the user is told); null otherwise. */
  dropped: StreamFailure | null;
  /**
   * The camera is kept ready (its `keepReady` option): main runs a session for it without
   * viewers, and starts a new one when this one ends. Absent: false.
   */
  warm?: boolean;
}

export interface StreamFailure {
  reason: StreamFailureReason;
  /** One or two sentences for the user: what happened and what to do. */
  message: string;
}

export interface StartStreamOptions {
  /** Session length in seconds; 0 = no limit. Defaults to 60. */
  durationSec?: number;
  /** Default 'main'. 'sub' only for a camera that has a sub stream (`Camera.hasSubStream`). */
  variant?: StreamVariant;
  /**
   * This viewer needs the HLS files (`url`): a page without Media Source, a fallback. A kept-
   * ready camera's session writes none until asked: it then restarts its run with them
   * ('reconnecting' until the playlist is live). Other sessions always write them.
   */
  files?: boolean;
}

/** Codecs a page may report it plays beyond H.264 (which every Chromium plays). */
export const PLAYABLE_CODECS = ['h265'] as const;
export type PlayableCodec = (typeof PLAYABLE_CODECS)[number];

/** Which stream of a camera a stop or release is about. */
export interface StreamTarget {
  variant?: StreamVariant;
}

/** The custom scheme the HLS files are served on. */
export const STREAM_SCHEME = 'vigil-stream';
/** Playlist file name inside a session. */
export const PLAYLIST_NAME = 'index.m3u8';
export const DEFAULT_STREAM_DURATION_SEC = 60;
/** The live durations a camera can be set to, in seconds; 0 = no limit (ends when its windows close). */
export const STREAM_DURATION_CHOICES: readonly number[] = [60, 300, 900, 0];
/** How much "Keep watching" adds, and how long before the end it is offered. */
export const KEEP_WATCHING_SEC = 60;
export const KEEP_WATCHING_OFFER_SEC = 10;

/** A duration in words: "1 min", "15 min", "90 s", "No limit". */
export function durationLabel(seconds: number): string {
  if (seconds === 0) return 'No limit';
  if (seconds % 3600 === 0) return `${String(seconds / 3600)} h`;
  if (seconds % 60 === 0) return `${String(seconds / 60)} min`;
  return `${String(seconds)} s`;
}

/** Upper bound for one `extend` call and for a session's remaining time. */
export const MAX_STREAM_DURATION_SEC = 24 * 60 * 60;

export function streamUrl(sessionId: string): string {
  return `${STREAM_SCHEME}://${sessionId}/${PLAYLIST_NAME}`;
}

/** The low-latency stream's file name inside a session (never a file: main streams it). */
export const LIVE_STREAM_NAME = 'live.mp4';

export function liveStreamUrl(sessionId: string): string {
  return `${STREAM_SCHEME}://${sessionId}/${LIVE_STREAM_NAME}`;
}
