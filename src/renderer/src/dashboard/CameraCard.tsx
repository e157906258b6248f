import { useRef, useState } from 'react';
import type { Camera, CameraSnapshot, CameraStatus } from '../../../shared/cameras';
import type { StreamInfo } from '../../../shared/streams';
import { formatAge, formatRemaining } from '../common/format';
import { MenuButton } from '../common/MenuButton';
import { RemoveConfirmation } from './RemoveConfirmation';

export interface CameraCardProps {
  camera: Camera;
  status: CameraStatus | undefined;
  snapshot: CameraSnapshot | undefined;
  /** Why there is no picture, when taking one failed. */
  snapshotError?: string | undefined;
  stream: StreamInfo | undefined;
  now: number;
  onStart: (camera: Camera) => void;
  onEdit: (camera: Camera) => void;
  onRemove: (camera: Camera) => void;
  onCopyUrl: (camera: Camera) => void;
  onTest: (camera: Camera) => void;
  /** The built-in demo camera's menu: hide it from the dashboard. */
  onHide?: (camera: Camera) => void;
}

const STATUS_LABEL: Record<CameraStatus['state'], string> = {
  checking: 'Checking…',
  online: 'Online',
  offline: 'Offline',
  asleep: 'Asleep',
};

/** What the card says about a running stream, from main's facts only. */
export function streamLabel(stream: StreamInfo, now: number): string {
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

/** Why Start is disabled, or null when it is not. */
export function startBlockedReason(status: CameraStatus | undefined): string | null {
  if (status?.state !== 'offline') return null;
  return `${status.detail ?? 'The camera does not answer.'} Check that it is on and connected, then try again.`;
}

/** One camera on the dashboard: picture, status, and what you can do with it. */
export function CameraCard(props: CameraCardProps) {
  const { camera, status, snapshot, stream, now } = props;
  const [confirming, setConfirming] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);
  const blocked = startBlockedReason(status);
  const state = status?.state ?? 'checking';

  return (
    <article className="card camera-card" aria-label={camera.name} data-camera-id={camera.id}>
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
        ) : null}
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
          <span title={blocked ?? undefined} className="start-wrap">
            <button
              className="primary"
              disabled={blocked !== null}
              onClick={() => props.onStart(camera)}
            >
              {stream ? 'Open live view' : 'Start live stream'}
            </button>
          </span>
          {camera.builtIn ? (
            props.onHide ? (
              <MenuButton
                label="More"
                items={[{ label: 'Hide demo camera', onSelect: () => props.onHide?.(camera) }]}
              />
            ) : null
          ) : (
            <MenuButton
              label="More"
              buttonRef={moreRef}
              items={[
                { label: 'Edit', onSelect: () => props.onEdit(camera) },
                { label: 'Test connection', onSelect: () => props.onTest(camera) },
                ...(camera.rtspUrl
                  ? [{ label: 'Copy RTSP URL', onSelect: () => props.onCopyUrl(camera) }]
                  : []),
                { label: 'Remove…', danger: true, onSelect: () => setConfirming(true) },
              ]}
            />
          )}
        </div>
        {blocked ? <p className="hint">{blocked}</p> : null}
      </div>
      {confirming ? (
        <RemoveConfirmation
          name={camera.name}
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
    </article>
  );
}
