import { useCallback, useEffect, useRef, useState } from 'react';
import type { Camera, CameraStatus } from '../../../shared/cameras';
import type { StreamInfo, StreamVariant } from '../../../shared/streams';
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
 *
 * `variantOf` says which of a camera's streams its tile wants (the sub stream while small): a
 * tile whose wish changes lets go of the stream it holds and asks for the other; its player
 * keeps the last frame on screen meanwhile.
 */
export function useWallStreams(
  visible: readonly string[],
  /** Null: not known yet (the grid has no size): the tile waits. */
  variantOf: (cameraId: string) => StreamVariant | null = () => 'main',
) {
  const cameras = useWallStore((s) => s.cameras);
  const statuses = useWallStore((s) => s.statuses);
  const statusesKnown = useWallStore((s) => s.statusesKnown);
  const [streams, setStreams] = useState<Record<string, StreamInfo>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The ref decides (React's development double effects must not start twice); the state
  // mirrors it for rendering.
  const held = useRef(new Map<string, StreamVariant>());
  const [requested, setRequested] = useState<ReadonlySet<string>>(new Set());
  const lastStatus = useRef(new Map<string, CameraStatus['state'] | undefined>());
  const camerasRef = useRef(cameras);
  camerasRef.current = cameras;

  const start = useCallback((cameraId: string, durationSec: number, variant: StreamVariant) => {
    const before = held.current.get(cameraId);
    // The other stream of the camera: this window's hold on it goes (main stops it when no
    // other window holds it).
    if (before !== undefined && before !== variant)
      vigil()
        .streams.stop(cameraId, { variant: before })
        .catch(() => undefined);
    held.current.set(cameraId, variant);
    setRequested(new Set(held.current.keys()));
    // A new request: the old session's end or failure is no longer what the tile shows.
    setStreams((s) => without(s, cameraId));
    setErrors((e) => without(e, cameraId));
    vigil()
      .streams.start(cameraId, { durationSec, ...(variant === 'sub' ? { variant } : {}) })
      .then((first) => {
        if (held.current.get(cameraId) !== variant) return;
        // An event about this session may have overtaken the answer: keep the newer word.
        setStreams((s) =>
          s[cameraId]?.sessionId === first.sessionId ? s : { ...s, [cameraId]: first },
        );
      })
      .catch((error: unknown) => {
        if (held.current.get(cameraId) === variant)
          setErrors((e) => ({ ...e, [cameraId]: messageOf(error) }));
      });
  }, []);

  const release = useCallback((cameraId: string) => {
    const variant = held.current.get(cameraId) ?? 'main';
    held.current.delete(cameraId);
    setRequested(new Set(held.current.keys()));
    setStreams((s) => without(s, cameraId));
    setErrors((e) => without(e, cameraId));
    // Nothing to tell: the tile is gone, and a hold main still has ends with the window.
    const api = vigil().streams;
    (variant === 'sub' ? api.stop(cameraId, { variant }) : api.stop(cameraId)).catch(
      () => undefined,
    );
  }, []);

  useEffect(
    () =>
      vigil().streams.onState((next) => {
        if (held.current.get(next.cameraId) === next.variant)
          setStreams((s) => ({ ...s, [next.cameraId]: next }));
      }),
    [],
  );

  const visibleKey = visible.join('\n');
  useEffect(() => {
    const shown = new Set(visible);
    for (const cameraId of [...held.current.keys()]) if (!shown.has(cameraId)) release(cameraId);
    for (const cameraId of visible) {
      const camera = cameras[cameraId];
      const state = statuses[cameraId]?.state;
      const before = lastStatus.current.get(cameraId);
      lastStatus.current.set(cameraId, state);
      if (!camera || !statusesKnown) continue;
      const wanted = variantOf(cameraId);
      if (wanted === null) continue;
      const holding = held.current.get(cameraId);
      if (camera.options.battery) {
        // Played on click; a tile that grew or shrank meanwhile switches, for the time asked.
        if (holding !== undefined && holding !== wanted)
          start(cameraId, tileDuration(camera), wanted);
        continue;
      }
      if (holding === undefined) {
        if (startsByItself(statuses[cameraId])) start(cameraId, 0, wanted);
        continue;
      }
      if (holding !== wanted) {
        start(cameraId, 0, wanted);
        continue;
      }
      const broken = streams[cameraId]?.state === 'failed' || errors[cameraId] !== undefined;
      if (broken && state === 'online' && before !== 'online') start(cameraId, 0, wanted);
    }
    // `visible` is read through its key: a new array of the same ids is no change.
  }, [visibleKey, cameras, statuses, statusesKnown, streams, errors, start, release, variantOf]);

  /** Starts (or starts again) a tile's stream: a battery camera for its own duration. */
  const play = useCallback(
    (cameraId: string) =>
      start(cameraId, tileDuration(camerasRef.current[cameraId]), variantOf(cameraId) ?? 'main'),
    [start, variantOf],
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
