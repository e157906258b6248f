import { useId, useRef, useState, type FormEvent } from 'react';
import type {
  Camera,
  CameraInput,
  CameraInputSource,
  CameraOptions,
  CameraPreview,
  DiscoveredDevice,
  OnvifDeviceInfo,
} from '../../../shared/cameras';
import { rtspAddressKey } from '../../../shared/camera-address';
import { messageOf } from '../common/format';
import { Modal } from '../common/Modal';
import { TabList, TabPanel, type TabSpec } from '../common/Tabs';
import { vigil } from '../common/vigil';
import { CameraFields, initialFields, type FieldNotes, type Fields } from './CameraFields';
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

/** Other cameras with this name or this address, said before saving. */
function duplicates(
  fields: Fields,
  kind: 'onvif' | 'rtsp',
  others: ReadonlyArray<Camera>,
): FieldNotes {
  const name = fields.name.trim().toLowerCase();
  const sameName = name ? others.find((c) => c.name.toLowerCase() === name) : undefined;
  let sameAddress: Camera | undefined;
  if (kind === 'rtsp') {
    const key = rtspAddressKey(fields.url);
    sameAddress = key
      ? others.find((c) => {
          const url =
            c.source.kind === 'rtsp'
              ? c.source.url
              : c.source.kind === 'onvif'
                ? c.source.streamUrl
                : '';
          return rtspAddressKey(url) === key;
        })
      : undefined;
  } else {
    const host = fields.host.trim().toLowerCase();
    sameAddress = host
      ? others.find(
          (c) =>
            c.source.kind === 'onvif' &&
            c.source.host.toLowerCase() === host &&
            String(c.source.port) === fields.port.trim() &&
            c.source.profile === fields.profile,
        )
      : undefined;
  }
  return {
    ...(sameName ? { name: `Another camera is already called “${sameName.name}”.` } : {}),
    ...(sameAddress
      ? {
          address: `“${sameAddress.name}” already shows this stream; adding it again makes a second card for the same picture.`,
        }
      : {}),
  };
}

/** Add a camera (discovery, ONVIF host, RTSP URL) or edit one; errors say what to do. */
export function CameraDialog({
  camera,
  cameras = [],
  onClose,
  onSaved,
  focus,
}: {
  camera?: Camera;
  /** The cameras listed now: a duplicate name or address is pointed out before saving. */
  cameras?: ReadonlyArray<Camera>;
  onClose: () => void;
  /** The camera was saved (added, or edited): the dashboard says so and points at its card. */
  onSaved?: (camera: Camera, added: boolean) => void;
  /** Focus this field on open ("Enter password…" after the camera refused the saved one). */
  focus?: 'password';
}) {
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
  const [preview, setPreview] = useState<CameraPreview | null>(null);
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
    setPreview(null);
  };

  const source = (): CameraInputSource =>
    tab === 'rtsp'
      ? {
          kind: 'rtsp',
          url: fields.url.trim(),
          ...(fields.subUrl.trim() ? { subUrl: fields.subUrl.trim() } : {}),
        }
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
    setPreview(null);
    return run('Testing the connection…', async () => {
      const answer = await vigil().cameras.test(
        editing && !fields.password
          ? { cameraId: camera.id }
          : { source: source(), ...credentials() },
      );
      if (tabRef.current !== on) return;
      setDevice(answer.device);
      setPreview(answer.preview);
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
      const saved = editing
        ? await vigil().cameras.update(camera.id, input)
        : await vigil().cameras.add(input);
      onSaved?.(saved, !editing);
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
      initialFocus={(dialog) =>
        (focus === 'password'
          ? dialog.querySelector<HTMLElement>('[role="tabpanel"] input[type="password"]')
          : null) ?? firstField(dialog)
      }
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
                preview={preview}
                notes={duplicates(
                  fields,
                  tab,
                  cameras.filter((c) => c.id !== camera?.id && !c.builtIn),
                )}
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
                  Test connection
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
