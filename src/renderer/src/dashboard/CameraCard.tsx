import { useRef, useState } from 'react';
import type { Camera, CameraSnapshot, CameraStatus } from '../../../shared/cameras';
import { adviceFor } from '../../../shared/advice';
import { ENTER_PASSWORD_LABEL, SHOW_WINDOW_LABEL, WATCH_LABEL } from '../../../shared/labels';
import type { StreamInfo } from '../../../shared/streams';
import { formatAge, formatRemaining } from '../common/format';
import { MenuButton } from '../common/MenuButton';
import { RecordingBadge } from '../common/RecordingBadge';
import { CopyPasswordConfirmation } from './CopyPasswordConfirmation';
import { RemoveConfirmation } from './RemoveConfirmation';

export interface CameraCardProps {
  camera: Camera;
  status: CameraStatus | undefined;
  snapshot: CameraSnapshot | undefined;
  /** Why there is no picture, when taking one failed. */
  snapshotError?: string | undefined;
  stream: StreamInfo | undefined;
  now: number;
  /** Watch (opens the live window, which starts the stream) or Show window when streaming. */
  onStart: (camera: Camera) => void;
  /** Ends the camera's stream for every window (the tray's Stop). */
  onStop?: (camera: Camera) => void;
  /** Checks the camera's status again now (an offline card's "Check now"). */
  onCheck?: (camera: Camera) => Promise<unknown>;
  /** Opens Edit with the password field focused (the camera refused the saved one). */
  onEnterPassword?: (camera: Camera) => void;
  onEdit: (camera: Camera) => void;
  onRemove: (camera: Camera) => void;
  /** Main copies the stream URL; with the password only after the card's confirmation. */
  onCopyUrl: (camera: Camera, withPassword: boolean) => void;
  onTest: (camera: Camera) => void;
  /** Opens the camera's health: its current or latest session, measured. */
  onHealth?: (camera: Camera) => void;
  /** The built-in demo camera's menu: hide it from the dashboard. */
  onHide?: (camera: Camera) => void;
  /** Just added or saved: the card is pointed out (and scrolled into view). */
  highlighted?: boolean;
}

const STATUS_LABEL: Record<CameraStatus['state'], string> = {
  checking: 'Checking…',
  online: 'Online',
  offline: 'Offline',
  asleep: 'Asleep',
  unauthorized: 'Wrong password',
};

/**
 * A kept-ready camera's session that no window watches: the camera is ready, not streaming to
 * anyone. The card offers Watch (not Show window), no Stop, and says "ready".
 */
export function isReadyOnly(stream: StreamInfo): boolean {
  return stream.warm === true && stream.viewers === 0;
}

/** What the card says about a running stream, from main's facts only. */
export function streamLabel(stream: StreamInfo, now: number): string {
  if (isReadyOnly(stream)) {
    if (stream.state === 'live') return 'ready';
    if (stream.state === 'starting' || stream.state === 'waking') return 'getting ready…';
  }
  switch (stream.state) {
    case 'waking':
      return 'waking camera…';
    case 'starting':
      return 'connecting…';
    case 'stopping':
      return 'stopping…';
    case 'reconnecting':
      return `reconnecting… (attempt ${String(stream.reconnectAttempt ?? 1)})`;
    case 'live':
      if (stream.deadline === null) return 'live';
      return `live · ${formatRemaining(stream.deadline, now)} left`;
    default:
      return '';
  }
}

/** Why Watch is disabled, or null when it is not; the same advice the live window gives. */
export function startBlockedReason(status: CameraStatus | undefined): string | null {
  if (status?.state !== 'offline') return null;
  const { advice } = adviceFor(status.fault ?? 'unreachable', {
    workedBefore: status.lastSeen !== null,
  });
  return `${status.detail ?? 'The camera does not answer.'} ${advice}`;
}

/** One camera on the dashboard: picture, status, and what you can do with it. */
export function CameraCard(props: CameraCardProps) {
  const { camera, status, snapshot, now } = props;
  // A kept-ready camera nobody watches: the card treats it as not streaming (ready shows).
  const ready = props.stream && isReadyOnly(props.stream) ? props.stream : undefined;
  const stream = ready ? undefined : props.stream;
  const [confirming, setConfirming] = useState(false);
  const [confirmingCopy, setConfirmingCopy] = useState(false);
  const [checkingNow, setCheckingNow] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);
  const blocked = startBlockedReason(status);
  const state = status?.state ?? 'checking';
  // Watching would only repeat the refusal: the way forward is the password.
  const refused = state === 'unauthorized' && !stream;

  return (
    <article
      className={`card camera-card${props.highlighted ? ' card-highlight' : ''}`}
      aria-label={camera.name}
      data-camera-id={camera.id}
    >
      <div className="thumb">
        {snapshot ? (
          <img src={snapshot.dataUrl} alt={`Last picture from ${camera.name}`} />
        ) : (
          <div className="thumb-empty">
            {props.snapshotError
              ? `No picture: ${props.snapshotError}`
              : state === 'offline'
                ? 'No picture'
                : 'Waiting for a picture…'}
          </div>
        )}
        {snapshot ? <span className="thumb-age">{formatAge(snapshot.takenAt, now)}</span> : null}
        {stream ? (
          <span className={`live-pill live-pill-${stream.state}`} role="status">
            {streamLabel(stream, now)}
          </span>
        ) : ready ? (
          <span
            className="live-pill live-pill-ready"
            role="status"
            title="Kept ready: Vigil stays connected, so a live window shows the picture at once."
          >
            {streamLabel(ready, now)}
          </span>
        ) : null}
        <RecordingBadge cameraId={camera.id} />
      </div>
      <div className="card-body">
        <div className="card-title">
          <h2 title={camera.name}>{camera.name}</h2>
          <span className={`badge badge-${state}`} title={status?.detail ?? undefined}>
            {STATUS_LABEL[state]}
          </span>
        </div>
        <p className="address" title={camera.address}>
          {camera.address}
        </p>
        <div className="card-actions">
          {refused && props.onEnterPassword ? (
            <button className="primary" onClick={() => props.onEnterPassword?.(camera)}>
              {ENTER_PASSWORD_LABEL}
            </button>
          ) : (
            <span title={blocked ?? undefined} className="start-wrap">
              <button
                className="primary"
                disabled={blocked !== null && !stream}
                onClick={() => props.onStart(camera)}
              >
                {stream ? SHOW_WINDOW_LABEL : WATCH_LABEL}
              </button>
            </span>
          )}
          {stream && props.onStop ? (
            <button
              onClick={() => props.onStop?.(camera)}
              disabled={stream.state === 'stopping'}
              title="Stop the stream in every window"
            >
              Stop
            </button>
          ) : null}
          {state === 'offline' && !stream && props.onCheck ? (
            <button
              disabled={checkingNow}
              onClick={() => {
                setCheckingNow(true);
                void props.onCheck?.(camera).finally(() => setCheckingNow(false));
              }}
            >
              {checkingNow ? 'Checking…' : 'Check now'}
            </button>
          ) : null}
          {camera.builtIn ? (
            props.onHide ? (
              <MenuButton
                label="More"
                items={[
                  ...(props.onHealth
                    ? [{ label: 'Health', onSelect: () => props.onHealth?.(camera) }]
                    : []),
                  { label: 'Hide demo camera', onSelect: () => props.onHide?.(camera) },
                ]}
              />
            ) : null
          ) : (
            <MenuButton
              label="More"
              buttonRef={moreRef}
              items={[
                { label: 'Edit', onSelect: () => props.onEdit(camera) },
                { label: 'Test connection', onSelect: () => props.onTest(camera) },
                ...(props.onHealth
                  ? [{ label: 'Health', onSelect: () => props.onHealth?.(camera) }]
                  : []),
                ...(camera.rtspUrl
                  ? [{ label: 'Copy RTSP URL', onSelect: () => props.onCopyUrl(camera, false) }]
                  : []),
                ...(camera.rtspUrl && camera.hasPassword
                  ? [{ label: 'Copy with password…', onSelect: () => setConfirmingCopy(true) }]
                  : []),
                { label: 'Remove…', danger: true, onSelect: () => setConfirming(true) },
              ]}
            />
          )}
        </div>
        {blocked && !stream ? <p className="hint">{blocked}</p> : null}
        {refused ? (
          <p className="hint">
            {adviceFor('unauthorized', { workedBefore: status?.lastSeen != null }).advice}
          </p>
        ) : null}
      </div>
      {confirming ? (
        <RemoveConfirmation
          name={camera.name}
          live={stream !== undefined}
          onCancel={() => {
            setConfirming(false);
            moreRef.current?.focus();
          }}
          onRemove={() => {
            setConfirming(false);
            props.onRemove(camera);
          }}
        />
      ) : null}
      {confirmingCopy ? (
        <CopyPasswordConfirmation
          name={camera.name}
          onCancel={() => {
            setConfirmingCopy(false);
            moreRef.current?.focus();
          }}
          onCopy={() => {
            setConfirmingCopy(false);
            moreRef.current?.focus();
            props.onCopyUrl(camera, true);
          }}
        />
      ) : null}
    </article>
  );
}
