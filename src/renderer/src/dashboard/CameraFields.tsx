import { durationLabel, STREAM_DURATION_CHOICES } from '../../../shared/streams';
import { useId, useState } from 'react';
import {
  DEFAULT_CAMERA_OPTIONS,
  type Camera,
  type CameraOptions,
  type CameraPreview,
  type OnvifDeviceInfo,
} from '../../../shared/cameras';
import { hostProblem, splitPastedUrl } from '../../../shared/camera-address';
import { KEEP_READY_COST } from './keep-ready';

/** Things to point out under a field before saving (another camera's name or address). */
export interface FieldNotes {
  name?: string;
  address?: string;
}

/** A note under a field, tied to it for screen readers by `id`. */
function Note({ id, text }: { id: string; text: string | null | undefined }) {
  return text ? (
    <span className="field-note" id={id}>
      {text}
    </span>
  ) : null;
}

/** The form's values, as typed (the port stays text until it is sent). */
export interface Fields {
  name: string;
  host: string;
  port: string;
  profile: 'main' | 'sub';
  url: string;
  /** The camera's second, smaller stream (optional; small wall tiles play it). */
  subUrl: string;
  username: string;
  password: string;
  options: CameraOptions;
}

/** A new camera's blank form, or an existing one's values (never its password). */
export function initialFields(camera: Camera | undefined): Fields {
  const source = camera?.source;
  return {
    name: camera?.name ?? '',
    host: source?.kind === 'onvif' ? source.host : '',
    port: source?.kind === 'onvif' ? String(source.port) : '80',
    profile: source?.kind === 'onvif' ? source.profile : 'main',
    url: source?.kind === 'rtsp' ? source.url : '',
    subUrl: source?.kind === 'rtsp' ? (source.subUrl ?? '') : '',
    username: camera?.username ?? '',
    password: '',
    options: camera?.options ?? DEFAULT_CAMERA_OPTIONS,
  };
}

/** The ONVIF-address and RTSP-URL tabs: the camera's name, where it is, and how to reach it. */
export function CameraFields({
  kind,
  fields,
  set,
  setOption,
  keepsPassword,
  device,
  preview = null,
  notes = {},
}: {
  kind: 'onvif' | 'rtsp';
  fields: Fields;
  set: <K extends keyof Fields>(key: K, value: Fields[K]) => void;
  setOption: <K extends keyof CameraOptions>(key: K, value: CameraOptions[K]) => void;
  /** Editing a camera that has a password: an empty field keeps it. */
  keepsPassword: boolean;
  device: OnvifDeviceInfo | null;
  /** The picture a connection test took, and its resolution. */
  preview?: CameraPreview | null;
  notes?: FieldNotes;
}) {
  const ids = useId();
  const [moved, setMoved] = useState(false);
  const hostNote = kind === 'onvif' ? hostProblem(fields.host) : null;
  const addressNote =
    hostNote ??
    notes.address ??
    (kind === 'rtsp' && moved
      ? 'The username and password from the URL are now in their fields (the URL keeps none).'
      : null);
  /** A pasted rtsp://user:pass@… keeps only the address; the credentials go to their fields. */
  const onUrl = (value: string) => {
    const split = splitPastedUrl(value);
    if (!split) {
      set('url', value);
      return;
    }
    set('url', split.url);
    if (split.username) set('username', split.username);
    if (split.password) set('password', split.password);
    setMoved(true);
  };
  return (
    <>
      <label>
        Name
        <input
          value={fields.name}
          onChange={(e) => set('name', e.target.value)}
          maxLength={80}
          required
          placeholder="Front door"
          aria-describedby={notes.name ? `${ids}-name` : undefined}
        />
      </label>
      {/* Outside the label, so the field's name stays "Name"; tied by aria-describedby. */}
      <Note id={`${ids}-name`} text={notes.name} />
      {kind === 'onvif' ? (
        <div className="row">
          <label className="grow">
            Camera address
            <input
              value={fields.host}
              onChange={(e) => set('host', e.target.value)}
              placeholder="192.168.1.20"
              required
              aria-invalid={hostNote ? true : undefined}
              aria-describedby={addressNote ? `${ids}-address` : undefined}
            />
          </label>
          <label className="narrow">
            ONVIF port
            <input
              value={fields.port}
              onChange={(e) => set('port', e.target.value)}
              inputMode="numeric"
            />
          </label>
        </div>
      ) : (
        <label>
          RTSP URL
          <input
            value={fields.url}
            onChange={(e) => onUrl(e.target.value)}
            placeholder="rtsp://192.168.1.20:554/stream1"
            required
            aria-describedby={addressNote ? `${ids}-address` : undefined}
          />
        </label>
      )}
      <Note id={`${ids}-address`} text={addressNote} />
      {kind === 'rtsp' ? (
        <>
          <label>
            Sub stream URL (optional)
            <input
              value={fields.subUrl}
              onChange={(e) => set('subUrl', e.target.value)}
              placeholder="rtsp://192.168.1.20:554/stream2"
              aria-describedby={`${ids}-sub`}
            />
          </label>
          <Note
            id={`${ids}-sub`}
            text="The camera's smaller stream, if it has one: small tiles of a wall play it, which saves this computer's work."
          />
        </>
      ) : null}
      <div className="row">
        <label className="grow">
          Username
          <input
            value={fields.username}
            onChange={(e) => set('username', e.target.value)}
            autoComplete="off"
          />
        </label>
        <label className="grow">
          Password
          <input
            type="password"
            value={fields.password}
            onChange={(e) => set('password', e.target.value)}
            autoComplete="new-password"
            placeholder={keepsPassword ? '(unchanged)' : ''}
          />
        </label>
      </div>
      {kind === 'onvif' ? (
        <fieldset className="row">
          <legend>Stream</legend>
          {(['main', 'sub'] as const).map((p) => (
            <label key={p} className="inline">
              <input
                type="radio"
                name="profile"
                checked={fields.profile === p}
                onChange={() => set('profile', p)}
              />
              {p === 'main' ? 'Main (best picture)' : 'Sub (lighter)'}
            </label>
          ))}
        </fieldset>
      ) : null}
      {device ? (
        <ul className="profiles" aria-label="Profiles">
          {device.profiles.map((p) => (
            <li key={p.token}>
              {p.role === 'main' ? 'Main' : 'Sub'}: {p.name} · {p.width ?? '?'}×{p.height ?? '?'} ·{' '}
              {p.encoding ?? '?'}
            </li>
          ))}
        </ul>
      ) : null}
      {preview ? (
        <figure className="test-preview">
          <img src={preview.dataUrl} alt="The picture the camera sent for the test" />
          {preview.width ? (
            <figcaption>
              {preview.atLeast ? 'At least ' : ''}
              {preview.width}×{preview.height}
            </figcaption>
          ) : null}
        </figure>
      ) : null}
      <details>
        <summary>Options</summary>
        <div className="row">
          <label>
            Transport
            <select
              value={fields.options.transport}
              onChange={(e) => setOption('transport', e.target.value === 'udp' ? 'udp' : 'tcp')}
            >
              <option value="tcp">TCP (reliable)</option>
              <option value="udp">UDP</option>
            </select>
          </label>
          <label>
            Stop watching after
            <select
              value={String(fields.options.durationSec)}
              onChange={(e) => setOption('durationSec', Number(e.target.value))}
            >
              {/* A duration saved before these choices existed stays selectable as it is. */}
              {(STREAM_DURATION_CHOICES.includes(fields.options.durationSec)
                ? STREAM_DURATION_CHOICES
                : [...STREAM_DURATION_CHOICES, fields.options.durationSec]
              ).map((sec) => (
                <option key={sec} value={String(sec)}>
                  {sec === 0 ? 'No limit (until the window closes)' : durationLabel(sec)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="inline">
          <input
            type="checkbox"
            checked={fields.options.battery}
            onChange={(e) => {
              setOption('battery', e.target.checked);
              // Staying connected would drain it: a battery camera is never kept ready.
              if (e.target.checked) setOption('keepReady', false);
            }}
          />
          Battery camera (wait for it to wake)
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={fields.options.keepReady && !fields.options.battery}
            disabled={fields.options.battery}
            onChange={(e) => setOption('keepReady', e.target.checked)}
            aria-describedby={`${ids}-ready`}
          />
          Keep ready
        </label>
        <Note
          id={`${ids}-ready`}
          text={
            fields.options.battery
              ? 'Not for battery cameras: staying connected would drain the battery.'
              : `Vigil stays connected and holds the latest picture, so a live window shows it the moment you open it. Costs this computer ${KEEP_READY_COST} while the app runs.`
          }
        />
        <label className="inline">
          <input
            type="checkbox"
            checked={fields.options.audio}
            onChange={(e) => setOption('audio', e.target.checked)}
          />
          Sound
        </label>
      </details>
    </>
  );
}
