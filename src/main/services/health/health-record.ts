import {
  HEALTH_TIMELINE_MAX,
  type HealthEvent,
  type MediaMeasurements,
  type StartupBreakdown,
  type StreamHealth,
} from '../../../shared/health';
import type { StreamInfo } from '../../../shared/streams';
import { inputStreamLine, videoMappingLine } from '../streaming/ffmpeg-stderr';
import type { SessionObserver } from '../streaming/session-config';
import { cpuPercent, processCpuMs } from './process-cpu';
import { StreamMeter } from './stream-meter';

/** How often a live session's new segments are measured (and ffmpeg's CPU read). */
export const HEALTH_SAMPLE_MS = 1_000;
/** ffmpeg lines the panel shows. */
const TAIL_LINES = 20;
/** The timeline keeps the session's first events and its latest ones. */
const TIMELINE_HEAD = 10;

export interface HealthRecordOptions {
  cameraId: string;
  sessionId: string;
  /** The session's folder: its segments are what the camera sent. */
  dir: string;
  /** When the stream was asked for. */
  requestedAt: number;
  /** A camera (not the built-in test pattern): only a camera's video can be "transcoded". */
  camera: boolean;
  /** The current ffmpeg's PID, for its CPU use. */
  pid: () => number | null;
  /** The session's last ffmpeg lines, redacted. */
  stderr: () => string;
  now?: () => number;
  sampleMs?: number;
}

interface InputDescription {
  video: Extract<ReturnType<typeof inputStreamLine>, { kind: 'video' }> | null;
  audio: Extract<ReturnType<typeof inputStreamLine>, { kind: 'audio' }> | null;
  transcoding: boolean;
}

/**
 * One session's health as it happens: the states it went through, where its start-up time
 * went, what ffmpeg says the camera sends, and (while live) what its segments measure. Fed by
 * the session (as its observer) and the stream service (each published state).
 */
export class HealthRecord implements SessionObserver {
  readonly cameraId: string;
  readonly sessionId: string;
  private readonly opts: HealthRecordOptions;
  private readonly now: () => number;
  private readonly meter: StreamMeter;
  private readonly timeline: HealthEvent[] = [];
  private launchedAt: number | null = null;
  private inputAt: number | null = null;
  private flowingAt: number | null = null;
  private liveAt: number | null = null;
  /** A run after the first picture (a reconnect): its marks are not the start-up's. */
  private relaunchedAfterLive = false;
  /** Where the current run's stderr is: its input description, the mapping, or past them. */
  private section: 'none' | 'input' | 'mapping' | 'output' = 'none';
  private input: InputDescription = { video: null, audio: null, transcoding: false };
  /** The description being read from the current run, kept once it is whole. */
  private reading: InputDescription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> | null = null;
  private cpuBefore: { cpuMs: number; at: number; pid: number } | null = null;
  private cpu: number | null = null;

  constructor(opts: HealthRecordOptions) {
    this.opts = opts;
    this.cameraId = opts.cameraId;
    this.sessionId = opts.sessionId;
    this.now = opts.now ?? Date.now;
    this.meter = new StreamMeter({ dir: opts.dir });
  }

  launched(): void {
    if (this.liveAt !== null) {
      this.relaunchedAfterLive = true;
      return;
    }
    // Before the first picture every run counts towards the start-up (a relaunch to
    // transcode, a fuller probe): the set-up step runs from the first launch.
    this.launchedAt ??= this.now();
    this.inputAt = null;
    this.flowingAt = null;
  }

  line(line: string): void {
    if (/^Input #0/.test(line)) {
      this.section = 'input';
      this.reading = { video: null, audio: null, transcoding: false };
      if (this.liveAt === null) this.inputAt = this.now();
      return;
    }
    if (/^Stream mapping:/.test(line)) {
      this.section = 'mapping';
      return;
    }
    if (/^(Output #0|Press \[q\])/.test(line)) {
      this.section = 'output';
      if (this.reading) this.input = this.reading;
      this.reading = null;
      return;
    }
    const reading = this.reading;
    if (!reading) return;
    if (this.section === 'input') {
      const stream = inputStreamLine(line);
      if (stream?.kind === 'video') reading.video ??= stream;
      else if (stream?.kind === 'audio') reading.audio ??= stream;
    } else if (this.section === 'mapping') {
      const mapping = videoMappingLine(line);
      if (mapping) reading.transcoding = this.opts.camera && mapping === 'encode';
    }
  }

  flowing(): void {
    // The folder watcher may see the first segment before ffmpeg's next progress report
    // (every 0.5 s): that run's report still counts, and is clamped to the first segment.
    if (!this.relaunchedAfterLive) this.flowingAt ??= this.now();
  }

  /** A state the stream service published for this session. */
  state(info: StreamInfo): void {
    if (info.sessionId !== this.sessionId) return;
    const at = this.now();
    const why = info.failure ?? info.dropped;
    const event: HealthEvent = {
      at,
      state: info.state,
      reason: why?.reason ?? null,
      message: why?.message ?? null,
      attempt: info.reconnectAttempt,
    };
    const last = this.timeline.at(-1);
    if (last?.state !== event.state || last.attempt !== event.attempt) {
      this.timeline.push(event);
      if (this.timeline.length > HEALTH_TIMELINE_MAX)
        this.timeline.splice(TIMELINE_HEAD, this.timeline.length - HEALTH_TIMELINE_MAX);
    }
    if (info.state === 'live') {
      this.liveAt ??= at;
      this.startSampling();
    } else {
      this.stopSampling();
    }
  }

  /** Stops measuring (the session ended); what was measured stays readable. */
  close(): void {
    this.stopSampling();
  }

  /** The health as of now; measures the newest segments first while live. */
  async snapshot(): Promise<StreamHealth> {
    if (this.timer) await this.sample();
    return {
      cameraId: this.cameraId,
      sessionId: this.sessionId,
      at: this.now(),
      timeline: this.timeline.map((e) => ({ ...e })),
      startup: this.startup(),
      media: this.media(),
      ffmpegTail: this.opts.stderr().split('\n').filter(Boolean).slice(-TAIL_LINES),
    };
  }

  private startup(): StartupBreakdown {
    const span = (from: number | null, to: number | null) =>
      from !== null && to !== null ? Math.max(0, to - from) : null;
    // ffmpeg reports progress twice a second, the folder watcher sees a segment at once:
    // media seen "flowing" after the first segment was listed flowed by then.
    const flowing =
      this.flowingAt !== null && this.liveAt !== null
        ? Math.min(this.flowingAt, this.liveAt)
        : this.flowingAt;
    return {
      prepareMs: span(this.opts.requestedAt, this.launchedAt),
      rtspSetupMs: span(this.launchedAt, this.inputAt),
      firstKeyframeMs: span(this.inputAt, flowing),
      firstSegmentMs: span(flowing, this.liveAt),
      totalMs: span(this.opts.requestedAt, this.liveAt),
    };
  }

  private media(): MediaMeasurements {
    const { video, audio, transcoding } = this.input;
    const measured = this.meter.reading();
    return {
      videoCodec: video?.codec ?? null,
      profile: video?.profile ?? null,
      width: video?.width ?? null,
      height: video?.height ?? null,
      fps: measured.fps ?? video?.fps ?? null,
      // Re-encoded video has Vigil's keyframes and no B-frames, not the camera's.
      gopSec: transcoding ? null : measured.gopSec,
      gopAtLeast: transcoding ? false : measured.gopAtLeast,
      bFrames: transcoding ? null : measured.bFrames,
      audioCodec: audio?.codec ?? null,
      audioSampleRate: audio?.sampleRate ?? null,
      audioChannels: audio?.channels ?? null,
      bitrate: transcoding ? null : measured.bitrate,
      transcoding,
      ffmpegCpuPercent: this.timer ? this.cpu : null,
      measuredSec: measured.measuredSec,
    };
  }

  private startSampling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), this.opts.sampleMs ?? HEALTH_SAMPLE_MS);
    this.timer.unref();
    void this.sample();
  }

  private stopSampling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.cpuBefore = null;
    this.cpu = null;
  }

  /** One measurement at a time; a caller during one waits for it. */
  private sample(): Promise<void> {
    this.sampling ??= (async () => {
      try {
        await Promise.all([this.meter.sample(), this.sampleCpu()]);
      } finally {
        this.sampling = null;
      }
    })();
    return this.sampling;
  }

  private async sampleCpu(): Promise<void> {
    const pid = this.opts.pid();
    if (pid === null) return;
    const cpuMs = await processCpuMs(pid);
    if (cpuMs === null) return;
    const now = { cpuMs, at: this.now(), pid };
    const before = this.cpuBefore;
    // Another run (a reconnect) starts its count at 0.
    if (before?.pid === pid && now.at - before.at >= 500) this.cpu = cpuPercent(before, now);
    if (before?.pid !== pid || now.at - before.at >= 500) this.cpuBefore = now;
  }
}
