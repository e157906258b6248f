import {
  liveStreamUrl,
  streamUrl,
  type StreamEndReason,
  type StreamInfo,
  type StreamVariant,
} from '../../../shared/streams';
import type { HealthRecord } from '../health/health-record';
import type { LiveHub } from './live-hub';
import type { StreamDeadline } from './stream-deadline';
import type { StreamSession } from './stream-session';

/** Who holds a session open: a window's id, 'tray', a test. */
export type ViewerId = string;

/** What the stream service keeps per camera: the session and who holds it, until how long. */
export interface Entry {
  cameraId: string;
  /** The camera's main stream, or its sub stream (a separate session, one ffmpeg each). */
  variant: StreamVariant;
  session: StreamSession;
  viewers: Set<ViewerId>;
  startedAt: number;
  deadline: StreamDeadline;
  endReason: StreamEndReason | null;
  /** ffmpeg runs that reached a picture (each reconnect or restart is a new run). */
  runs: number;
  onAir: boolean;
  /** Holders (a recording) that keep the session past its deadline and its last viewer. */
  keepers: Set<string>;
  /** The deadline passed while kept: the session ends when its last keeper lets go. */
  overdue: boolean;
  /** What the health panel shows of this session. */
  health: HealthRecord;
  /** The low-latency output's fan-out to viewers (init, the GOP since the last keyframe, live). */
  live: LiveHub;
  /**
   * Launched for a kept-ready camera and no viewer has joined yet: it has no deadline; the
   * first viewer's time counts from when it joins.
   */
  awaitingViewer: boolean;
}

/**
 * What a reader of the session's own files (a recorder, the live picture) may know: its HLS
 * folder, and which ffmpeg run wrote it.
 */
export interface SessionOutput {
  sessionId: string;
  dir: string;
  /** Counts the runs that reached a picture; a new number means a new init segment. */
  run: number;
  /** False while reconnecting or stopping: the folder holds the last run's files, or none. */
  live: boolean;
  /**
   * False while the session writes no HLS files (a kept-ready camera nobody asked files of):
   * the folder has no playlist, init or segment to read. `StreamService.ensureFiles` asks.
   * Always set by the service (optional for readers' test doubles: absent means files).
   */
  files?: boolean;
}

/** An entry as renderers see it (plain data); `warm`: its camera is kept ready. */
export function entryInfo(entry: Entry, warm = false): StreamInfo {
  const { session } = entry;
  const state = session.phase;
  const playable = state === 'live' && !session.stopping;
  return {
    cameraId: entry.cameraId,
    variant: entry.variant,
    sessionId: session.id,
    state,
    // A failing session is still 'live' until its teardown ends: no URL to play by then.
    // A run without files has no playlist: pages play liveUrl (or ask for files).
    url: playable && session.writesFiles ? streamUrl(session.id) : null,
    liveUrl: playable && session.lowLatency ? liveStreamUrl(session.id) : null,
    startedAt: entry.startedAt,
    deadline: entry.deadline.at,
    timeLimitSec: entry.deadline.limitSec,
    viewers: entry.viewers.size,
    endReason: state === 'ended' ? (entry.endReason ?? 'stopped') : null,
    failure: state === 'failed' ? session.failure : null,
    reconnectAttempt: state === 'reconnecting' ? session.reconnectAttempt : null,
    dropped: state === 'reconnecting' ? session.dropped : null,
    ...(warm ? { warm } : {}),
  };
}

/** The entry's output; undefined before its first picture and after it ends. */
export function entryOutput(entry: Entry): SessionOutput | undefined {
  const phase = entry.session.phase;
  if (entry.runs === 0 || phase === 'ended' || phase === 'failed') return undefined;
  const { session } = entry;
  return {
    sessionId: session.id,
    dir: session.dir,
    run: entry.runs,
    live: phase === 'live' && !session.stopping,
    files: session.writesFiles,
  };
}

/**
 * The stream service's key for a camera's stream: the camera id for its main stream (so
 * everything about a camera's main stream is found by the camera id), `<id>#sub` for its sub
 * stream (camera ids never hold '#': they are UUIDs, or 'demo').
 */
export function streamKey(cameraId: string, variant: StreamVariant): string {
  return variant === 'main' ? cameraId : `${cameraId}#sub`;
}

/** The entry's key in the stream service. */
export function keyOf(entry: Entry): string {
  return streamKey(entry.cameraId, entry.variant);
}
