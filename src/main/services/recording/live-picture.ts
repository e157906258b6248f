import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAYLIST_NAME, type StreamInfo } from '../../../shared/streams';
import { INIT_NAME } from '../streaming/ffmpeg-args';
import type { SessionOutput } from '../streaming/stream-service';
import { hasKeyframe, parseInit } from './fmp4';
import { listedSegments } from './media-playlist';

/** How often a streaming camera's card picture is renewed. */
export const LIVE_PICTURE_INTERVAL_MS = 10_000;

export interface LivePicturesOptions {
  /** The stream service's public API (as the recorder uses it), never a session. */
  streams: { output(cameraId: string): SessionOutput | undefined };
  /** Decodes a clip (init + one segment) to a JPEG: StreamService.grabClipFrame, guarded. */
  grab: (clip: Buffer) => Promise<Buffer>;
  /** The camera's new picture (the app: SnapshotService.publish → `camera:snapshot`). */
  publish: (cameraId: string, jpeg: Buffer) => void;
  intervalMs?: number;
  log?: (line: string) => void;
}

interface Watch {
  sessionId: string;
  timer: NodeJS.Timeout;
  /** A picture is being made: ticks never overlap per camera. */
  busy: boolean;
}

/**
 * While a camera streams, its card's picture is renewed from the session's own output: the
 * newest finished segment with a keyframe, after the init segment, decoded by one short
 * guarded ffmpeg. No second camera connection (battery and cheap cameras allow one or two).
 * Fed the session's state events; stops when the session ends. Imports no Electron.
 */
export class LivePictures {
  private readonly watches = new Map<string, Watch>();
  private readonly log: (line: string) => void;

  constructor(private readonly opts: LivePicturesOptions) {
    this.log = opts.log ?? (() => undefined);
  }

  /** A session's state changed: live starts the pictures, an end stops them. */
  onStreamState(info: StreamInfo): void {
    const watch = this.watches.get(info.cameraId);
    if (info.state === 'ended' || info.state === 'failed' || watch?.sessionId !== info.sessionId)
      this.stop(info.cameraId);
    // Reconnecting keeps the timer: its ticks skip until the session is live again.
    if (info.state !== 'live' || this.watches.has(info.cameraId)) return;
    const next: Watch = {
      sessionId: info.sessionId,
      timer: setInterval(
        () => void this.tick(info.cameraId, next),
        this.opts.intervalMs ?? LIVE_PICTURE_INTERVAL_MS,
      ),
      busy: false,
    };
    this.watches.set(info.cameraId, next);
    // The first picture at once: the card shows the camera as it is when it goes live.
    void this.tick(info.cameraId, next);
  }

  /** Cameras whose pictures are being renewed now. */
  watching(): string[] {
    return [...this.watches.keys()];
  }

  /** Stops renewing a camera's picture; one being made is not published. */
  stop(cameraId: string): void {
    const watch = this.watches.get(cameraId);
    if (!watch) return;
    clearInterval(watch.timer);
    this.watches.delete(cameraId);
  }

  /** Quit. */
  stopAll(): void {
    for (const id of [...this.watches.keys()]) this.stop(id);
  }

  private async tick(cameraId: string, watch: Watch): Promise<void> {
    if (watch.busy) return;
    watch.busy = true;
    try {
      const out = this.opts.streams.output(cameraId);
      if (!out?.live || out.sessionId !== watch.sessionId) return;
      const clip = await newestKeyframeClip(out.dir);
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
