import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAYLIST_NAME } from '../../../shared/streams';
import { SharedCalls } from '../async/shared-call';
import { parseInit, type TrackTiming } from '../recording/fmp4';
import { fragmentSamples, type FragmentSample } from '../recording/fmp4-samples';
import { listedSegments } from '../recording/media-playlist';
import { INIT_NAME } from '../streaming/ffmpeg-args';

export interface StreamMeterOptions {
  /** The session folder ffmpeg writes its HLS output into. */
  dir: string;
  /** Seconds of video the readings cover (default 60). */
  windowSec?: number;
}

/** What the camera sends, measured in the session's own segments; null while not measured. */
export interface StreamMeterReading {
  /** Video frames per second. */
  fps: number | null;
  /** Median seconds between keyframes; with one keyframe so far, the time since it. */
  gopSec: number | null;
  /** True when `gopSec` is only a lower bound (a single keyframe seen so far). */
  gopAtLeast: boolean;
  /** Whether video frames are reordered (B-frames); null before a second of video. */
  bFrames: boolean | null;
  /** Bits per second of all tracks' samples. */
  bitrate: number | null;
  /** Seconds of video the readings were measured over. */
  measuredSec: number;
}

const DEFAULT_WINDOW_SEC = 60;
/** Keyframe intervals kept at most (an all-intra camera makes 25 a second). */
const MAX_INTERVALS = 256;
/**
 * A video decode time this far from where the last sample ended is a timestamp jump, not
 * jitter (a frame's worth at most): no interval is measured across it. A segment missed
 * altogether is caught by its number instead.
 */
const JUMP_SEC = 0.25;

/** What one segment added to the window. */
interface SegmentTally {
  /** Seconds it covers: its video's, or its longest track's when it holds no video. */
  sec: number;
  frames: number;
  videoSec: number;
  bytes: number;
  /** Smallest and largest video composition offset (seconds); null without video. */
  offsets: { min: number; max: number } | null;
}

/** One ffmpeg run: its timestamps start afresh, so nothing is compared across runs. */
interface Run {
  init: Buffer;
  tracks: Map<number, TrackTiming>;
  /** The video track measured (the first; Vigil maps one). */
  videoTrack: number | null;
  /** Highest segment number read: ffmpeg numbers a run's segments upwards from 0. */
  lastNum: number;
  /** Where the last video sample read ended (seconds); null before any. */
  videoEnd: number | null;
  /** Decode time (seconds) of the latest keyframe since the last gap; null when none. */
  lastKey: number | null;
}

/**
 * Measures what a camera sends from its session folder: frame rate, keyframe interval,
 * B-frames and bitrate, read from the fMP4 segments' moof boxes (no decoding). `sample()`
 * reads the segments listed since the last call; `reading()` sums up the last `windowSec` of
 * video. Files ffmpeg deletes or a folder emptied for a new run are expected, never errors.
 */
export class StreamMeter {
  private readonly dir: string;
  private readonly windowSec: number;
  private readonly calls = new SharedCalls<null, void>();
  private run: Run | null = null;
  /** init.mp4 was missing since the last run was read: the folder was emptied for a new run. */
  private initGone = false;
  private tallies: SegmentTally[] = [];
  private talliedSec = 0;
  /** Seconds of video read so far over all runs: when each interval was measured. */
  private clock = 0;
  private intervals: Array<{ sec: number; at: number }> = [];
  /** The longest time covered after a keyframe without a next one (the GOP's lower bound). */
  private atLeastSec: number | null = null;

  constructor(opts: StreamMeterOptions) {
    this.dir = opts.dir;
    this.windowSec = opts.windowSec ?? DEFAULT_WINDOW_SEC;
  }

  /** Reads the segments listed since the last call; a call while one runs shares it. */
  sample(): Promise<void> {
    return this.calls.run(null, () => this.readNew());
  }

  /** The figures over the last `windowSec` of video read so far. */
  reading(): StreamMeterReading {
    let frames = 0;
    let videoSec = 0;
    let bytes = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const t of this.tallies) {
      frames += t.frames;
      videoSec += t.videoSec;
      bytes += t.bytes;
      if (t.offsets) {
        min = Math.min(min, t.offsets.min);
        max = Math.max(max, t.offsets.max);
      }
    }
    const recent = this.intervals.filter((i) => i.at > this.clock - this.windowSec);
    // A GOP longer than the window still has its last measured interval to show.
    const gops = (recent.length > 0 ? recent : this.intervals.slice(-1)).map((i) => i.sec);
    const measured = this.talliedSec;
    return {
      fps: videoSec > 0 ? frames / videoSec : null,
      gopSec: gops.length > 0 ? median(gops) : this.atLeastSec,
      gopAtLeast: gops.length === 0 && this.atLeastSec !== null,
      // Composition offsets equal to the tick (or a microsecond) mean no reordering.
      bFrames: max - min > 1e-6 ? true : videoSec >= 1 ? false : null,
      bitrate: measured > 0 ? (bytes * 8) / measured : null,
      measuredSec: measured,
    };
  }

  private async readNew(): Promise<void> {
    // The playlist before the init: a folder emptied in between shows as a missing init.
    const playlist = await this.read(PLAYLIST_NAME);
    const init = await this.read(INIT_NAME);
    if (init === 'missing') this.initGone = true;
    if (!Buffer.isBuffer(playlist) || !Buffer.isBuffer(init)) return;
    const run = this.runFor(init);
    if (!run) return;
    const listed = listedSegments(playlist.toString('utf8'));
    const newest = listed.at(-1)?.num;
    // Numbers going down: a new run wrote an init byte-for-byte like the last one.
    const current =
      newest !== undefined && newest < run.lastNum ? this.startRun(init, run.tracks) : run;
    for (const segment of listed) {
      if (segment.num <= current.lastNum) continue;
      const data = await this.read(segment.name);
      if (!Buffer.isBuffer(data)) continue; // deleted by ffmpeg meanwhile
      let samples: FragmentSample[];
      try {
        samples = fragmentSamples(data, current.tracks);
      } catch {
        continue; // cut short or not ffmpeg's fMP4: nothing to measure
      }
      // A segment in between was not read: its keyframe may be missing.
      if (current.lastNum >= 0 && segment.num !== current.lastNum + 1) current.lastKey = null;
      current.lastNum = segment.num;
      this.add(current, samples);
    }
  }

  /** The run this init belongs to (a new one when it changed); null for an unreadable init. */
  private runFor(init: Buffer): Run | null {
    if (this.run && !this.initGone && init.equals(this.run.init)) return this.run;
    let tracks: Map<number, TrackTiming>;
    try {
      tracks = parseInit(init).tracks;
    } catch {
      return null; // still being written, or not an init: try again next time
    }
    this.initGone = false;
    return this.startRun(init, tracks);
  }

  private startRun(init: Buffer, tracks: Map<number, TrackTiming>): Run {
    const videoTrack = [...tracks].find(([, t]) => t.video)?.[0] ?? null;
    this.run = { init, tracks, videoTrack, lastNum: -1, videoEnd: null, lastKey: null };
    return this.run;
  }

  private add(run: Run, samples: FragmentSample[]): void {
    const tally: SegmentTally = { sec: 0, frames: 0, videoSec: 0, bytes: 0, offsets: null };
    const trackSec = new Map<number, number>();
    for (const s of samples) {
      const duration = s.durationTicks / s.timescale;
      tally.bytes += s.size;
      trackSec.set(s.trackId, (trackSec.get(s.trackId) ?? 0) + duration);
      if (s.trackId !== run.videoTrack) continue;
      const start = s.decodeTicks / s.timescale;
      if (run.videoEnd !== null && Math.abs(start - run.videoEnd) > JUMP_SEC) run.lastKey = null;
      if (s.sync) {
        if (run.lastKey !== null) this.addInterval(start - run.lastKey);
        run.lastKey = start;
      }
      run.videoEnd = start + duration;
      this.clock += duration;
      if (run.lastKey !== null)
        this.atLeastSec = Math.max(this.atLeastSec ?? 0, run.videoEnd - run.lastKey);
      tally.frames++;
      tally.videoSec += duration;
      const offset = s.compositionOffset / s.timescale;
      tally.offsets = {
        min: Math.min(tally.offsets?.min ?? offset, offset),
        max: Math.max(tally.offsets?.max ?? offset, offset),
      };
    }
    tally.sec = tally.frames > 0 ? tally.videoSec : Math.max(0, ...trackSec.values());
    this.tallies.push(tally);
    this.talliedSec += tally.sec;
    // Keep just the segments that reach into the last windowSec.
    let first = this.tallies[0];
    while (first && this.tallies.length > 1 && this.talliedSec - first.sec >= this.windowSec) {
      this.talliedSec -= first.sec;
      this.tallies.shift();
      first = this.tallies[0];
    }
  }

  private addInterval(sec: number): void {
    this.intervals.push({ sec, at: this.clock });
    const old = this.intervals.findIndex((i) => i.at > this.clock - this.windowSec);
    // Drop what left the window, but keep the newest (a GOP longer than the window).
    const drop = old === -1 ? this.intervals.length - 1 : old;
    const cap = this.intervals.length - drop - MAX_INTERVALS;
    this.intervals.splice(0, drop + Math.max(0, cap));
  }

  /** A file of the session folder; 'missing' when it is not there, null when unreadable. */
  private async read(name: string): Promise<Buffer | 'missing' | null> {
    try {
      return await readFile(join(this.dir, name));
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : null;
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : (upper + (sorted[mid - 1] ?? upper)) / 2;
}
