import Hls from 'hls.js';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { LIVE_HLS_CONFIG } from './hls-config';

/** No new frame for this long while main says live: the player tries to recover. */
export const STALL_MS = 5_000;

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

/**
 * Plays a live HLS URL in the given video element. The hls.js instance lives in this
 * effect and is destroyed on unmount. Frames are counted with requestVideoFrameCallback
 * (currentTime moves before playback starts, so it proves nothing); when they stop
 * for STALL_MS the player reloads once, then reports 'stalled'.
 */
export function useLivePlayer(videoRef: RefObject<HTMLVideoElement | null>, url: string | null) {
  const [phase, setPhase] = useState<PlayerPhase>('loading');
  const [stats, setStats] = useState<PlayerStats>(NO_STATS);
  const [generation, setGeneration] = useState(0);
  const hlsRef = useRef<Hls | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !url) return undefined;
    setPhase('loading');
    let frames = 0;
    let lastFrameAt = performance.now();
    let framesAtLastTick = 0;
    let bitrate: number | null = null;
    let reloaded = false;
    let playing = false;
    let frameHandle = 0;
    let disposed = false;

    const onFrame = (): void => {
      if (disposed) return;
      frames++;
      lastFrameAt = performance.now();
      if (!playing && frames >= 2) {
        playing = true;
        reloaded = false;
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
      const hls = new Hls(LIVE_HLS_CONFIG);
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
      if (frames < 2 || video.paused) {
        lastFrameAt = Math.max(lastFrameAt, now - STALL_MS / 2);
        return;
      }
      if (now - lastFrameAt <= STALL_MS) return;
      if (!reloaded) {
        // hls.js sits in 'waiting' forever when the stream dies: start it over once.
        reloaded = true;
        playing = false;
        setPhase('reconnecting');
        hlsRef.current?.destroy();
        hlsRef.current = start();
        lastFrameAt = now;
      } else {
        setPhase('stalled');
      }
    }, 1_000);

    return () => {
      disposed = true;
      clearInterval(tick);
      video.cancelVideoFrameCallback(frameHandle);
      hlsRef.current?.destroy();
      hlsRef.current = null;
      video.removeAttribute('src');
    };
  }, [videoRef, url, generation]);

  return {
    phase,
    stats,
    /** Starts playback over (after 'stalled'). */
    restart: () => setGeneration((g) => g + 1),
  };
}
