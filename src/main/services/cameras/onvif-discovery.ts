import type { NetworkInterfaceInfo } from 'node:os';
import onvif from 'onvif';
import type { DiscoveredDevice, DiscoveryResult } from '../../../shared/cameras';

export interface DiscoveryOptions {
  /** How long to listen for answers; clamped to 3–5 s. */
  timeoutMs?: number;
  /** Network interface to probe from (e.g. "eth0"); default: the system's choice. */
  device?: string;
  /** At most this many devices are kept (spoofed floods are cut here). */
  cap?: number;
}

export const DISCOVERY_CAP = 256;
const MAX_TEXT = 120;
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Untrusted text from the network: a string, without control characters, of bounded length. */
function clean(value: unknown): string {
  const raw = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  // Control and bidi-override characters could disguise a name; drop them.
  return raw.replace(UNSAFE_CHARS, '').trim().slice(0, MAX_TEXT);
}

function scope(scopes: string, key: string): string | null {
  const match = new RegExp(`onvif://www\\.onvif\\.org/${key}/(\\S+)`).exec(scopes);
  if (!match?.[1]) return null;
  try {
    return clean(decodeURIComponent(match[1]).replace(/_/g, ' ')) || null;
  } catch {
    return clean(match[1]) || null;
  }
}

/** Reads one ProbeMatch (as the onvif library parsed it) into a device, or null if unusable. */
export function readProbeMatch(data: unknown): DiscoveredDevice | null {
  const match = asRecord(asRecord(asRecord(data).probeMatches).probeMatch);
  const id = clean(asRecord(match.endpointReference).address);
  const xaddrs = clean(typeof match.XAddrs === 'string' ? match.XAddrs.slice(0, 1000) : '');
  const xaddr = xaddrs.split(/\s+/).find((x) => /^https?:\/\//.test(x));
  if (!id || !xaddr) return null;
  let url: URL;
  try {
    url = new URL(xaddr);
  } catch {
    return null;
  }
  const scopes = typeof match.scopes === 'string' ? match.scopes.slice(0, 4000) : '';
  return {
    id,
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    name: scope(scopes, 'name'),
    hardware: scope(scopes, 'hardware'),
    xaddr: url.toString(),
  };
}

// Under Node's ESM loader only `Cam` is a named export of this CommonJS package.
const { Discovery } = onvif;

let running: Promise<DiscoveryResult> | null = null;

/**
 * Sends one WS-Discovery probe and collects answers, de-duplicated by endpoint and
 * capped. The library's discovery is a process-wide emitter, so probes never overlap:
 * a second call while one runs gets the same result.
 */
export function discoverOnvif(options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  running ??= probe(options).finally(() => {
    running = null;
  });
  return running;
}

function probe(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const timeout = Math.min(5_000, Math.max(3_000, options.timeoutMs ?? 4_000));
  const cap = options.cap ?? DISCOVERY_CAP;
  const devices = new Map<string, DiscoveredDevice>();
  let truncated = false;
  const onDevice = (data: unknown): void => {
    const device = readProbeMatch(data);
    if (!device || devices.has(device.id)) return;
    if (devices.size >= cap) {
      truncated = true;
      return;
    }
    devices.set(device.id, device);
  };
  // Garbage answers are reported as 'error' events; unlistened they would kill main.
  const onError = (): void => undefined;
  Discovery.on('device', onDevice);
  Discovery.on('error', onError);
  return new Promise<DiscoveryResult>((resolve) => {
    Discovery.probe(
      { timeout, resolve: false, ...(options.device ? { device: options.device } : {}) },
      () => {
        Discovery.removeListener('device', onDevice);
        Discovery.removeListener('error', onError);
        resolve({ devices: [...devices.values()], truncated });
      },
    );
  });
}

/** Network interfaces with an IPv4 address, for choosing where to look for cameras. */
export function listInterfaces(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  return Object.entries(interfaces)
    .filter(([, addresses]) => addresses?.some((a) => a.family === 'IPv4' && !a.internal))
    .map(([name]) => name)
    .sort();
}
