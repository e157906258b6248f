/**
 * What keeping one camera ready costs this computer, as the camera dialog says it. Measured
 * 2026-12-03 with bench/warm-cost.ts on the 2-core bench machine, a warm session with nobody
 * watching over 10 s (fake cameras at 1280×720 and 1920×1080, 25 fps, AAC): its ffmpeg
 * 3.1–3.3 % of a core and 37 MB (PSS), main 2.6–3.2 % (the credential relay, the fMP4 splitter
 * and the picture held since the last keyframe, 0.2 MB here; up to 16 MB for a camera with a long
 * GOP at a high bitrate). Rounded up. While any camera is kept ready, Vigil also keeps one live
 * window loaded in advance (hidden): +21 MB and no CPU while it waits (bench/ready-cost.ts, in
 * the Chromium stand-in; an Electron window's renderer is somewhat larger).
 */
export const KEEP_READY_COST =
  'about 7 % of one processor core and 40 MB of memory, plus about 20 MB once for a live window kept ready to open';
