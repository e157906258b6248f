import type { StreamInfo } from './streams';

/**
 * How a camera's live window is shown: as a mini player (the picture alone, controls on
 * hover) and/or kept on top of other windows. Main owns it and remembers it per camera.
 */
export interface LiveWindowMode {
  mini: boolean;
  pinned: boolean;
}

/** A window that is neither: what a camera's first live window is. */
export const NORMAL_LIVE_MODE: LiveWindowMode = { mini: false, pinned: false };

/**
 * What main hands a ready window (a live window made in advance): its camera, and that camera's
 * session when one is live already (a kept-ready camera), so the window can start playing
 * before its own start's answer comes back. Null otherwise: the window starts as any other.
 */
export interface ReadyHandOver {
  cameraId: string;
  stream: StreamInfo | null;
}
