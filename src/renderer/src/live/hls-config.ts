import type { HlsConfig } from 'hls.js';

/**
 * Tuned for Vigil's 0.25 s segments: play one segment behind the live edge, catch up by
 * playing up to 1.5× faster, and only jump (into a segment that may start between
 * keyframes) when 10 segments (2.5 s) behind. Measured: two segments behind cost 0.15 s
 * more latency and no fewer stalls. lowLatencyMode does nothing for ffmpeg's (non-LL)
 * playlists. The benchmark plays with exactly this object.
 */
export const LIVE_HLS_CONFIG: Partial<HlsConfig> = {
  liveSyncDurationCount: 1,
  liveMaxLatencyDurationCount: 10,
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 10,
  lowLatencyMode: false,
  enableWorker: true,
};
