import type { DiscoveredDevice } from '../../../shared/cameras';

/** What a network search found, or null before the first search. */
export interface Found {
  devices: DiscoveredDevice[];
  truncated: boolean;
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

/** "Find on network": search, the cameras that answered, or what to try when none did. */
export function DiscoverPanel(props: {
  interfaces: string[] | null;
  networkInterface: string;
  onNetworkInterface: (name: string) => void;
  found: Found | null;
  busy: boolean;
  onSearch: () => void;
  onPick: (device: DiscoveredDevice) => void;
  onAddByAddress: () => void;
  onAddByUrl: () => void;
}) {
  const { interfaces, found } = props;
  return (
    <>
      <p className="hint">
        Vigil asks ONVIF cameras on your network to answer (takes about 4 seconds).
      </p>
      <div className="row">
        {interfaces && interfaces.length > 1 ? (
          <label>
            Network
            <select
              value={props.networkInterface}
              onChange={(e) => props.onNetworkInterface(e.target.value)}
            >
              <option value="">Any</option>
              {interfaces.map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="button" onClick={props.onSearch} disabled={props.busy}>
          {found ? 'Search again' : 'Search network'}
        </button>
      </div>
      {found ? (
        found.devices.length ? (
          <ul className="found" aria-label="Cameras found">
            {found.devices.map((d) => (
              <li key={d.id}>
                <button type="button" onClick={() => props.onPick(d)}>
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
            onAddByAddress={props.onAddByAddress}
            onAddByUrl={props.onAddByUrl}
          />
        )
      ) : null}
      {found?.truncated ? (
        <p className="hint">Only the first {found.devices.length} devices are shown.</p>
      ) : null}
    </>
  );
}
