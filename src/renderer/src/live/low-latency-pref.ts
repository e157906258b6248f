import { useCallback, useState } from 'react';

const key = (cameraId: string) => `vigil.lowLatency.${cameraId}`;

/** The choice stored for this camera; null when the user never made one. */
function read(cameraId: string): boolean | null {
  try {
    const value = window.localStorage.getItem(key(cameraId));
    return value === null ? null : value === '1';
  } catch {
    return null;
  }
}

/**
 * Whether this camera's live window plays the low-latency stream, remembered per camera in
 * the page's storage. Off by default: through the app its first second still stutters (a
 * pause of 0.3–0.6 s after the first picture with B-frame cameras, measured by
 * bframes.e2e and low-latency.e2e), where HLS starts smoothly. A kept-ready camera defaults
 * to it (`byDefault`): its picture since the last keyframe waits in main, ready at once on
 * that path, and its session writes no HLS files until a window asks for them.
 */
export function useLowLatencyPreference(
  cameraId: string,
  byDefault = false,
): [boolean, (on: boolean) => void] {
  const [stored, setOn] = useState(() => read(cameraId));
  const on = stored ?? byDefault;
  const set = useCallback(
    (value: boolean) => {
      setOn(value);
      try {
        window.localStorage.setItem(key(cameraId), value ? '1' : '0');
      } catch {
        // Storage refused: the choice lasts for this window.
      }
    },
    [cameraId],
  );
  return [on, set];
}
