/** Pan, tilt and zoom speeds, each in [-1, 1] (ONVIF's generic velocity space). */
export interface PtzVelocity {
  /** Pan: negative is left. */
  x: number;
  /** Tilt: positive is up. */
  y: number;
  /** Zoom: positive zooms in. */
  zoom: number;
}

/** A position the camera remembers, by the device's token. */
export interface PtzPreset {
  token: string;
  name: string;
}

/** Whether a camera can be moved from Vigil. */
export interface PtzCapabilities {
  supported: boolean;
}

/** ONVIF's Name type holds at most 64 characters. */
export const MAX_PRESET_NAME = 64;

/**
 * While a move is held, the window repeats it this often; main stops the camera when it has
 * not heard from the window for PTZ_DEAD_MAN_MS (a crashed or frozen window).
 */
export const PTZ_HEARTBEAT_MS = 300;
export const PTZ_DEAD_MAN_MS = 1_000;
