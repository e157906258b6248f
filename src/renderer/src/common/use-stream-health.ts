import { useCallback, useEffect, useRef, useState } from 'react';
import type { StreamHealth } from '../../../shared/health';
import { messageOf } from './format';
import { vigil } from './vigil';

/** How often an open health panel asks main again (main measures once a second). */
export const HEALTH_REFRESH_MS = 2_000;

export interface StreamHealthState {
  health: StreamHealth | null;
  /** Waiting for main's first answer. */
  loading: boolean;
  error: string | null;
  refresh: () => void;
}

/**
 * A camera's health from main while `open`: asked at once, then every HEALTH_REFRESH_MS (one
 * request at a time). Closed, it asks nothing.
 */
export function useStreamHealth(cameraId: string, open: boolean): StreamHealthState {
  const [health, setHealth] = useState<StreamHealth | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const alive = useRef(true);
  const answered = useRef(false);

  const refresh = useCallback(() => {
    if (busy.current) return;
    busy.current = true;
    // Only the first answer is awaited on screen: a refresh every 2 s must not flicker.
    if (!answered.current) setLoading(true);
    vigil()
      .streams.health(cameraId)
      .then((next) => {
        if (!alive.current) return;
        answered.current = true;
        setHealth(next);
        setError(null);
      })
      .catch((e: unknown) => {
        if (alive.current) setError(messageOf(e));
      })
      .finally(() => {
        busy.current = false;
        if (alive.current) setLoading(false);
      });
  }, [cameraId]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    if (!open) return undefined;
    refresh();
    const timer = setInterval(refresh, HEALTH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, refresh]);

  return { health, loading, error, refresh };
}
