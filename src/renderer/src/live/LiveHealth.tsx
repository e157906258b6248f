import { useEffect, useRef, useState } from 'react';
import type { Camera } from '../../../shared/cameras';
import { HealthPanel } from '../common/HealthPanel';
import { useStreamHealth } from '../common/use-stream-health';
import type { PlayerPhase } from './use-live-player';

/**
 * Milliseconds from the playlist's URL reaching this window to its first frame playing, for
 * each URL (a reconnect or a new session measures again); null until it has played.
 */
export function usePlayerStart(url: string | null, phase: PlayerPhase): number | null {
  const since = useRef<{ url: string; at: number } | null>(null);
  const [took, setTook] = useState<number | null>(null);
  useEffect(() => {
    if (url !== null && since.current?.url !== url) {
      since.current = { url, at: performance.now() };
      setTook(null);
    }
  }, [url]);
  useEffect(() => {
    const start = since.current;
    if (phase === 'playing' && start !== null && url === start.url)
      setTook((prev) => prev ?? Math.round(performance.now() - start.at));
  }, [phase, url]);
  return took;
}

/** The live window's health panel, beside the picture: main's record plus this player's start. */
export function LiveHealth(props: {
  cameraId: string;
  camera: Camera | null;
  playerStartMs: number | null;
  onClose: () => void;
}) {
  const { health, loading, error, refresh } = useStreamHealth(props.cameraId, true);
  return (
    <div className="live-health">
      <HealthPanel
        health={health}
        camera={props.camera}
        playerStartMs={props.playerStartMs}
        loading={loading}
        error={error}
        onClose={props.onClose}
        onRefresh={refresh}
      />
    </div>
  );
}
