import { useEffect, useRef, useState } from 'react';
import { vigil } from '../common/vigil';
import { keepUpNotice, NO_KEEP_UP, trackKeepUp, type TileReading } from './keep-up';

/** How often the wall reads its tiles. */
export const KEEP_UP_TICK_MS = 1_000;
/** A camera's frame rate from main is asked again after this long (a camera may be changed). */
export const STREAM_FPS_MAX_AGE_MS = 30_000;

interface FrameCounter {
  frames: number;
  handle: number;
}

interface KnownRate {
  /** The tile's session the rate was asked for. */
  sessionId: string;
  fps: number | null;
  at: number;
  asking: boolean;
}

/**
 * Watches every tile in the wall's grid (`[data-camera-id]` with its video) and says when this
 * computer cannot keep up with them (keep-up.ts decides): the wall bar's words, or null.
 *
 * Frames are counted with requestVideoFrameCallback's presentedFrames (a callback may cover
 * several frames): the frames the viewer sees, which is what a slow machine loses (Chromium decodes late frames and
 * then drops them unshown). The yardstick is the stream's frame rate as main measured it in the
 * session's segments (`streams:health`), asked only for tiles that show frames, at most every
 * STREAM_FPS_MAX_AGE_MS per camera, and used only when it is the tile's own session (`sessionOf`):
 * a camera's other stream (its main one while the tile plays the sub stream) is no yardstick.
 * A hidden page draws nothing and calls no rVFC callbacks, so it judges nothing and starts over
 * when shown.
 */
export function useKeepUp(
  grid: HTMLElement | null,
  sessionOf: (cameraId: string) => string | null,
): string | null {
  const [notice, setNotice] = useState<string | null>(null);
  const sessionRef = useRef(sessionOf);
  sessionRef.current = sessionOf;

  useEffect(() => {
    if (!grid || !('requestVideoFrameCallback' in HTMLVideoElement.prototype)) return undefined;
    let state = NO_KEEP_UP;
    let disposed = false;
    const counters = new Map<HTMLVideoElement, FrameCounter>();
    const rates = new Map<string, KnownRate>();

    const counterOf = (video: HTMLVideoElement): FrameCounter => {
      const known = counters.get(video);
      if (known) return known;
      const counter: FrameCounter = { frames: 0, handle: 0 };
      let lastPresented: number | null = null;
      const onFrame = (_now: number, meta?: VideoFrameCallbackMetadata): void => {
        if (disposed || counters.get(video) !== counter) return;
        // The frames presented since the last callback, not one per callback: callbacks run in
        // the page's rendering steps, at most one per step, and with several videos Chromium
        // halves the page's steps to 30 a second (cc's video conference mode). Measured on the
        // 4 × 4 wall bench: 17.3 callbacks a second per tile while presentedFrames (and an X11
        // grab of the screen) advanced 24.8; counting callbacks put up a false notice.
        const presented = meta?.presentedFrames;
        const step =
          presented !== undefined && lastPresented !== null && presented > lastPresented
            ? presented - lastPresented
            : 1;
        if (presented !== undefined) lastPresented = presented;
        counter.frames += step;
        counter.handle = video.requestVideoFrameCallback(onFrame);
      };
      counter.handle = video.requestVideoFrameCallback(onFrame);
      counters.set(video, counter);
      return counter;
    };

    const streamFps = (cameraId: string, now: number): number | null => {
      const sessionId = sessionRef.current(cameraId);
      if (sessionId === null) return null;
      const before = rates.get(cameraId);
      const known = before?.sessionId === sessionId ? before : undefined;
      if (!known || (!known.asking && now - known.at >= STREAM_FPS_MAX_AGE_MS)) {
        const asking: KnownRate = { sessionId, fps: known?.fps ?? null, at: now, asking: true };
        rates.set(cameraId, asking);
        vigil()
          .streams.health(cameraId)
          .then((health) => {
            asking.fps = health?.sessionId === sessionId ? health.media.fps : null;
          })
          // No answer: the rate known before (if any) stays, and is asked again later.
          .catch(() => undefined)
          .finally(() => {
            asking.asking = false;
            asking.at = performance.now();
          });
      }
      return known?.fps ?? null;
    };

    const tick = (): void => {
      if (document.hidden) {
        state = NO_KEEP_UP;
        setNotice(null);
        return;
      }
      const now = performance.now();
      const readings: TileReading[] = [];
      const seen = new Set<HTMLVideoElement>();
      for (const tile of grid.querySelectorAll<HTMLElement>('[data-camera-id]')) {
        const cameraId = tile.dataset['cameraId'];
        const video = tile.querySelector('video');
        if (!cameraId || !video) continue;
        seen.add(video);
        const presented = counterOf(video).frames;
        readings.push({
          cameraId,
          presented,
          streamFps: presented > 0 ? streamFps(cameraId, now) : null,
        });
      }
      for (const [video, counter] of counters) {
        if (seen.has(video)) continue;
        video.cancelVideoFrameCallback(counter.handle);
        counters.delete(video);
      }
      state = trackKeepUp(state, now, readings);
      setNotice(keepUpNotice(state, readings.length));
    };

    const timer = setInterval(tick, KEEP_UP_TICK_MS);
    return () => {
      disposed = true;
      clearInterval(timer);
      for (const [video, counter] of counters) video.cancelVideoFrameCallback(counter.handle);
      setNotice(null);
    };
  }, [grid]);

  return notice;
}
