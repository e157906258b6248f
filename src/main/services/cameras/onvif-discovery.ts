import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import onvif from 'onvif';
import type { DiscoveredDevice, DiscoveryResult } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import { cleanUnknownLabel } from '../../../shared/text';
import { SharedCalls } from '../async/shared-call';

export interface DiscoveryOptions {
  /** How long to listen for answers; clamped to 3–5 s. */
  timeoutMs?: number;
  /** Network interface to probe from (e.g. "eth0"); default: the system's choice. */
  device?: string;
  /** At most this many devices are kept (spoofed floods are cut here). */
  cap?: number;
  /** The system's interfaces (tests pass their own). */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export const DISCOVERY_CAP = 256;
const MAX_TEXT = 120;

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Untrusted text from the network: a string, without control or bidi characters, bounded. */
function clean(value: unknown): string {
  return cleanUnknownLabel(value, MAX_TEXT);
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

const probes = new SharedCalls<null, DiscoveryResult>();

/**
 * Sends one WS-Discovery probe and collects answers, de-duplicated by endpoint and
 * capped. The library's discovery is a process-wide emitter, so probes never overlap:
 * a second call while one runs gets the same result.
 */
export function discoverOnvif(options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  return probes.run(null, () => probe(options));
}

/**
 * The interface to probe from, looked up as an own property: a name like "constructor" or
 * "__proto__" would otherwise find Object's members, and the onvif library (which does
 * `name in interfaces` and then `.some` on it) would throw with its socket already open.
 */
export function resolveInterface(
  name: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string {
  const addresses = Object.hasOwn(interfaces, name) ? interfaces[name] : undefined;
  if (!Array.isArray(addresses) || !addresses.some((a) => a.family === 'IPv4')) {
    throw new UserFacingError(
      'unknown-interface',
      `This computer has no network connection named “${clean(name) || '(empty)'}” with an IPv4 address. Choose another, or search on all connections.`,
    );
  }
  return name;
}

function probe(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const timeout = Math.min(5_000, Math.max(3_000, options.timeoutMs ?? 4_000));
  const cap = options.cap ?? DISCOVERY_CAP;
  // Checked before any socket or listener exists, so a refusal leaves nothing behind.
  let device: string | undefined;
  try {
    if (options.device !== undefined)
      device = resolveInterface(options.device, (options.interfaces ?? networkInterfaces)());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const devices = new Map<string, DiscoveredDevice>();
  let truncated = false;
  const onDevice = (data: unknown): void => {
    const found = readProbeMatch(data);
    if (!found || devices.has(found.id)) return;
    if (devices.size >= cap) {
      truncated = true;
      return;
    }
    devices.set(found.id, found);
  };
  // Garbage answers are reported as 'error' events; unlistened they would kill main.
  const onError = (): void => undefined;
  const detach = (): void => {
    Discovery.removeListener('device', onDevice);
    Discovery.removeListener('error', onError);
  };
  Discovery.on('device', onDevice);
  Discovery.on('error', onError);
  return new Promise<DiscoveryResult>((resolve, reject) => {
    try {
      // The library calls back once at its timeout (after closing its socket), and also
      // early on a socket error: the first call settles, detach is idempotent.
      Discovery.probe({ timeout, resolve: false, ...(device ? { device } : {}) }, () => {
        detach();
        resolve({ devices: [...devices.values()], truncated });
      });
    } catch (error) {
      detach();
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Network interfaces with an IPv4 address, for choosing where to look for cameras. */
export function listInterfaces(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  return Object.entries(interfaces)
    .filter(([, addresses]) => addresses?.some((a) => a.family === 'IPv4' && !a.internal))
    .map(([name]) => name)
    .sort();
}
