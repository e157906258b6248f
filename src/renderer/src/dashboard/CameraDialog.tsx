import { useId, useRef, useState, type FormEvent } from 'react';
import type {
  Camera,
  CameraInput,
  CameraInputSource,
  CameraOptions,
  DiscoveredDevice,
  OnvifDeviceInfo,
} from '../../../shared/cameras';
import { messageOf } from '../common/format';
import { Modal } from '../common/Modal';
import { TabList, TabPanel, type TabSpec } from '../common/Tabs';
import { vigil } from '../common/vigil';
import { CameraFields, initialFields, type Fields } from './CameraFields';
import { DiscoverPanel, type Found } from './DiscoverPanel';

type Tab = 'discover' | 'onvif' | 'rtsp';

const ADD_TABS: ReadonlyArray<TabSpec<Tab>> = [
  { id: 'discover', label: 'Find on network' },
  { id: 'onvif', label: 'ONVIF address' },
  { id: 'rtsp', label: 'RTSP URL' },
];
const EDIT_TABS = ADD_TABS.filter((t) => t.id !== 'discover');

/** Focus on open: the panel's first field, or its first button ("Search network"). */
function firstField(dialog: HTMLDialogElement): HTMLElement | null {
  const panel = dialog.querySelector('[role="tabpanel"]');
  return (
    panel?.querySelector<HTMLElement>('input, select, textarea') ??
    panel?.querySelector<HTMLElement>('button:not(:disabled)') ??
    null
  );
}

/** Add a camera (discovery, ONVIF host, RTSP URL) or edit one; errors say what to do. */
export function CameraDialog({ camera, onClose }: { camera?: Camera; onClose: () => void }) {
  const editing = camera !== undefined;
  const ids = useId();
  const [tab, setTab] = useState<Tab>(
    camera?.source.kind === 'rtsp' ? 'rtsp' : editing ? 'onvif' : 'discover',
  );
  // The tab a finished task started on is compared with this, not with a stale closure.
  const tabRef = useRef(tab);
  const [fields, setFields] = useState<Fields>(() => initialFields(camera));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [device, setDevice] = useState<OnvifDeviceInfo | null>(null);
  const [found, setFound] = useState<Found | null>(null);
  const [interfaces, setInterfaces] = useState<string[] | null>(null);
  const [networkInterface, setNetworkInterface] = useState('');

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));
  const setOption = <K extends keyof CameraOptions>(key: K, value: CameraOptions[K]) =>
    setFields((f) => ({ ...f, options: { ...f.options, [key]: value } }));

  /** Another tab is another question: what was said about this one does not follow. */
  const selectTab = (next: Tab) => {
    if (next === tabRef.current) return;
    tabRef.current = next;
    setTab(next);
    setError(null);
    setResult(null);
    setDevice(null);
  };

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
    const startedOn = tabRef.current;
    setBusy(label);
    setError(null);
    setResult(null);
    try {
      await task();
    } catch (e) {
      if (tabRef.current === startedOn) setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  const search = () =>
    run('Searching your network…', async () => {
      setInterfaces(await vigil().cameras.interfaces());
      setFound(await vigil().cameras.discover(networkInterface ? { networkInterface } : undefined));
    });

  const test = () => {
    const on = tab;
    return run(on === 'onvif' ? 'Connecting…' : 'Testing…', async () => {
      const answer = await vigil().cameras.test(
        editing && !fields.password
          ? { cameraId: camera.id }
          : { source: source(), ...credentials() },
      );
      if (tabRef.current !== on) return;
      setDevice(answer.device);
      setResult(answer.message);
    });
  };

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
    selectTab('onvif');
  };

  return (
    <Modal
      label={editing ? 'Edit camera' : 'Add camera'}
      onClose={onClose}
      initialFocus={firstField}
      className="dialog"
    >
      <form className="dialog-form" onSubmit={save}>
        <header className="dialog-head">
          <h2>{editing ? `Edit ${camera.name}` : 'Add camera'}</h2>
          <TabList
            tabs={editing ? EDIT_TABS : ADD_TABS}
            selected={tab}
            onSelect={selectTab}
            idPrefix={ids}
            label="How to add the camera"
          />
        </header>

        <div className="dialog-body">
          <TabPanel idPrefix={ids} id={tab} className="tab-panel">
            {tab === 'discover' ? (
              <DiscoverPanel
                interfaces={interfaces}
                networkInterface={networkInterface}
                onNetworkInterface={setNetworkInterface}
                found={found}
                busy={busy !== null}
                onSearch={() => void search()}
                onPick={pick}
                onAddByAddress={() => selectTab('onvif')}
                onAddByUrl={() => selectTab('rtsp')}
              />
            ) : (
              <CameraFields
                kind={tab}
                fields={fields}
                set={set}
                setOption={setOption}
                keepsPassword={editing && camera.hasPassword}
                device={device}
              />
            )}
          </TabPanel>
        </div>

        <footer className="dialog-foot">
          {/* Always present, so a screen reader hears what changes in it. */}
          <p className="dialog-status" role="status">
            {busy ? (
              <span className="progress">
                <span className="spinner" aria-hidden="true" /> {busy}
              </span>
            ) : result ? (
              <span className="ok">{result}</span>
            ) : null}
          </p>
          {error ? (
            <p className="error" role="alert">
              {error}
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
        </footer>
      </form>
    </Modal>
  );
}
