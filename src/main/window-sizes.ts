// Window sizes, free of Electron so the browser e2e suite can check pages at the same sizes.

export const LIVE_DEFAULT = { width: 800, height: 600 };
export const DASHBOARD_DEFAULT = { width: 1180, height: 780 };

/**
 * The smallest window (frame included) whose page still shows every control: a live window's
 * buttons fit one row under the picture, and the camera dialog keeps its tabs and buttons in
 * view with a few lines of its body between them (tests/e2e/a11y.e2e.test.ts checks both).
 */
export const LIVE_MIN = { width: 480, height: 320 };
export const DASHBOARD_MIN = { width: 560, height: 420 };

/** A wall: room for a 2 × 2 grid of 16:9 tiles by default; its top bar fits at the minimum. */
export const WALL_DEFAULT = { width: 1280, height: 780 };
export const WALL_MIN = { width: 560, height: 380 };

/**
 * A live window as a mini player (picture only, controls on hover), frame included like the
 * sizes above: about a 320×180 picture under a title bar by default, and at the minimum still a
 * 16:9 picture on which the hover controls (Exit mini, Keep on top, Stop) fit one row.
 */
export const LIVE_MINI_DEFAULT = { width: 340, height: 220 };
export const LIVE_MINI_MIN = { width: 256, height: 176 };

/**
 * The ready live window (kept while a camera is kept ready) is made this long after it is
 * wanted (start-up, Keep ready turned on) or after the last one was handed out: not while the
 * dashboard or a new stream is starting.
 */
export const READY_WINDOW_DELAY_MS = 3_000;
