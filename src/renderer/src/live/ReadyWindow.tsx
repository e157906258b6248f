import { useEffect, useState } from 'react';
import { messageOf } from '../common/format';
import { vigil } from '../common/vigil';
import type { ReadyHandOver } from '../../../shared/windows';
import { LiveView } from './LiveView';

/**
 * A live window made in advance and kept hidden (main keeps one while a camera is kept ready):
 * its page is loaded and waits for main to hand it a camera, then it is that camera's live
 * window, starting from the camera's live session when main hands one. The address takes the
 * camera too, so a reload shows the same camera.
 */
export function ReadyWindow() {
  const [handOver, setHandOver] = useState<ReadyHandOver | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    vigil()
      .windows.awaitCamera()
      .then((handed) => {
        if (!current) return;
        history.replaceState(null, '', `?camera=${encodeURIComponent(handed.cameraId)}`);
        setHandOver(handed);
      })
      .catch((e: unknown) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
  }, []);
  if (handOver) return <LiveView cameraId={handOver.cameraId} initial={handOver.stream} />;
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
