import { useState, type FormEvent } from 'react';
import {
  DEFAULT_CAMERA_OPTIONS,
  type Camera,
  type CameraInput,
  type CameraInputSource,
  type CameraOptions,
  type DiscoveredDevice,
  type OnvifDeviceInfo,
} from '../../../shared/cameras';
import { messageOf } from '../common/format';
import { vigil } from '../common/vigil';

type Tab = 'discover' | 'onvif' | 'rtsp';

interface Fields {
  name: string;
  host: string;
  port: string;
  profile: 'main' | 'sub';
  url: string;
  username: string;
  password: string;
  options: CameraOptions;
}

function initialFields(camera: Camera | undefined): Fields {
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

/** An empty search says why that happens and offers the other ways in. */
function NoCameraAnswered({
  interfaces,
  onAddByAddress,
  onAddByUrl,
}: {
  interfaces: string[];
  onAddByAddress: () => void;
  onAddByUrl: () => void;
}) {
  return (
    <div className="empty tab-panel" role="status" aria-label="Search result">
      <strong>No camera answered.</strong>
      {interfaces.length === 0 ? (
        <p>
          This computer has no network connection to search. Connect it to the cameras&apos; network
          and search again, or add a camera by its address.
        </p>
      ) : (
        <ul className="hint">
          {interfaces.length > 1 ? (
            <li>Choose another network above (cable or Wi-Fi) and search again.</li>
          ) : null}
          <li>A VPN can hide the local network: pause it and search again.</li>
          <li>A firewall can drop the cameras&apos; answers (UDP): allow Vigil.</li>
          <li>Check that ONVIF is turned on in the camera&apos;s own settings.</li>
        </ul>
      )}
      <div className="row">
        <button type="button" onClick={onAddByAddress}>
          Add by address
        </button>
        <button type="button" onClick={onAddByUrl}>
          Add by RTSP URL
        </button>
      </div>
    </div>
  );
}

/** Add a camera (discovery, ONVIF host, RTSP URL) or edit one; errors say what to do. */
export function CameraDialog({ camera, onClose }: { camera?: Camera; onClose: () => void }) {
  const editing = camera !== undefined;
  const [tab, setTab] = useState<Tab>(
    camera?.source.kind === 'rtsp' ? 'rtsp' : editing ? 'onvif' : 'discover',
  );
  const [fields, setFields] = useState<Fields>(() => initialFields(camera));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [device, setDevice] = useState<OnvifDeviceInfo | null>(null);
  const [found, setFound] = useState<{ devices: DiscoveredDevice[]; truncated: boolean } | null>(
    null,
  );
  const [interfaces, setInterfaces] = useState<string[] | null>(null);
  const [networkInterface, setNetworkInterface] = useState('');

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));
  const setOption = <K extends keyof CameraOptions>(key: K, value: CameraOptions[K]) =>
    setFields((f) => ({ ...f, options: { ...f.options, [key]: value } }));

  const source = (): CameraInputSource =>
    tab === 'rtsp'
      ? { kind: 'rtsp', url: fields.url.trim() }
      : {
          kind: 'onvif',
          host: fields.host.trim(),
          port: Number(fields.port) || 80,
          profile: fields.profile,
        };
  const credentials = () => ({
    ...(fields.username.trim() ? { username: fields.username.trim() } : {}),
    ...(fields.password ? { password: fields.password } : {}),
  });

  async function run(label: string, task: () => Promise<void>): Promise<void> {
    setBusy(label);
    setError(null);
    setResult(null);
    try {
      await task();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  const search = () =>
    run('Searching your network…', async () => {
      setInterfaces(await vigil().cameras.interfaces());
      setFound(await vigil().cameras.discover(networkInterface ? { networkInterface } : undefined));
    });

  const test = () =>
    run(tab === 'onvif' ? 'Connecting…' : 'Testing…', async () => {
      const answer = await vigil().cameras.test(
        editing && !fields.password
          ? { cameraId: camera.id }
          : { source: source(), ...credentials() },
      );
      setDevice(answer.device);
      setResult(answer.message);
    });

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(tab === 'onvif' ? 'Connecting and saving…' : 'Saving…', async () => {
      const input: CameraInput = {
        name: fields.name,
        source: source(),
        options: fields.options,
        ...credentials(),
      };
      if (editing) await vigil().cameras.update(camera.id, input);
      else await vigil().cameras.add(input);
      onClose();
    });
  };

  const pick = (d: DiscoveredDevice) => {
    setFields((f) => ({
      ...f,
      host: d.host,
      port: String(d.port),
      name: f.name || d.name || d.hardware || d.host,
    }));
    setTab('onvif');
  };

  return (
    <div className="overlay" role="presentation">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={editing ? 'Edit camera' : 'Add camera'}
        onSubmit={save}
      >
        <h2>{editing ? `Edit ${camera.name}` : 'Add camera'}</h2>
        <div role="tablist" className="tabs">
          {(editing ? (['onvif', 'rtsp'] as const) : (['discover', 'onvif', 'rtsp'] as const)).map(
            (t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
              >
                {t === 'discover'
                  ? 'Find on network'
                  : t === 'onvif'
                    ? 'ONVIF address'
                    : 'RTSP URL'}
              </button>
            ),
          )}
        </div>

        {tab === 'discover' ? (
          <section className="tab-panel" aria-label="Find on network">
            <p className="hint">
              Vigil asks ONVIF cameras on your network to answer (takes about 4 seconds).
            </p>
            <div className="row">
              {interfaces && interfaces.length > 1 ? (
                <label>
                  Network
                  <select
                    value={networkInterface}
                    onChange={(e) => setNetworkInterface(e.target.value)}
                  >
                    <option value="">Any</option>
                    {interfaces.map((i) => (
                      <option key={i}>{i}</option>
                    ))}
                  </select>
                </label>
              ) : null}
              <button type="button" onClick={() => void search()} disabled={busy !== null}>
                {found ? 'Search again' : 'Search network'}
              </button>
            </div>
            {found ? (
              found.devices.length ? (
                <ul className="found" aria-label="Cameras found">
                  {found.devices.map((d) => (
                    <li key={d.id}>
                      <button type="button" onClick={() => pick(d)}>
                        <strong>{d.name ?? d.hardware ?? 'ONVIF camera'}</strong>
                        <span>
                          {d.host}:{d.port}
                          {d.hardware && d.name ? ` · ${d.hardware}` : ''}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              ) : (
                <NoCameraAnswered
                  interfaces={interfaces ?? []}
                  onAddByAddress={() => setTab('onvif')}
                  onAddByUrl={() => setTab('rtsp')}
                />
              )
            ) : null}
            {found?.truncated ? (
              <p className="hint">Only the first {found.devices.length} devices are shown.</p>
            ) : null}
          </section>
        ) : null}

        {tab !== 'discover' ? (
          <section className="tab-panel">
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
            {tab === 'onvif' ? (
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
                  placeholder={editing && camera.hasPassword ? '(unchanged)' : ''}
                />
              </label>
            </div>
            {tab === 'onvif' ? (
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
                    {p.role === 'main' ? 'Main' : 'Sub'}: {p.name} · {p.width ?? '?'}×
                    {p.height ?? '?'} · {p.encoding ?? '?'}
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
                    onChange={(e) =>
                      setOption('transport', e.target.value === 'udp' ? 'udp' : 'tcp')
                    }
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
          </section>
        ) : null}

        {busy ? (
          <p className="progress" role="status">
            <span className="spinner" aria-hidden="true" /> {busy}
          </p>
        ) : null}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        {result ? (
          <p className="ok" role="status">
            {result}
          </p>
        ) : null}

        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {tab !== 'discover' ? (
            <>
              <button type="button" onClick={() => void test()} disabled={busy !== null}>
                {tab === 'onvif' ? 'Connect' : 'Test connection'}
              </button>
              <button type="submit" className="primary" disabled={busy !== null}>
                {editing ? 'Save' : 'Add camera'}
              </button>
            </>
          ) : null}
        </div>
      </form>
    </div>
  );
}
