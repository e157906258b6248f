import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { ENTER_PASSWORD_LABEL } from '../../../shared/labels';
import { formatRemaining, messageOf } from '../common/format';
import { useNow } from '../common/use-now';
import { vigil } from '../common/vigil';
import { useLivePlayer } from '../live/use-live-player';
import { useWallStore } from './store';
import { tileFace, type FaceKind } from './tile-text';
import type { TileStream } from './use-wall-streams';

export interface WallTileProps {
  cameraId: string;
  index: number;
  stream: TileStream;
  /** This tile fills the wall. */
  enlarged: boolean;
  /**
   * Another tile fills the wall: this one plays on underneath, out of reach (inert). Covered, not
   * display:none: Chromium keeps presenting a covered video's frames (measured, ~25 fps), so its
   * stall watchdog stays quiet and the way back is instant.
   */
  covered: boolean;
  /** Tiles can be dragged onto each other (not in kiosk mode, not while one is enlarged). */
  draggable: boolean;
  /** A dragged tile is over this one. */
  dropTarget: boolean;
  onPlay: (cameraId: string) => void;
  /** Double-click: enlarge the tile, or bring the wall back when it is the enlarged one. */
  onEnlarge: (cameraId: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLDivElement>, index: number) => void;
  onError: (message: string) => void;
  register: (cameraId: string, element: HTMLDivElement | null) => void;
  onDragStart: (index: number) => void;
  /** A tile is dragged over this one; false when what is dragged is not a tile of this wall. */
  onDragOver: (index: number) => boolean;
  onDrop: (index: number) => void;
  onDragEnd: () => void;
}

const DOT: Record<FaceKind, string> = {
  none: 'live',
  busy: 'starting',
  idle: 'idle',
  offline: 'failed',
  error: 'failed',
};

/** "Stops in 0:42" for a tile whose session has a deadline (a battery camera's). */
function Countdown({ deadline }: { deadline: number }) {
  const now = useNow(500);
  return <span className="wall-tile-countdown">Stops in {formatRemaining(deadline, now)}</span>;
}

/** One camera on the wall: its picture, its name, and a face for every state it can meet. */
export function WallTile(props: WallTileProps) {
  const { cameraId, index, stream, enlarged, covered } = props;
  const camera = useWallStore((s) => s.cameras[cameraId]);
  const status = useWallStore((s) => s.statuses[cameraId]);
  const statusesKnown = useWallStore((s) => s.statusesKnown);
  const snapshot = useWallStore((s) => s.snapshots[cameraId]);
  const videoRef = useRef<HTMLVideoElement>(null);
  const info = stream.requested ? stream.info : null;
  // The low-latency stream where main offers it (HLS otherwise, or after it failed here): one
  // streaming response per tile instead of hls.js polling a playlist and fetching 4 segments a
  // second. Measured on the 2-core bench machine, 16 tiles on a 4 × 4 wall (bench/run-wall.ts
  // --quick): HLS p50 6.4–7.5 fps per tile (0 of 16 at 15 fps), low latency p50 21.1 (min 20.1,
  // 16 of 16). Its first second may stutter (see live/low-latency-pref.ts); a wall plays on.
  const live = info?.state === 'live' ? info : null;
  const player = useLivePlayer(videoRef, live?.url ?? null, live?.liveUrl ?? null);
  const [playedHere, setPlayedHere] = useState(false);
  useEffect(() => {
    if (player.phase === 'playing') setPlayedHere(true);
  }, [player.phase]);
  const faceId = useId();
  const name = camera?.name ?? 'Camera';
  const face = tileFace({
    camera,
    status,
    statusesKnown,
    stream,
    player: player.phase,
    playedHere,
  });

  // The last picture kept (by this wall or by main), until the tile plays.
  useEffect(() => {
    vigil()
      .cameras.snapshot(cameraId, { cachedOnly: true })
      .then((s) => {
        if (s) useWallStore.getState().setSnapshot(s);
      })
      // No picture kept is no news: the tile shows its face on black.
      .catch(() => undefined);
  }, [cameraId]);
  const lastFrame = player.lastFrame;
  const poster =
    lastFrame && (!snapshot || lastFrame.at > snapshot.takenAt)
      ? lastFrame.dataUrl
      : snapshot?.dataUrl;

  const act = () => {
    switch (face.action) {
      case 'play':
      case 'retry':
        props.onPlay(cameraId);
        break;
      case 'restart':
        player.restart();
        break;
      case 'password':
        vigil()
          .windows.editCamera(cameraId, { focus: 'password' })
          .catch((e: unknown) => props.onError(messageOf(e)));
        break;
      case null:
        break;
    }
  };
  const actionLabel =
    face.action === 'play'
      ? camera?.options.battery && face.text === ''
        ? 'Click to play'
        : 'Play'
      : face.action === 'password'
        ? ENTER_PASSWORD_LABEL
        : 'Retry';

  const deadline = info?.state === 'live' ? info.deadline : null;
  const classes = [
    'wall-tile',
    `wall-tile-${face.kind}`,
    enlarged ? 'wall-tile-enlarged' : '',
    props.dropTarget ? 'wall-tile-drop' : '',
  ];

  return (
    <div
      ref={(element) => props.register(cameraId, element)}
      className={classes.filter(Boolean).join(' ')}
      role="group"
      aria-label={name}
      aria-describedby={faceId}
      tabIndex={0}
      inert={covered}
      aria-hidden={covered || undefined}
      data-camera-id={cameraId}
      draggable={props.draggable}
      onKeyDown={(event) => props.onKeyDown(event, index)}
      onDoubleClick={(event) => {
        if (!(event.target instanceof Element && event.target.closest('button')))
          props.onEnlarge(cameraId);
      }}
      onDragStart={(event: DragEvent<HTMLDivElement>) => {
        event.dataTransfer.effectAllowed = 'move';
        // MDN's Drag Operations: an element's drag needs data set in dragstart (Firefox starts
        // none without it). The wall itself keeps which tile is dragged in its own state.
        event.dataTransfer.setData('text/plain', name);
        props.onDragStart(index);
      }}
      onDragOver={(event) => {
        // Accepting the drop is what preventDefault says; a file or text dragged in is refused.
        if (!props.onDragOver(index)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
      }}
      onDrop={(event) => {
        event.preventDefault();
        props.onDrop(index);
      }}
      onDragEnd={props.onDragEnd}
    >
      {/* Muted: a wall of cameras speaking at once is noise. Named by the tile around it. */}
      <video
        ref={videoRef}
        className="wall-tile-video"
        muted
        playsInline
        poster={poster}
        aria-hidden="true"
      />
      {face.kind === 'none' ? (
        <span id={faceId} className="visually-hidden">
          Live
        </span>
      ) : (
        <div id={faceId} className={`wall-tile-face wall-tile-face-${face.kind}`}>
          {face.kind === 'busy' ? <span className="spinner" aria-hidden="true" /> : null}
          {face.text ? <span className="wall-tile-face-text">{face.text}</span> : null}
          {face.action ? (
            <button
              type="button"
              className={face.action === 'play' || face.action === 'password' ? 'primary' : ''}
              onClick={act}
            >
              {actionLabel}
            </button>
          ) : null}
        </div>
      )}
      <div className="wall-tile-label">
        <span className={`dot dot-${DOT[face.kind]}`} aria-hidden="true" />
        <span className="wall-tile-name">{name}</span>
      </div>
      {deadline !== null ? <Countdown deadline={deadline} /> : null}
    </div>
  );
}
