import type { HlsConfig } from 'hls.js';

/**
 * Tuned for Vigil's 0.25 s segments. Counts are in target durations, and hls.js reads
 * ffmpeg's `#EXT-X-TARGETDURATION:0` (0.25 rounded) as 1 s: it aims 1 s behind the live
 * edge (it starts at the first segment while the playlist is shorter) and jumps only when
 * 10 s behind. hls.js speeds playback up only in lowLatencyMode, so maxLiveSyncPlaybackRate
 * is inert here. Measured: two segments behind cost 0.15 s more latency and no fewer
 * stalls; lowLatencyMode did not lower the latency of ffmpeg's (non-LL) playlists. The
 * benchmark plays with exactly this object; the app adds its playlist loader
 * (playlist-loader.ts).
 */
export const LIVE_HLS_CONFIG: Partial<HlsConfig> = {
  liveSyncDurationCount: 1,
  liveMaxLatencyDurationCount: 10,
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 10,
  lowLatencyMode: false,
  enableWorker: true,
};
