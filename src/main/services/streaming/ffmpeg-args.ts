import { join } from 'node:path';
import { PLAYLIST_NAME } from '../../../shared/streams';
import type { StreamSource, VideoCodec } from './source';

export const INIT_NAME = 'init.mp4';
/** The ffconcat list in a session's private directory that tells ffmpeg what to open. */
export const INPUT_LIST_NAME = 'input.ffconcat';

/** How ffmpeg cuts HLS. Vigil uses VIGIL_HLS; the benchmark also runs classic setups. */
export interface HlsProfile {
  segmentSeconds: number;
  listSize: number;
  segmentType: 'fmp4' | 'mpegts';
  /** Re-encode video with libx264 veryfast at this bitrate even when it is H.264. */
  transcodeKbps?: number;
  /** A small probe (saves ~150 ms of start-up). */
  fastProbe: boolean;
  /** Cut at segmentSeconds even between keyframes (segments are then not independent). */
  splitByTime?: boolean;
}

/**
 * Quarter-second fMP4 segments cut by time (the first one still starts on a keyframe), a
 * 5 s list, a small probe. Measured (docs/benchmarks.md, true glass-to-glass from a
 * timecode in the picture): 1 s keyframe-cut segments gave start → first frame 2.4 s and
 * 2.9 s behind live; 0.5 s cut by time 1.7 s and 1.9 s; these 0.25 s, 1.3 s and 1.5 s.
 */
export const VIGIL_HLS: HlsProfile = {
  segmentSeconds: 0.25,
  listSize: 20,
  segmentType: 'fmp4',
  fastProbe: true,
  splitByTime: true,
};

export interface FfmpegArgsOptions {
  /** Default VIGIL_HLS. */
  hls?: HlsProfile;
  source: StreamSource;
  outDir: string;
  /** ffmpeg's RTSP socket timeout. */
  socketTimeoutMs: number;
  /**
   * For RTSP sources: the ffconcat list (see rtspInputList) naming the relay's URL. Never a
   * URL on the command line: any local user can read that (`ps`, /proc/<pid>/cmdline).
   */
  inputList?: string;
  /** The codec the camera is known to send; anything but H.264 is transcoded. */
  knownCodec?: VideoCodec;
  /** Whether ffmpeg has drawtext (the demo's clock); builds without it get no clock. */
  hasDrawtext?: boolean;
  /** The font drawtext uses for the demo's clock; without it ffmpeg asks fontconfig. */
  demoFontFile?: string;
  /**
   * Also write the low-latency output (fragmented MP4 on LIVE_FD) when the video is copied.
   * Never for transcoded video: a second output would run a second encoder.
   */
  liveOutput?: boolean;
  /**
   * Write the HLS files (default true). False: the low-latency output alone (a kept-ready
   * camera nobody watches: nothing on disk); only for a run that writes it (writesLiveOutput).
   */
  hlsFiles?: boolean;
  /**
   * The codecs the app's pages can play (MSE): copied, never transcoded. H.264 always; H.265
   * where the platform decodes it (Electron's Chromium on macOS, Windows, some Linux).
   */
  playable?: readonly VideoCodec[];
}

/** What every Chromium plays. */
export const ALWAYS_PLAYABLE: readonly VideoCodec[] = ['h264'];

/** The file descriptor ffmpeg writes the low-latency fragmented MP4 to (stdout is -progress). */
export const LIVE_FD = 3;

/**
 * The low-latency output: fragmented MP4 on a pipe, one fragment per sample. Measured with
 * ffmpeg 5.1 copying an RTSP camera: `frag_every_frame` cuts a fragment before the next
 * packet is known, so a sample's duration is unknown ("Packet duration: -3600 … out of
 * range", "pts has no value", every frame); `frag_duration 1` cuts as soon as the fragment
 * holds a sample and the next packet arrives (one frame later), with clean timestamps.
 * `empty_moov`: the init segment comes first, before any sample; `default_base_moof`: each
 * fragment's offsets are its own (what MSE wants). Packets are flushed to the pipe at once.
 */
function liveOutput(): string[] {
  return [
    '-f',
    'mp4',
    '-movflags',
    '+empty_moov+default_base_moof',
    '-frag_duration',
    '1',
    '-flush_packets',
    '1',
    `pipe:${String(LIVE_FD)}`,
  ];
}

/** True when buildFfmpegArgs with these options writes the low-latency output. */
export function writesLiveOutput(options: FfmpegArgsOptions): boolean {
  if (!options.liveOutput || options.source.kind !== 'rtsp') return false;
  const codec = options.knownCodec ?? options.source.videoCodec ?? 'h264';
  return copiesVideo(codec, options.hls ?? VIGIL_HLS, options.playable);
}

/** Whether a camera's video is copied (the pages play it) rather than transcoded to H.264. */
export function copiesVideo(
  codec: VideoCodec,
  hls: HlsProfile,
  playable: readonly VideoCodec[] = ALWAYS_PLAYABLE,
): boolean {
  return (
    (codec === 'h264' || (codec === 'h265' && playable.includes('h265'))) && !hls.transcodeKbps
  );
}

// Reads quickly: a small probe saves ~150 ms; never -fflags nobuffer (it costs a GOP).
const FAST_PROBE = ['-analyzeduration', '100000', '-probesize', '32768'];

/** One ffconcat token: single-quoted, a quote as '\'' (ffmpeg's av_get_token rules, as in sh). */
export function ffconcatQuote(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error('ffconcat: a value cannot contain a line break');
  return `'${value.replace(/'/g, "'\\''")}'`;
}

export interface RtspInputOptions {
  transport: 'tcp' | 'udp';
  /** ffmpeg's RTSP socket timeout. */
  socketTimeoutMs: number;
  fastProbe: boolean;
}

/**
 * The ffconcat list for an RTSP input: the URL and the RTSP options, which the concat
 * demuxer hands to the RTSP demuxer it opens (measured: same start-up as `-i <url>`).
 */
export function rtspInputList(url: string, options: RtspInputOptions): string {
  const lines = [
    'ffconcat version 1.0',
    `file ${ffconcatQuote(url)}`,
    `option rtsp_transport ${options.transport}`,
    `option timeout ${String(options.socketTimeoutMs * 1000)}`,
    // The list may name only the camera's protocols, not files.
    'option protocol_whitelist rtsp,rtp,tcp,udp',
    ...(options.fastProbe ? ['option analyzeduration 100000', 'option probesize 32768'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** ffmpeg's input arguments for an ffconcat list (the outer demuxer probes as well). */
export function inputListArgs(listFile: string, fastProbe: boolean): string[] {
  return [
    '-f',
    'concat',
    '-safe',
    '0',
    '-protocol_whitelist',
    'file,rtsp,rtp,tcp,udp',
    ...(fastProbe ? FAST_PROBE : []),
    '-i',
    listFile,
  ];
}

const X264 = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-tune',
  'zerolatency',
  '-pix_fmt',
  'yuv420p',
];

/**
 * No sidx box in segments (hls.js does not need one). Without it ffmpeg's mp4 muxer, which
 * the HLS muxer runs in DASH mode, rewrites the first sample of every fragment to continue
 * the previous fragment's presentation end: right for a keyframe, wrong for a P-frame
 * followed by B-frames (a segment cut by time). That P-frame lands on the pts of an earlier
 * B-frame, which it replaces: one frame lost per segment (21 of 25 fps with 0.25 s
 * segments) and a broken reference chain. With this flag every pts is the camera's.
 */
const FMP4_SEGMENT_OPTIONS = ['-hls_segment_options', 'movflags=+skip_sidx'];

function hlsOutput(outDir: string, hls: HlsProfile): string[] {
  const fmp4 = hls.segmentType === 'fmp4';
  return [
    '-f',
    'hls',
    '-hls_time',
    String(hls.segmentSeconds),
    '-hls_list_size',
    String(hls.listSize),
    '-hls_segment_type',
    hls.segmentType,
    ...(fmp4 ? ['-hls_fmp4_init_filename', INIT_NAME, ...FMP4_SEGMENT_OPTIONS] : []),
    '-hls_flags',
    hls.splitByTime
      ? 'delete_segments+temp_file+split_by_time+program_date_time'
      : 'delete_segments+temp_file+independent_segments+program_date_time',
    '-hls_segment_filename',
    join(outDir, fmp4 ? 'seg-%d.m4s' : 'seg-%d.ts'),
    join(outDir, PLAYLIST_NAME),
  ];
}

/**
 * Escapes one level of ffmpeg's filter syntax as its av_escape does: a backslash before each
 * backslash, quote and special, and before whitespace at either end (ffmpeg trims it).
 */
function escapeLevel(value: string, specials: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    const edge = (i === 0 || i === value.length - 1) && /\s/.test(c);
    out += c === '\\' || c === "'" || specials.includes(c) || edge ? `\\${c}` : c;
  }
  return out;
}

/** One filter of a filtergraph, `name=key=value:…`, each value escaped for both levels. */
export function filterSpec(name: string, options: ReadonlyArray<[string, string]>): string {
  // ffmpeg unescapes twice: the graph (split on `[],;`), then the option list (split on `:`).
  const list = options.map(([key, value]) => `${key}=${escapeLevel(value, ':')}`).join(':');
  return `${name}=${escapeLevel(list, '[],;')}`;
}

function demoInput(hasDrawtext: boolean, fontFile: string | undefined): string[] {
  // Windows and macOS builds of ffmpeg have no default font: without a file, drawtext fails.
  const font: Array<[string, string]> = fontFile ? [['fontfile', fontFile]] : [];
  const clock = hasDrawtext
    ? ',' +
      filterSpec('drawtext', [
        // drawtext expands %{localtime:%X} itself and needs its ':' back: escaped like any value.
        ['text', 'Vigil demo  %{localtime:%X}'],
        ...font,
        ['fontsize', '44'],
        ['fontcolor', 'white'],
        ['box', '1'],
        ['boxcolor', 'black@0.6'],
        ['boxborderw', '14'],
        ['x', '40'],
        ['y', 'h-th-60'],
      ])
    : '';
  return [
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1280x720:rate=25${clock}`,
    '-re',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:beep_factor=4:sample_rate=48000',
    '-map',
    '0:v',
    '-map',
    '1:a',
    ...X264,
    '-g',
    '25',
    '-keyint_min',
    '25',
    '-b:v',
    '1500k',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
  ];
}

/** Builds ffmpeg's argument array for one session (never a shell string). */
export function buildFfmpegArgs(options: FfmpegArgsOptions): string[] {
  const { source } = options;
  const hls = options.hls ?? VIGIL_HLS;
  const head = ['-hide_banner', '-loglevel', 'info', '-nostats', '-progress', 'pipe:1'];
  const live = writesLiveOutput(options);
  const files = options.hlsFiles !== false;
  if (!files && !live)
    throw new Error('buildFfmpegArgs: a run without HLS files needs the low-latency output');
  if (source.kind === 'demo') {
    return [
      ...head,
      ...demoInput(options.hasDrawtext ?? false, options.demoFontFile),
      ...hlsOutput(options.outDir, hls),
    ];
  }
  if (!options.inputList) throw new Error('buildFfmpegArgs: an RTSP source needs its input list');
  const codec = options.knownCodec ?? source.videoCodec ?? 'h264';
  // Transcoded video gets a keyframe per segment, but not more than one a second.
  const keyframeEvery = Math.max(1, hls.segmentSeconds);
  const keyframes = ['-force_key_frames', `expr:gte(t,n_forced*${String(keyframeEvery)})`];
  const video = copiesVideo(codec, hls, options.playable)
    ? // H.265 gets the hvc1 tag: MSE and Safari-style players take hvc1, not hev1.
      ['-c:v', 'copy', ...(codec === 'h265' ? ['-tag:v', 'hvc1'] : [])]
    : // This platform cannot play it (H.265 here, MJPEG anywhere): H.264, a keyframe per segment.
      [...X264, ...keyframes, '-b:v', `${String(hls.transcodeKbps ?? 2500)}k`];
  // AAC at 48 kHz whatever the camera sends: an AAC frame is 1024 samples, so the 8 kHz G.711 of
  // most cameras made 128 ms frames, and the muxers held the video back until the audio caught
  // up (the low-latency stream came in bursts of ~5 frames every 128 ms, ~250 ms late). At
  // 48 kHz a frame is 21 ms. Measured (live-path.test.ts, G.711 camera): video fragment gap p90
  // 138 ms before, 40 ms (one frame) after.
  const audio =
    source.audio === false
      ? ['-an']
      : ['-map', '0:a:0?', '-c:a', 'aac', '-b:a', '64k', '-ar', '48000'];
  // Each output names its streams and codecs again; video is copied twice (no cost), audio
  // encoded twice (AAC at 64k: about 1 % of a core).
  const streams = ['-map', '0:v:0', ...video, ...audio];
  return [
    ...head,
    ...inputListArgs(options.inputList, hls.fastProbe),
    ...(files ? [...streams, ...hlsOutput(options.outDir, hls)] : []),
    ...(live ? [...streams, ...liveOutput()] : []),
  ];
}
