import { join } from 'node:path';
import {
  buildFfmpegArgs,
  copiesVideo,
  INPUT_LIST_NAME,
  rtspInputList,
  VIGIL_HLS,
  writesLiveOutput,
  type FfmpegArgsOptions,
  type HlsProfile,
} from './ffmpeg-args';
import type { FfmpegBinary } from './ffmpeg-binary';
import { clockFailed, probeTooShort } from './ffmpeg-stderr';
import type { StreamSource, VideoCodec } from './source';

export interface RunPlanOptions {
  source: StreamSource;
  binary: FfmpegBinary;
  /** ffmpeg's RTSP socket timeout. */
  socketTimeoutMs: number;
  /** What an earlier session of this camera learned it sends. */
  knownCodec?: VideoCodec;
  hls?: HlsProfile;
  /** The font for the demo's clock (a packaged file; see resources/fonts). */
  demoFontFile?: string;
  /** False once the demo's clock failed to draw on this machine: start without it. */
  demoClock?: boolean;
  /** Also write the low-latency output (fragmented MP4 on a pipe) where video is copied. */
  liveOutput?: boolean;
  /** The codecs the pages can play, asked when a run is planned (see ffmpeg-args). */
  playable?: () => readonly VideoCodec[];
}

/** What a session writes before a run: the run's arguments, and its private input list. */
export interface RunLaunch {
  args: string[];
  /** RTSP only: the ffconcat list naming the relay (written 0600 into the session folder). */
  inputList: { path: string; text: string } | null;
  /** The run writes the low-latency output on LIVE_FD. */
  live: boolean;
}

/** The change that may let the next run work after one ended before its first picture. */
export type EarlyExitFix = 'full-probe' | 'no-clock';

/**
 * How a session's next ffmpeg run is set up (copy or transcode, a small or a full probe, the
 * demo's clock), and what a run teaches about the next: the codec it reports, or why it
 * ended before the first picture. Camera and session state stay with the session.
 */
export class RunPlan {
  private source: StreamSource;
  private codec: VideoCodec | undefined;
  /** Whether the demo draws its clock; dropped once drawtext fails. */
  private clock: boolean;
  /** Set once the small probe proved too short for this camera: probe fully from then on. */
  private fullProbe = false;

  constructor(private readonly opts: RunPlanOptions) {
    this.source = opts.source;
    this.codec = opts.knownCodec;
    this.clock = this.clockWanted();
  }

  /** Forgets everything learned about the old source: the camera's settings changed. */
  reset(source: StreamSource): void {
    this.source = source;
    this.codec = undefined;
    this.fullProbe = false;
    this.clock = this.clockWanted();
  }

  /**
   * The arguments of a run writing into `dir`; an RTSP source is read through `relayUrl`.
   * `files` false: the low-latency output alone, no HLS files (only when `writesLive()`).
   */
  launch(dir: string, relayUrl: string | null, files = true): RunLaunch {
    const { source } = this;
    const fastProbe = this.fastProbe;
    let inputList: RunLaunch['inputList'] = null;
    if (source.kind === 'rtsp' && relayUrl !== null) {
      inputList = {
        path: join(dir, INPUT_LIST_NAME),
        text: rtspInputList(relayUrl, {
          transport: source.transport ?? 'tcp',
          socketTimeoutMs: this.opts.socketTimeoutMs,
          fastProbe,
        }),
      };
    }
    const options: FfmpegArgsOptions = {
      ...this.argsBase(),
      ...(inputList ? { inputList: inputList.path } : {}),
      outDir: dir,
      hlsFiles: files,
    };
    return { args: buildFfmpegArgs(options), inputList, live: writesLiveOutput(options) };
  }

  /**
   * Whether the next run would write the low-latency output (video copied, an RTSP source, the
   * output wanted): what a run without HLS files needs. Transcoded video never has it.
   */
  writesLive(): boolean {
    return writesLiveOutput({ ...this.argsBase(), outDir: '' });
  }

  /** What a run's arguments depend on besides where it writes. */
  private argsBase(): Omit<FfmpegArgsOptions, 'outDir'> {
    const { source } = this;
    const fastProbe = this.fastProbe;
    return {
      source,
      socketTimeoutMs: this.opts.socketTimeoutMs,
      ...(this.codec ? { knownCodec: this.codec } : {}),
      hasDrawtext: this.clock,
      ...(this.opts.demoFontFile ? { demoFontFile: this.opts.demoFontFile } : {}),
      hls: { ...(this.opts.hls ?? VIGIL_HLS), fastProbe },
      liveOutput: this.opts.liveOutput ?? false,
      playable: this.playable(),
    };
  }

  /**
   * The camera sends `codec`: true when the running run must be replaced, which the next
   * launch fixes: it copies a codec the pages cannot play (MJPEG, or H.265 where the platform
   * has no decoder: transcode to H.264), or it copies H.265 it did not expect (relaunch with
   * the hvc1 tag MSE wants).
   */
  needsRelaunch(codec: VideoCodec): boolean {
    if (this.source.kind !== 'rtsp') return false;
    const hls = this.opts.hls ?? VIGIL_HLS;
    const expected = this.codec ?? this.source.videoCodec ?? 'h264';
    const playable = this.playable();
    this.codec = codec;
    if (codec === expected || !copiesVideo(expected, hls, playable)) return false;
    return !copiesVideo(codec, hls, playable) || codec === 'h265';
  }

  /** Whether a run would copy `codec` (the pages play it) rather than transcode it. */
  copies(codec: VideoCodec): boolean {
    return copiesVideo(codec, this.opts.hls ?? VIGIL_HLS, this.playable());
  }

  private playable(): readonly VideoCodec[] {
    return this.opts.playable?.() ?? ['h264'];
  }

  /** A run ended before its first picture: the fix the next launch applies, if any. */
  fixAfterEarlyExit(stderr: string): EarlyExitFix | null {
    if (this.fastProbe && probeTooShort(stderr)) {
      this.fullProbe = true;
      return 'full-probe';
    }
    if (this.clock && clockFailed(stderr)) {
      this.clock = false;
      return 'no-clock';
    }
    return null;
  }

  private get fastProbe(): boolean {
    return !this.fullProbe && (this.opts.hls ?? VIGIL_HLS).fastProbe;
  }

  private clockWanted(): boolean {
    return (
      this.source.kind === 'demo' &&
      this.opts.demoClock !== false &&
      this.opts.binary.filters.has('drawtext')
    );
  }
}
