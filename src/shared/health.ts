import type { StreamFailureReason, StreamState } from './streams';

/**
 * A camera's health as its last (or current) live session measured it: what happened when,
 * where the start-up time went, what the camera really sends, what ffmpeg said, and what to
 * change. Sent by main (`streams:health`); plain data, never credentials.
 */
export interface StreamHealth {
  cameraId: string;
  sessionId: string;
  /** Epoch ms the health was put together. */
  at: number;
  /** Every state the session went through, oldest first (at most HEALTH_TIMELINE_MAX). */
  timeline: HealthEvent[];
  /** Where the first picture's wait went, measured on this session's first run. */
  startup: StartupBreakdown;
  /** What the camera sends, from ffmpeg's view of the input and the session's own segments. */
  media: MediaMeasurements;
  /** The last lines ffmpeg printed, with credentials removed. */
  ffmpegTail: string[];
}

export interface HealthEvent {
  at: number;
  state: StreamState;
  /** Why: the failure or drop's reason and message; null when the state needs none. */
  reason: StreamFailureReason | null;
  message: string | null;
  /** While reconnecting: which attempt. */
  attempt: number | null;
}

/** Milliseconds each start-up step took; null when the step has not happened (yet). */
export interface StartupBreakdown {
  /** Asked to start → ffmpeg launched: waking a battery camera, the credential relay. */
  prepareMs: number | null;
  /** ffmpeg launched → it described the input: RTSP OPTIONS/DESCRIBE/SETUP/PLAY and probe. */
  rtspSetupMs: number | null;
  /** Input described → media time first moved (the first keyframe; ffmpeg reports every 0.5 s). */
  firstKeyframeMs: number | null;
  /** First keyframe → the first segment listed in the playlist (the session is live). */
  firstSegmentMs: number | null;
  /** The whole wait in main: asked to start → live. */
  totalMs: number | null;
}

/** What the camera sends. A value is null when it was not (yet) measured. */
export interface MediaMeasurements {
  /** ffmpeg's name of the camera's video codec ("h264", "hevc", …). */
  videoCodec: string | null;
  /** "High", "Main", "Constrained Baseline", … as ffmpeg reports it. */
  profile: string | null;
  width: number | null;
  height: number | null;
  /** Frames per second, counted in the session's segments (the camera's claim when none yet). */
  fps: number | null;
  /** Seconds between keyframes, measured (median of the intervals seen). */
  gopSec: number | null;
  /**
   * True when only one keyframe was seen so far: the GOP is at least `gopSec` (the time
   * measured since it).
   */
  gopAtLeast: boolean;
  /** Whether frames arrive out of presentation order (B-frames); null until measured. */
  bFrames: boolean | null;
  /** "aac", "pcm_alaw", …; null when the camera sends no audio. */
  audioCodec: string | null;
  audioSampleRate: number | null;
  audioChannels: string | null;
  /** Bits per second of the session's segments (video and audio). */
  bitrate: number | null;
  /** Vigil re-encodes the video to H.264 (the camera sends a codec Chromium cannot play). */
  transcoding: boolean;
  /** ffmpeg's CPU use in percent of one core; null where it cannot be read. */
  ffmpegCpuPercent: number | null;
  /** Seconds of segments the GOP, frame rate and bitrate were measured over. */
  measuredSec: number;
}

/** One thing to change, with what it gains. */
export interface HealthAdvice {
  /** Stable key, for tests and for the panel's icons. */
  kind: 'keyframe-interval' | 'transcoding' | 'b-frames' | 'bitrate' | 'sub-stream';
  /** What is wrong, measured ("Keyframe every 4.0 s"). */
  finding: string;
  /** What to change and the expected gain. */
  advice: string;
}

/** The timeline keeps the first start and the most recent changes. */
export const HEALTH_TIMELINE_MAX = 50;
