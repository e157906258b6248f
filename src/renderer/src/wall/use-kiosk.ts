import { useEffect, useState } from 'react';

/** In kiosk mode the pointer disappears after this long without moving. */
export const KIOSK_CURSOR_IDLE_MS = 3_000;

/**
 * Kiosk mode (a screen on the wall: pictures only) and whether its pointer is hidden. The pointer
 * comes back on any movement or press, and hides again after KIOSK_CURSOR_IDLE_MS.
 */
export function useKiosk() {
  const [kiosk, setKiosk] = useState(false);
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    setIdle(false);
    if (!kiosk) return undefined;
    let timer = setTimeout(() => setIdle(true), KIOSK_CURSOR_IDLE_MS);
    const wake = (): void => {
      setIdle(false);
      clearTimeout(timer);
      timer = setTimeout(() => setIdle(true), KIOSK_CURSOR_IDLE_MS);
    };
    const events = ['mousemove', 'pointerdown', 'wheel'] as const;
    for (const name of events) window.addEventListener(name, wake, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, wake);
    };
  }, [kiosk]);
  return { kiosk, setKiosk, cursorHidden: kiosk && idle };
}
