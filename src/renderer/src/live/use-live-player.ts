import Hls from 'hls.js';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { LIVE_HLS_CONFIG } from './hls-config';
import { createPlaylistLoader } from './playlist-loader';
import { createStallWatchdog } from './stall-watchdog';

export { STALL_MS } from './stall-watchdog';

export type PlayerPhase = 'loading' | 'playing' | 'reconnecting' | 'stalled';

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
 * Plays a live HLS URL in the given video element. The hls.js instance lives in this
 * effect and is destroyed on unmount. Frames are counted with requestVideoFrameCallback
 * (currentTime moves before playback starts, so it proves nothing) and, for windows that
 * draw nothing, by the decoder's count; when both stop for STALL_MS the player reloads
 * once, then reports 'stalled' (see stall-watchdog.ts).
 */
export function useLivePlayer(videoRef: RefObject<HTMLVideoElement | null>, url: string | null) {
  const [phase, setPhase] = useState<PlayerPhase>('loading');
  const [stats, setStats] = useState<PlayerStats>(NO_STATS);
  const [generation, setGeneration] = useState(0);
  const [lastFrame, setLastFrame] = useState<LastFrame | null>(null);
  const hlsRef = useRef<Hls | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !url) return undefined;
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

    const start = (): Hls | null => {
      if (!Hls.isSupported()) {
        // No MSE (e.g. some WebKit builds): the platform's own HLS player.
        video.src = url;
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
      hls.loadSource(url);
      return hls;
    };
    hlsRef.current = start();

    const tick = setInterval(() => {
      const now = performance.now();
      const fps = frames - framesAtLastTick;
      framesAtLastTick = frames;
      const hls = hlsRef.current;
      setStats({
        width: video.videoWidth,
        height: video.videoHeight,
        fps,
        bitrate,
        latency: hls && Number.isFinite(hls.latency) ? hls.latency : null,
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
      video.removeAttribute('src');
    };
  }, [videoRef, url, generation]);

  return {
    phase,
    stats,
    /** The last picture played (kept when playback stops), or null before any. */
    lastFrame,
    /** Starts playback over (after 'stalled'). */
    restart: () => setGeneration((g) => g + 1),
  };
}
