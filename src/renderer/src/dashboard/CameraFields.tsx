import {
  DEFAULT_CAMERA_OPTIONS,
  type Camera,
  type CameraOptions,
  type OnvifDeviceInfo,
} from '../../../shared/cameras';

/** The form's values, as typed (the port stays text until it is sent). */
export interface Fields {
  name: string;
  host: string;
  port: string;
  profile: 'main' | 'sub';
  url: string;
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
}: {
  kind: 'onvif' | 'rtsp';
  fields: Fields;
  set: <K extends keyof Fields>(key: K, value: Fields[K]) => void;
  setOption: <K extends keyof CameraOptions>(key: K, value: CameraOptions[K]) => void;
  /** Editing a camera that has a password: an empty field keeps it. */
  keepsPassword: boolean;
  device: OnvifDeviceInfo | null;
}) {
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
        />
      </label>
      {kind === 'onvif' ? (
        <div className="row">
          <label className="grow">
            Camera address
            <input
              value={fields.host}
              onChange={(e) => set('host', e.target.value)}
              placeholder="192.168.1.20"
              required
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
            onChange={(e) => set('url', e.target.value)}
            placeholder="rtsp://192.168.1.20:554/stream1"
            required
          />
        </label>
      )}
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
            Live for (seconds, 0 = no limit)
            <input
              type="number"
              min={0}
              max={86400}
              value={fields.options.durationSec}
              onChange={(e) =>
                setOption('durationSec', Math.max(0, Math.round(Number(e.target.value) || 0)))
              }
            />
          </label>
        </div>
        <label className="inline">
          <input
            type="checkbox"
            checked={fields.options.battery}
            onChange={(e) => setOption('battery', e.target.checked)}
          />
          Battery camera (wait for it to wake)
        </label>
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
