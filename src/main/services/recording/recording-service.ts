import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserFacingError } from '../../../shared/errors';
import type {
  RecordingFolder,
  RecordingInfo,
  StartRecordingOptions,
} from '../../../shared/recordings';
import { PLAYLIST_NAME } from '../../../shared/streams';
import { INIT_NAME } from '../streaming/ffmpeg-args';
import type { SessionOutput } from '../streaming/stream-service';
import {
  Fmp4Error,
  parseInit,
  retimeSegment,
  segmentStartSec,
  hasKeyframe,
  type FragmentSpan,
  type TrackTiming,
} from './fmp4';
import { listedSegments, type ListedSegment } from './media-playlist';
import {
  folderError,
  openFileSink,
  openRecordingFile,
  recordingBaseName,
  type OpenSink,
  type RecordingSink,
} from './recording-sink';

/** What the recorder needs of the stream service (its public API, never a session). */
export interface RecordingStreams {
  output(cameraId: string): SessionOutput | undefined;
  keep(cameraId: string, holder: string): boolean;
  unkeep(cameraId: string, holder: string): Promise<void>;
  /** A kept-ready camera's session writes no files until asked (StreamService.ensureFiles). */
  ensureFiles(cameraId: string): Promise<void>;
}

/** How long a recording waits for a kept-ready camera's run to restart with files. */
const FILES_WITHIN_MS = 20_000;

export interface RecordingServiceOptions {
  streams: RecordingStreams;
  folder: () => RecordingFolder;
  cameraName: (cameraId: string) => string;
  /** Receives every change (start, about once a second while recording, end), as plain data. */
  emit: (info: RecordingInfo) => void;
  /** Default: exclusive files on disk. */
  openSink?: OpenSink;
  /** How often the playlist is read. The list keeps 5 s of segments: 200 ms is 25× margin. */
  pollMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

function copy(info: RecordingInfo): RecordingInfo {
  return { ...info, files: [...info.files] };
}

/** A track's fragments further apart than this (either way) are a timestamp jump. */
const JUMP_SEC = 0.5;

/** The holder name the recorder keeps sessions with. */
const HOLDER = 'recording';

interface Recording {
  info: RecordingInfo;
  sessionId: string;
  sink: RecordingSink;
  timer: NodeJS.Timeout;
  /** The ffmpeg run being appended, and the next segment number of it to take. */
  run: number;
  nextSeq: number;
  /** True until the current run's init segment has been checked against the file's. */
  newRun: boolean;
  init: Buffer | null;
  /** The current run's tracks (timescales and edits). */
  tracks: Map<number, TrackTiming>;
  /** Per track: seconds added to its decode times, so the file starts at 0 and runs continue. */
  shifts: Map<number, number>;
  /** Per track: where it ends in the file so far (seconds). */
  ends: Map<number, number>;
  /** Where the current file's media ends (its last track), in seconds. */
  fileSec: number;
  /** Seconds in the files before the current one. */
  doneSec: number;
  fileBytes: number;
  /** The tick under way (ticks never overlap); the stop waits for it. */
  ticking: Promise<void> | null;
  lastEmitSec: number;
  done: boolean;
}

/**
 * Records a live camera into an MP4 from its stream session's own HLS output: no second
 * camera connection, no re-encode. The session's ffmpeg writes fMP4 segments (an init
 * segment, then 0.25 s fragments); the recorder appends the init segment and then every
 * finished segment, in order, to one file, its decode times moved to start at 0. The file
 * is a fragmented MP4: whatever was appended plays after a crash or a kill -9, with nothing
 * to finalise. A reconnect (a new ffmpeg run) continues the same file when its init segment
 * is the same, and starts a new file when the camera's format changed. Imports no Electron.
 */
export class RecordingService {
  private readonly opts: RecordingServiceOptions;
  private readonly recordings = new Map<string, Recording>();
  private readonly openSink: OpenSink;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(opts: RecordingServiceOptions) {
    this.opts = opts;
    this.openSink = opts.openSink ?? openFileSink;
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? (() => new Date());
  }

  /** The running recording of every camera. */
  list(): RecordingInfo[] {
    return [...this.recordings.values()].map((r) => copy(r.info));
  }

  /**
   * The camera's output once it writes files. A kept-ready camera's session plays to its
   * windows without them (the low-latency stream only): it is asked for them, and the run
   * restarts with them ('reconnecting', then live, a second or two).
   */
  private async outputWithFiles(cameraId: string): Promise<SessionOutput | undefined> {
    let out = this.opts.streams.output(cameraId);
    if (!out?.live || out.files !== false) return out;
    await this.opts.streams.ensureFiles(cameraId);
    const until = Date.now() + FILES_WITHIN_MS;
    for (;;) {
      out = this.opts.streams.output(cameraId);
      if (!out || (out.live && out.files !== false) || Date.now() > until) return out;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Starts recording a live camera from its newest finished segment. Refused (a clear error,
   * nothing created) when the camera is not live or the folder cannot be written.
   */
  async start(cameraId: string, options: StartRecordingOptions = {}): Promise<RecordingInfo> {
    const running = this.recordings.get(cameraId);
    if (running) return copy(running.info);
    const out = await this.outputWithFiles(cameraId);
    if (!out?.live) {
      throw new UserFacingError(
        'not-streaming',
        'Recording starts once the camera is live. Wait for the picture, then press Record.',
      );
    }
    const folder = this.opts.folder();
    const startedAt = this.now();
    const base = recordingBaseName(this.opts.cameraName(cameraId), startedAt);
    const { path, sink } = await openRecordingFile(
      folder.path,
      base,
      folder.isDefault,
      this.openSink,
    );
    // Another start may have won while the file was opened: keep one recording per camera.
    if (this.recordings.has(cameraId)) {
      await sink.close().catch(() => undefined);
      throw new UserFacingError('already-recording', 'This camera is already recording.');
    }
    const keep = options.keepAfterCountdown === true;
    if (keep) this.opts.streams.keep(cameraId, HOLDER);
    const rec: Recording = {
      info: {
        cameraId,
        state: 'recording',
        path,
        files: [path],
        startedAt: startedAt.getTime(),
        durationSec: 0,
        bytes: 0,
        keepAfterCountdown: keep,
        error: null,
      },
      sessionId: out.sessionId,
      sink,
      timer: setInterval(() => void this.tick(cameraId, rec), this.opts.pollMs ?? 200),
      run: out.run,
      nextSeq: -1,
      newRun: true,
      init: null,
      tracks: new Map(),
      shifts: new Map(),
      ends: new Map(),
      fileSec: 0,
      doneSec: 0,
      fileBytes: 0,
      ticking: null,
      lastEmitSec: 0,
      done: false,
    };
    this.recordings.set(cameraId, rec);
    this.log(`recording ${cameraId} into ${path}`);
    this.opts.emit(copy(rec.info));
    void this.tick(cameraId, rec);
    return copy(rec.info);
  }

  /** Stops a camera's recording: what ffmpeg finished is appended, then the file is closed. */
  async stop(cameraId: string): Promise<RecordingInfo | null> {
    const rec = this.recordings.get(cameraId);
    if (!rec) return null;
    await rec.ticking;
    await this.tick(cameraId, rec);
    await this.finish(cameraId, rec, 'ended', null);
    return copy(rec.info);
  }

  /** Stops every recording (quit), before the streams go. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.recordings.keys()].map((id) => this.stop(id)));
  }

  private tick(cameraId: string, rec: Recording): Promise<void> {
    if (rec.done || rec.ticking) return rec.ticking ?? Promise.resolve();
    rec.ticking = this.catchUp(cameraId, rec)
      .catch((error: unknown) => {
        // A write failed (disk full, folder gone): the recording stops, the stream does not.
        const failure = folderError(this.opts.folder().path, error);
        return this.truncateAndFail(cameraId, rec, failure.message);
      })
      .finally(() => {
        rec.ticking = null;
      });
    return rec.ticking;
  }

  private async catchUp(cameraId: string, rec: Recording): Promise<void> {
    const out = this.opts.streams.output(cameraId);
    if (!out || out.sessionId !== rec.sessionId) {
      // The session ended (its deadline, Stop, a failure): so does the recording.
      await this.finish(cameraId, rec, 'ended', null);
      return;
    }
    let text: string;
    try {
      text = await readFile(join(out.dir, PLAYLIST_NAME), 'utf8');
    } catch {
      return; // between runs, or the folder is going away
    }
    const listed = listedSegments(text);
    const last = listed.at(-1);
    if (!last) return;
    if (out.run !== rec.run) {
      if (!out.live) return; // the new run's files count once it is live
      rec.run = out.run;
      rec.newRun = true;
      rec.nextSeq = listed[0]?.num ?? 0;
    } else if (rec.nextSeq < 0) {
      // The first tick: from the newest finished segment, the moment Record was pressed; the
      // file begins at the first keyframe from there (append), at most a GOP later.
      rec.nextSeq = last.num;
    } else if (last.num < rec.nextSeq - 1) {
      return; // a newer run's files, not live yet: numbers went back
    }
    for (const segment of listed) {
      if (segment.num < rec.nextSeq || rec.done) continue;
      if (segment.num > rec.nextSeq) {
        this.log(
          `recording ${cameraId}: segments ${String(rec.nextSeq)}–${String(segment.num - 1)} were gone before they could be taken`,
        );
      }
      await this.append(cameraId, rec, out, segment);
      rec.nextSeq = segment.num + 1;
    }
    if (Math.floor(rec.info.durationSec) !== rec.lastEmitSec) {
      rec.lastEmitSec = Math.floor(rec.info.durationSec);
      this.opts.emit(copy(rec.info));
    }
  }

  private async append(
    cameraId: string,
    rec: Recording,
    out: SessionOutput,
    segment: ListedSegment,
  ): Promise<void> {
    const read = (name: string) =>
      readFile(join(out.dir, name)).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      });
    const data = await read(segment.name);
    if (!data) return; // deleted by ffmpeg or the session's teardown meanwhile
    try {
      if (rec.newRun) {
        const raw = await read(INIT_NAME);
        if (!raw) return;
        const init = parseInit(raw);
        // A file begins with a keyframe; a new run's first segment has one (ffmpeg skips to
        // the first keyframe when it copies).
        if (rec.fileBytes === 0 && !hasKeyframe(data, init.tracks)) return;
        if (rec.init && !init.normalized.equals(rec.init)) await this.nextFile(cameraId, rec);
        if (rec.fileBytes === 0) {
          await this.write(rec, init.normalized);
          rec.init = init.normalized;
        }
        rec.tracks = init.tracks;
        // This run starts where the file ends so far, by its earliest track: a run's first
        // segment has audio from before its first keyframe (up to a GOP), which would
        // otherwise overlap the last run's end.
        const shift = rec.fileSec - segmentStartSec(data, rec.tracks);
        rec.shifts = new Map([...rec.tracks.keys()].map((id) => [id, shift]));
        // The run's tracks start apart (audio before the first keyframe): not a jump.
        rec.ends.clear();
        rec.newRun = false;
      }
      const shifted = retimeSegment(data, rec.tracks, (span) => this.placed(cameraId, rec, span));
      await this.write(rec, shifted);
      rec.fileSec = Math.max(rec.fileSec, ...rec.ends.values());
    } catch (error) {
      if (!(error instanceof Fmp4Error)) throw error;
      this.log(`recording ${cameraId}: skipped ${segment.name} (${error.message})`);
      return;
    }
    rec.info.durationSec = rec.doneSec + rec.fileSec;
  }

  /**
   * Where a track fragment goes in the file. Within a run a track's fragments follow each
   * other exactly; a jump (ffmpeg re-times a stream at the camera's first RTCP sender report,
   * 2.5 s measured and more on a loaded machine) would leave a frozen gap or run backwards,
   * so the track is re-anchored to continue where it ended.
   */
  private placed(cameraId: string, rec: Recording, span: FragmentSpan): number {
    let shift = rec.shifts.get(span.trackId) ?? 0;
    const end = rec.ends.get(span.trackId);
    const start = span.startSec + shift;
    if (end !== undefined && Math.abs(start - end) > JUMP_SEC) {
      this.log(
        `recording ${cameraId}: track ${String(span.trackId)} jumped ${(start - end).toFixed(2)} s; continuing it`,
      );
      shift += end - start;
      rec.shifts.set(span.trackId, shift);
    }
    rec.ends.set(span.trackId, Math.max(0, span.startSec + shift) + span.durationSec);
    return shift;
  }

  /** The camera's format changed across a reconnect: one file cannot hold both. */
  private async nextFile(cameraId: string, rec: Recording): Promise<void> {
    await rec.sink.close();
    const folder = this.opts.folder();
    const base = recordingBaseName(this.opts.cameraName(cameraId), this.now());
    const { path, sink } = await openRecordingFile(folder.path, base, false, this.openSink);
    this.log(`recording ${cameraId}: the camera's format changed, continuing in ${path}`);
    rec.ends.clear();
    Object.assign(rec, {
      sink,
      init: null,
      doneSec: rec.doneSec + rec.fileSec,
      fileSec: 0,
      fileBytes: 0,
    });
    rec.info.path = path;
    rec.info.files.push(path);
  }

  private async write(rec: Recording, data: Buffer): Promise<void> {
    await rec.sink.write(data);
    rec.fileBytes += data.length;
    rec.info.bytes += data.length;
  }

  private async truncateAndFail(cameraId: string, rec: Recording, message: string): Promise<void> {
    // A fragment half written (the disk filled mid-write) is cut off: the file stays playable.
    await rec.sink.truncate(rec.fileBytes).catch(() => undefined);
    this.log(`recording ${cameraId} failed: ${message}`);
    await this.finish(cameraId, rec, 'failed', message);
  }

  private async finish(
    cameraId: string,
    rec: Recording,
    state: 'ended' | 'failed',
    error: string | null,
  ): Promise<void> {
    if (rec.done) return;
    rec.done = true;
    clearInterval(rec.timer);
    if (this.recordings.get(cameraId) === rec) this.recordings.delete(cameraId);
    await rec.sink.close().catch(() => undefined);
    rec.info.state = state;
    rec.info.error = error;
    this.log(
      `recording ${cameraId} ${state}: ${rec.info.durationSec.toFixed(1)} s, ${String(rec.info.bytes)} bytes`,
    );
    this.opts.emit(copy(rec.info));
    if (rec.info.keepAfterCountdown) await this.opts.streams.unkeep(cameraId, HOLDER);
  }
}
