import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAYLIST_NAME, type StreamInfo } from '../../../shared/streams';
import { INIT_NAME } from '../streaming/ffmpeg-args';
import type { SessionOutput } from '../streaming/stream-service';
import { hasKeyframe, parseInit } from './fmp4';
import { listedSegments } from './media-playlist';

/** How often a streaming camera's card picture is renewed, at most. */
export const LIVE_PICTURE_INTERVAL_MS = 10_000;

/**
 * At most one card picture starts this often, app-wide. Each is a short ffmpeg (start-up and a
 * keyframe decode): measured on the 2-core bench machine with 16 cameras on a wall, renewing
 * every card every 10 s cost 30 % of a core (17 runs in 8 s), CPU the wall's tiles needed. With
 * many cameras streaming, each card is renewed every `cameras × gap` instead (16: every 40 s).
 */
export const LIVE_PICTURE_GAP_MS = 2_500;

export interface LivePicturesOptions {
  /** The stream service's public API (as the recorder uses it), never a session. */
  streams: { output(cameraId: string): SessionOutput | undefined };
  /** Decodes a clip (init + one segment) to a JPEG: StreamService.grabClipFrame, guarded. */
  grab: (clip: Buffer) => Promise<Buffer>;
  /** The camera's new picture (the app: SnapshotService.publish → `camera:snapshot`). */
  publish: (cameraId: string, jpeg: Buffer) => void;
  intervalMs?: number;
  gapMs?: number;
  /** Reads a session's newest keyframe clip; default: from its HLS folder (newestKeyframeClip). */
  clip?: (dir: string) => Promise<Buffer | null>;
  now?: () => number;
  log?: (line: string) => void;
}

interface Watch {
  sessionId: string;
  /** When this camera's last picture was started; null: none yet (the first is due at once). */
  lastAt: number | null;
  /** A picture is being made: never two of one camera at once. */
  busy: boolean;
}

/**
 * While a camera streams, its card's picture is renewed from the session's own output: the
 * newest finished segment with a keyframe, after the init segment, decoded by one short
 * guarded ffmpeg. No second camera connection (battery and cheap cameras allow one or two).
 * One schedule for all cameras: the camera waiting longest goes next, each at most every
 * `intervalMs`, and no two pictures start less than `gapMs` apart. Fed the session's state
 * events; a camera's pictures stop when its session ends. Imports no Electron.
 */
export class LivePictures {
  private readonly watches = new Map<string, Watch>();
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly gapMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** When the last picture (of any camera) was started. */
  private lastStartAt = -Infinity;

  constructor(private readonly opts: LivePicturesOptions) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs ?? LIVE_PICTURE_INTERVAL_MS;
    this.gapMs = opts.gapMs ?? LIVE_PICTURE_GAP_MS;
  }

  /** A session's state changed: live starts the pictures, an end stops them. */
  onStreamState(info: StreamInfo): void {
    const watch = this.watches.get(info.cameraId);
    if (info.state === 'ended' || info.state === 'failed' || watch?.sessionId !== info.sessionId)
      this.stop(info.cameraId);
    // Reconnecting keeps the watch: its turns skip until the session is live again.
    if (info.state !== 'live' || this.watches.has(info.cameraId)) return;
    // The first picture as soon as the budget allows: the card shows the camera as it is.
    this.watches.set(info.cameraId, { sessionId: info.sessionId, lastAt: null, busy: false });
    this.schedule();
  }

  /** Cameras whose pictures are being renewed now. */
  watching(): string[] {
    return [...this.watches.keys()];
  }

  /** Stops renewing a camera's picture; one being made is not published. */
  stop(cameraId: string): void {
    if (!this.watches.delete(cameraId)) return;
    this.schedule();
  }

  /** Quit. */
  stopAll(): void {
    this.watches.clear();
    this.schedule();
  }

  /** The camera whose turn is next (never one being made), and when. */
  private next(): { cameraId: string; watch: Watch; at: number } | null {
    let best: { cameraId: string; watch: Watch; at: number } | null = null;
    for (const [cameraId, watch] of this.watches) {
      if (watch.busy) continue;
      const due = watch.lastAt === null ? -Infinity : watch.lastAt + this.intervalMs;
      if (!best || due < best.at) best = { cameraId, watch, at: due };
    }
    return best && { ...best, at: Math.max(best.at, this.lastStartAt + this.gapMs) };
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.next();
    if (!next) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.lastStartAt = this.now();
        next.watch.lastAt = this.lastStartAt;
        void this.take(next.cameraId, next.watch).finally(() => this.schedule());
        this.schedule();
      },
      Math.max(0, next.at - this.now()),
    );
  }

  private async take(cameraId: string, watch: Watch): Promise<void> {
    watch.busy = true;
    try {
      const out = this.opts.streams.output(cameraId);
      // A kept-ready session nobody asked files of has no segments to read (files: false).
      if (!out?.live || out.files === false || out.sessionId !== watch.sessionId) return;
      const clip = await (this.opts.clip ?? newestKeyframeClip)(out.dir);
      if (!clip || this.watches.get(cameraId) !== watch) return;
      const jpeg = await this.opts.grab(clip);
      // Taken of a run that was replaced (an edited camera restarts the same session) or of a
      // session that ended meanwhile: not the camera as it is now.
      const now = this.opts.streams.output(cameraId);
      if (this.watches.get(cameraId) !== watch || now?.run !== out.run) return;
      this.opts.publish(cameraId, jpeg);
    } catch (error) {
      this.log(
        `live picture ${cameraId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      watch.busy = false;
    }
  }
}

/**
 * The init segment and the newest listed segment holding a keyframe, as one fMP4 clip; null
 * when there is none yet (or ffmpeg removed the files meanwhile). ffmpeg lists a segment only
 * once it is complete, so a listed segment is whole.
 */
export async function newestKeyframeClip(dir: string): Promise<Buffer | null> {
  const read = (name: string) => readFile(join(dir, name)).catch(() => null);
  const playlist = await read(PLAYLIST_NAME);
  const init = await read(INIT_NAME);
  if (!playlist || !init) return null;
  const { tracks } = parseInit(init);
  for (const segment of listedSegments(playlist.toString('utf8')).reverse()) {
    const data = await read(segment.name);
    if (data && hasKeyframe(data, tracks)) return Buffer.concat([init, data]);
  }
  return null;
}
