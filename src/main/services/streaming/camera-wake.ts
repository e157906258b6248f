import { probeRtsp, type ProbeResult } from './rtsp-probe';

export interface WakeOptions {
  /** Checked after every knock and pause: true ends the wait (the session stopped or moved on). */
  cancelled: () => boolean;
  /** Default: a 2 s RTSP OPTIONS. */
  probe?: (url: string) => Promise<ProbeResult>;
  /** Pause between knocks; default 500 ms. */
  retryMs?: number;
}

/**
 * Battery cameras start their RTSP server on demand: knocks (RTSP OPTIONS) until the camera
 * answers, before ffmpeg is started. Resolves with the time it took, or null if cancelled.
 */
export async function wakeCamera(url: string, options: WakeOptions): Promise<number | null> {
  const started = Date.now();
  const probe = options.probe ?? ((target: string) => probeRtsp(target, 2_000));
  for (;;) {
    const answer = await probe(url);
    if (options.cancelled()) return null;
    if (answer.ok) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 500));
    if (options.cancelled()) return null;
  }
}
