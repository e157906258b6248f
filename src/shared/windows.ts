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
