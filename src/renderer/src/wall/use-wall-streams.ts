import { useCallback, useEffect, useRef, useState } from 'react';
import type { Camera, CameraStatus } from '../../../shared/cameras';
import type { StreamInfo } from '../../../shared/streams';
import { messageOf } from '../common/format';
import { vigil } from '../common/vigil';
import { useWallStore } from './store';

/** What the wall knows of one tile's stream. */
export interface TileStream {
  /** main's latest word on the session this window asked for; null before the first. */
  info: StreamInfo | null;
  /** Why asking for the stream failed (main's message); null when it did not. */
  error: string | null;
  /** This window asked main for the camera's stream and has not let go of it. */
  requested: boolean;
}

const NOTHING: TileStream = { info: null, error: null, requested: false };

/**
 * Whether a mains-powered camera's stream starts by itself. Offline cameras (and ones that
 * refused the saved password) wait for their status to change, and so does every camera until
 * its first check has answered: starting them would only meet the failure the status already
 * names. A camera without any status (never checked) is not known to be offline.
 */
export function startsByItself(status: CameraStatus | undefined): boolean {
  return status === undefined || status.state === 'online' || status.state === 'asleep';
}

/** The session length a tile asks for: a wall is continuous viewing, a battery camera is not. */
export function tileDuration(camera: Camera | undefined): number {
  return camera?.options.battery ? camera.options.durationSec : 0;
}

/**
 * The streams of the wall's visible tiles, held by this window. A mains-powered camera starts
 * with no time limit as soon as its status allows, and again when a failed one is seen online
 * once more; a battery camera only when its tile is clicked (`play`), for its own duration. A
 * camera that leaves the visible tiles (a smaller layout, a camera taken off the wall) is
 * released at once (`streams:stop` lets go of this window's hold only); the window closing
 * releases the rest in main.
 */
export function useWallStreams(visible: readonly string[]) {
  const cameras = useWallStore((s) => s.cameras);
  const statuses = useWallStore((s) => s.statuses);
  const statusesKnown = useWallStore((s) => s.statusesKnown);
  const [streams, setStreams] = useState<Record<string, StreamInfo>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The ref decides (React's development double effects must not start twice); the state
  // mirrors it for rendering.
  const held = useRef(new Set<string>());
  const [requested, setRequested] = useState<ReadonlySet<string>>(new Set());
  const lastStatus = useRef(new Map<string, CameraStatus['state'] | undefined>());
  const camerasRef = useRef(cameras);
  camerasRef.current = cameras;

  const start = useCallback((cameraId: string, durationSec: number) => {
    held.current.add(cameraId);
    setRequested(new Set(held.current));
    // A new request: the old session's end or failure is no longer what the tile shows.
    setStreams((s) => without(s, cameraId));
    setErrors((e) => without(e, cameraId));
    vigil()
      .streams.start(cameraId, { durationSec })
      .then((first) => {
        if (!held.current.has(cameraId)) return;
        // An event about this session may have overtaken the answer: keep the newer word.
        setStreams((s) =>
          s[cameraId]?.sessionId === first.sessionId ? s : { ...s, [cameraId]: first },
        );
      })
      .catch((error: unknown) => {
        if (held.current.has(cameraId)) setErrors((e) => ({ ...e, [cameraId]: messageOf(error) }));
      });
  }, []);

  const release = useCallback((cameraId: string) => {
    held.current.delete(cameraId);
    setRequested(new Set(held.current));
    setStreams((s) => without(s, cameraId));
    setErrors((e) => without(e, cameraId));
    // Nothing to tell: the tile is gone, and a hold main still has ends with the window.
    vigil()
      .streams.stop(cameraId)
      .catch(() => undefined);
  }, []);

  useEffect(
    () =>
      vigil().streams.onState((next) => {
        if (held.current.has(next.cameraId)) setStreams((s) => ({ ...s, [next.cameraId]: next }));
      }),
    [],
  );

  const visibleKey = visible.join('\n');
  useEffect(() => {
    const shown = new Set(visible);
    for (const cameraId of [...held.current]) if (!shown.has(cameraId)) release(cameraId);
    for (const cameraId of visible) {
      const camera = cameras[cameraId];
      const state = statuses[cameraId]?.state;
      const before = lastStatus.current.get(cameraId);
      lastStatus.current.set(cameraId, state);
      if (!camera || camera.options.battery || !statusesKnown) continue;
      if (!held.current.has(cameraId)) {
        if (startsByItself(statuses[cameraId])) start(cameraId, 0);
        continue;
      }
      const broken = streams[cameraId]?.state === 'failed' || errors[cameraId] !== undefined;
      if (broken && state === 'online' && before !== 'online') start(cameraId, 0);
    }
    // `visible` is read through its key: a new array of the same ids is no change.
  }, [visibleKey, cameras, statuses, statusesKnown, streams, errors, start, release]);

  /** Starts (or starts again) a tile's stream: a battery camera for its own duration. */
  const play = useCallback(
    (cameraId: string) => start(cameraId, tileDuration(camerasRef.current[cameraId])),
    [start],
  );

  const streamOf = useCallback(
    (cameraId: string): TileStream =>
      requested.has(cameraId)
        ? {
            info: streams[cameraId] ?? null,
            error: errors[cameraId] ?? null,
            requested: true,
          }
        : NOTHING,
    [requested, streams, errors],
  );

  return { streamOf, play };
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}
