import { useCallback, useState } from 'react';

const key = (cameraId: string) => `vigil.lowLatency.${cameraId}`;

function read(cameraId: string): boolean {
  try {
    return window.localStorage.getItem(key(cameraId)) === '1';
  } catch {
    return false;
  }
}

/**
 * Whether this camera's live window plays the low-latency stream, remembered per camera in
 * the page's storage. Off by default: through the app its first second still stutters (a
 * pause of 0.3–0.6 s after the first picture with B-frame cameras, measured by
 * bframes.e2e and low-latency.e2e), where HLS starts smoothly.
 */
export function useLowLatencyPreference(cameraId: string): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => read(cameraId));
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
