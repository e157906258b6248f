import type { FfmpegBinary } from './ffmpeg-binary';
import { grabClipFrame, grabFrame, grabRefusedAtQuit, type GrabOptions } from './frame-grab';
import type { SpawnFn } from './process-guard';
import type { StreamSource } from './source';

export interface GuardedGrabsOptions {
  /** The stream service's one ffmpeg cache. */
  ffmpeg: () => Promise<FfmpegBinary>;
  /** The stream service's guarded spawn. */
  spawner: () => Promise<SpawnFn>;
  /** The stream root: each grab's folder goes there (swept after a crash). */
  workDir: string;
  stopStepMs: number;
}

/**
 * The frame grabs of the stream service: each under the streams' process guard and ffmpeg,
 * in its own folder in the stream root, counted so quit can end them and wait for them.
 */
export class GuardedGrabs {
  /** Set by close (quit): no grab starts any more. */
  private closed = false;
  /** Aborted by close: running and queued grabs end. */
  private readonly quit = new AbortController();
  /** Grabs under way (settled, never rejecting), awaited by close. */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly opts: GuardedGrabsOptions) {}

  /** One JPEG frame of a source (a snapshot, "Test connection"): a camera connection. */
  source(source: StreamSource, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    return this.track((path, guard) => grabFrame(path, source, { ...options, ...guard }));
  }

  /** One JPEG frame of a clip of a session's own output (init + one segment): no camera. */
  clip(clip: Buffer, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    return this.track((path, guard) => grabClipFrame(path, clip, { ...options, ...guard }));
  }

  /** Quit: ends every grab (ffmpeg down the stop ladder, folders removed); refuses new ones. */
  close(): Promise<void> {
    this.closed = true;
    this.quit.abort();
    return Promise.all(this.running).then(() => undefined);
  }

  private track(
    run: (ffmpegPath: string, guard: Required<Omit<GrabOptions, 'timeoutMs'>>) => Promise<Buffer>,
  ): Promise<Buffer> {
    if (this.closed) return Promise.reject(grabRefusedAtQuit());
    const grab = (async () => {
      const [binary, spawn] = await Promise.all([this.opts.ffmpeg(), this.opts.spawner()]);
      return run(binary.path, {
        workDir: this.opts.workDir,
        spawn,
        signal: this.quit.signal,
        stopStepMs: this.opts.stopStepMs,
      });
    })();
    const settled = grab.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return grab;
  }
}
