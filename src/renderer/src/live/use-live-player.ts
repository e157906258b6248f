import Hls from 'hls.js';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { LIVE_HLS_CONFIG } from './hls-config';
import { createMsePlayer, type FallbackReason, type MsePlayer } from './mse-player';
import { createPlaylistLoader } from './playlist-loader';
import { createStallWatchdog } from './stall-watchdog';

export { STALL_MS } from './stall-watchdog';

export type PlayerPhase = 'loading' | 'playing' | 'reconnecting' | 'stalled';

/**
 * How the picture reaches the page: main's fragmented MP4 appended to Media Source (a
 * fraction of a second behind the camera), or HLS (the fallback: about 1.5 s behind).
 */
export type PlayerPath = 'low-latency' | 'hls';

/** Why this window plays HLS although main offered the low-latency stream. */
export interface PathFallback {
  reason: FallbackReason;
  detail: string;
}

export interface PlayerStats {
  width: number;
  height: number;
  fps: number;
  bitrate: number | null;
  /** Seconds behind the live edge, as hls.js estimates it. */
  latency: number | null;
}

const NO_STATS: PlayerStats = { width: 0, height: 0, fps: 0, bitrate: null, latency: null };

/** The last picture shown before playback stopped, and when it was shown (epoch ms). */
export interface LastFrame {
  dataUrl: string;
  at: number;
}

/**
 * The frame the video shows now, as a JPEG data URL; null when there is none or the canvas
 * refuses (MSE pictures are same-origin, so drawing them does not taint the canvas).
 */
function captureFrame(video: HTMLVideoElement): string | null {
  if (!video.videoWidth || !video.videoHeight) return null;
  try {
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.drawImage(video, 0, 0);
    return canvas.toDataURL('image/jpeg', 0.85);
  } catch {
    return null;
  }
}

/**
 * Plays a live stream in the given video element: the low-latency stream when main offers
 * one (`liveUrl`), HLS otherwise or once the low-latency path failed in this window (no
 * Media Source, a codec the platform cannot decode, data it refuses: see mse-player.ts).
 * The player lives in this effect and is destroyed on unmount. Frames are counted with requestVideoFrameCallback
 * (currentTime moves before playback starts, so it proves nothing) and, for windows that
 * draw nothing, by the decoder's count; when both stop for STALL_MS the player reloads
 * once, then reports 'stalled' (see stall-watchdog.ts).
 */
export function useLivePlayer(
  videoRef: RefObject<HTMLVideoElement | null>,
  url: string | null,
  liveUrl: string | null = null,
) {
  const [phase, setPhase] = useState<PlayerPhase>('loading');
  // Kept with the stream it happened on: a new session (a Retry, a camera edit) tries the
  // low-latency path again; the same one never goes back and forth.
  const [failed, setFailed] = useState<(PathFallback & { url: string }) | null>(null);
  const fallback = failed && failed.url === liveUrl ? failed : null;
  const path: PlayerPath = liveUrl && !fallback ? 'low-latency' : 'hls';
  const source = path === 'low-latency' ? liveUrl : url;
  const [stats, setStats] = useState<PlayerStats>(NO_STATS);
  const [generation, setGeneration] = useState(0);
  const [lastFrame, setLastFrame] = useState<LastFrame | null>(null);
  const hlsRef = useRef<Hls | null>(null);
  const mseRef = useRef<MsePlayer | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    // A kept-ready camera's session offers only the low-latency stream until a viewer asks for
    // its HLS files (`url` null): the low-latency path plays without it.
    if (!video || !source) return undefined;
    setPhase('loading');
    let frames = 0;
    let framesAtLastTick = 0;
    let bitrate: number | null = null;
    let playing = false;
    const watchdog = createStallWatchdog(performance.now());
    const onVisibility = (): void => {
      if (!document.hidden) watchdog.resume(performance.now());
    };
    document.addEventListener('visibilitychange', onVisibility);
    let frameHandle = 0;
    let disposed = false;
    let lastShownAt: number | null = null;

    const onFrame = (): void => {
      if (disposed) return;
      frames++;
      lastShownAt = Date.now();
      if (!playing && frames >= 2) {
        playing = true;
        setPhase('playing');
      }
      frameHandle = video.requestVideoFrameCallback(onFrame);
    };
    frameHandle = video.requestVideoFrameCallback(onFrame);

    const startLowLatency = (): MsePlayer =>
      createMsePlayer(video, source, {
        // Once per window: from then on this window plays HLS (the effect runs again).
        onFallback: (reason, detail) => {
          if (disposed) return;
          // A stream that ended with its session: keep the picture before the player lets go.
          const dataUrl = lastShownAt === null ? null : captureFrame(video);
          if (dataUrl && lastShownAt !== null) setLastFrame({ dataUrl, at: lastShownAt });
          setFailed({ reason, detail, url: source });
        },
      });

    const start = (): Hls | null => {
      if (path === 'low-latency') {
        mseRef.current = startLowLatency();
        return null;
      }
      if (!Hls.isSupported()) {
        // No MSE (e.g. some WebKit builds): the platform's own HLS player.
        video.src = source;
        void video.play().catch(() => undefined);
        return null;
      }
      const hls = new Hls({
        ...LIVE_HLS_CONFIG,
        pLoader: createPlaylistLoader(Hls.DefaultConfig.loader),
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play().catch(() => undefined));
      hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
        const seconds = data.frag.duration;
        if (seconds > 0) bitrate = (data.frag.stats.total * 8) / seconds;
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
        else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else setPhase('stalled');
      });
      hls.attachMedia(video);
      hls.loadSource(source);
      return hls;
    };
    hlsRef.current = start();

    const tick = setInterval(() => {
      const now = performance.now();
      const fps = frames - framesAtLastTick;
      framesAtLastTick = frames;
      const hls = hlsRef.current;
      const mse = mseRef.current;
      setStats({
        width: video.videoWidth,
        height: video.videoHeight,
        fps,
        bitrate,
        latency: mse
          ? mse.stats().latencyS
          : hls && Number.isFinite(hls.latency)
            ? hls.latency
            : null,
      });
      const action = watchdog.check({
        now,
        presented: frames,
        decoded: video.getVideoPlaybackQuality?.().totalVideoFrames ?? null,
        hidden: document.hidden,
        paused: video.paused,
      });
      if (action === 'reload') {
        // hls.js sits in 'waiting' forever when the stream dies: start it over once.
        playing = false;
        setPhase('reconnecting');
        hlsRef.current?.destroy();
        mseRef.current?.destroy();
        mseRef.current = null;
        hlsRef.current = start();
      } else if (action === 'stalled') {
        setPhase('stalled');
      }
    }, 1_000);

    return () => {
      disposed = true;
      // Kept before the source goes: an ended or failed window shows its last picture, dated.
      const dataUrl = lastShownAt === null ? null : captureFrame(video);
      if (dataUrl && lastShownAt !== null) setLastFrame({ dataUrl, at: lastShownAt });
      clearInterval(tick);
      document.removeEventListener('visibilitychange', onVisibility);
      video.cancelVideoFrameCallback(frameHandle);
      hlsRef.current?.destroy();
      hlsRef.current = null;
      mseRef.current?.destroy();
      mseRef.current = null;
      video.removeAttribute('src');
    };
  }, [videoRef, source, path, generation]);

  return {
    phase,
    stats,
    /** Which path plays, and why not the low-latency one when it was offered and failed. */
    path,
    fallback: fallback ? { reason: fallback.reason, detail: fallback.detail } : null,
    /** The last picture played (kept when playback stops), or null before any. */
    lastFrame,
    /** Starts playback over (after 'stalled'). */
    restart: () => setGeneration((g) => g + 1),
  };
}
