/**
 * The one pair of names for watching a camera, used by the cards, the live window's callers and
 * the tray menu, so an action never goes by two names.
 */
export const WATCH_LABEL = 'Watch';
/** The camera already streams: bring its live window forward. */
export const SHOW_WINDOW_LABEL = 'Show window';
/** The camera refused the saved password: open Edit with the password field focused. */
export const ENTER_PASSWORD_LABEL = 'Enter password…';
