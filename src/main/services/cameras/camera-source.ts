import type { CameraInputSource, CameraSource } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import type { StreamVariant } from '../../../shared/streams';
import type { StreamSource } from '../streaming/source';
import { noSubStream } from './demo-camera';
import type { StoredCamera } from './camera-file';
import { checkPort, cleanHost } from './camera-input';
import { codecOf, type OnvifInspection, type OnvifTarget } from './onvif-client';
import { deviceSnapshotUrl, deviceStreamUrl, splitRtspUrl } from './rtsp-url';
import type { SnapshotPlan } from './snapshot-service';
import { endpointOf, type TlsPin } from './tls-pin';

/** Battery cameras may take this long to wake and answer. */
export const BATTERY_START_TIMEOUT_MS = 30_000;

export type InspectOnvif = (target: OnvifTarget) => Promise<OnvifInspection>;

/** A host as it stands in a URL: an IPv6 address gets its brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * `url` with its host replaced by `host`, keeping scheme, port, path and query; no userinfo.
 * Null when `url` does not parse or cannot take that host: never the URL with its own host.
 *
 * Devices behind NAT (or with a second interface) report URIs for addresses the user cannot
 * reach, or for another machine altogether; the credentials the user typed belong to the
 * host the user typed, so that is the only host a device URI may point at.
 */
export function pinToHost(url: string, host: string): string | null {
  try {
    const parsed = new URL(url);
    // The setters silently keep the old host for a value they refuse ("a:80" sets "a"):
    // compare with the host as this scheme's parser spells it.
    const expected = new URL(`${parsed.protocol}//${urlHost(host)}/`).hostname;
    parsed.hostname = urlHost(host);
    if (!expected || parsed.hostname !== expected) return null;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return null;
  }
}

/** The URL ffmpeg opens for a stored source (ONVIF: pinned to the user's host); null for demo. */
export function streamUrlOf(source: CameraSource): string | null {
  if (source.kind === 'rtsp') return source.url;
  // Entries saved before pinning may hold another host: pinned here too, on every use.
  if (source.kind === 'onvif') return pinToHost(source.streamUrl, source.host);
  return null;
}

/** The camera's sub stream URL (pinned like the main one), or null when it has none. */
export function subStreamUrlOf(source: CameraSource): string | null {
  if (source.kind === 'rtsp') return source.subUrl ?? null;
  if (source.kind === 'onvif' && source.subStreamUrl)
    return pinToHost(source.subStreamUrl, source.host);
  return null;
}

/** The snapshot URL to fetch (pinned to the user's host), or null: a frame of the stream. */
export function snapshotUrlOf(source: CameraSource): string | null {
  if (source.kind !== 'onvif' || source.snapshotUrl === null) return null;
  return pinToHost(source.snapshotUrl, source.host);
}

/** A stored camera as the stream service needs it, with its password. */
export function streamSourceOf(
  camera: StoredCamera,
  password: string | undefined,
  variant: StreamVariant = 'main',
): StreamSource {
  const { source, options } = camera;
  if (variant === 'sub' && subStreamUrlOf(source) === null) throw noSubStream();
  if (source.kind === 'demo') return { kind: 'demo' };
  const url = variant === 'sub' ? subStreamUrlOf(source) : streamUrlOf(source);
  if (url === null) {
    throw new UserFacingError(
      'onvif-bad-uri',
      `The saved stream address of “${camera.name}” cannot be read. Edit the camera so Vigil asks it again.`,
    );
  }
  return {
    kind: 'rtsp',
    url,
    ...(camera.username ? { username: camera.username } : {}),
    ...(password ? { password } : {}),
    transport: options.transport,
    audio: options.audio,
    // The sub profile's codec is learned from its first run (it may differ from the main's).
    ...(source.kind === 'onvif' && variant === 'main' ? { videoCodec: source.videoCodec } : {}),
    ...(options.battery ? { startTimeoutMs: BATTERY_START_TIMEOUT_MS, wake: true } : {}),
  };
}

/** `host:port` of an https URL, or null (not https, or unreadable). */
function pinEndpoint(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? endpointOf(parsed) : null;
  } catch {
    return null;
  }
}

/** How to take a still picture of a stored camera whose stream source is `stream`. */
export function snapshotPlanOf(camera: StoredCamera, stream: StreamSource): SnapshotPlan {
  const url = snapshotUrlOf(camera.source);
  if (!url || stream.kind !== 'rtsp') return { http: null, stream };
  const endpoint = pinEndpoint(url);
  const pinned = endpoint ? camera.tlsPins?.find((pin) => pin.endpoint === endpoint) : undefined;
  return {
    http: {
      url,
      ...(stream.username !== undefined ? { username: stream.username } : {}),
      ...(stream.password !== undefined ? { password: stream.password } : {}),
      ...(pinned ? { pinnedSha256: pinned.sha256 } : {}),
    },
    stream,
  };
}

/** The pinned certificates that still apply to `source` (its snapshot endpoint, if it stays). */
export function pinsFor(pins: TlsPin[] | undefined, source: CameraSource): TlsPin[] {
  const url = snapshotUrlOf(source);
  const endpoint = url ? pinEndpoint(url) : null;
  return (pins ?? []).filter((pin) => endpoint !== null && pin.endpoint === endpoint);
}

/** What the user's source turned into, with any credentials a pasted URL carried. */
export interface ReadSource {
  source: CameraSource;
  username?: string;
  password?: string;
}

/**
 * The user's source made storable: an RTSP URL read apart (credentials split off), or an
 * ONVIF device asked (with `login`) for the chosen profile's URIs, pinned to the user's host.
 * The ONVIF case talks to the device (up to its deadline): call it outside any write queue.
 */
export async function readInputSource(
  given: CameraInputSource,
  login: { username: string | null; password: string | null },
  inspect: InspectOnvif,
): Promise<ReadSource> {
  if (given.kind === 'demo') return { source: { kind: 'demo' } };
  if (given.kind === 'rtsp') {
    const { url, ...credentials } = splitRtspUrl(given.url);
    const subUrl = readSubUrl(given.subUrl, credentials);
    return { source: { kind: 'rtsp', url, ...(subUrl ? { subUrl } : {}) }, ...credentials };
  }
  const { host, port: pastedPort } = cleanHost(given.host);
  const port = checkPort(pastedPort ?? given.port);
  const inspection = await inspect({
    host,
    port,
    ...(login.username ? { username: login.username } : {}),
    ...(login.password ? { password: login.password } : {}),
  });
  const profile =
    inspection.device.profiles.find((p) => p.role === given.profile) ??
    inspection.device.profiles[0];
  // Tokens come from the device: "constructor" or "__proto__" must not find Object's own.
  const uris =
    profile && Object.hasOwn(inspection.uris, profile.token)
      ? inspection.uris[profile.token]
      : undefined;
  if (!profile || !uris) {
    throw new UserFacingError('onvif-no-profiles', 'The camera offers no stream Vigil can play.');
  }
  const streamUrl = pinToHost(deviceStreamUrl(uris.streamUrl), host);
  if (streamUrl === null) {
    throw new UserFacingError(
      'onvif-bad-uri',
      `The camera reported a stream address Vigil cannot point at ${host}. Add the camera by its RTSP URL instead.`,
    );
  }
  const snapshotUrl = deviceSnapshotUrl(uris.snapshotUrl);
  // Watching the main profile: the sub profile's stream is what small wall tiles play.
  const subProfile =
    given.profile === 'main'
      ? inspection.device.profiles.find((p) => p.role === 'sub' && p.token !== profile.token)
      : undefined;
  const subUris =
    subProfile && Object.hasOwn(inspection.uris, subProfile.token)
      ? inspection.uris[subProfile.token]
      : undefined;
  const subStreamUrl = subUris ? pinToHost(deviceStreamUrl(subUris.streamUrl), host) : null;
  return {
    source: {
      kind: 'onvif',
      host,
      port,
      profile: given.profile,
      profileToken: profile.token,
      streamUrl,
      // Unreadable or unpinnable: no snapshot URI, the picture comes from the stream.
      snapshotUrl: snapshotUrl === null ? null : pinToHost(snapshotUrl, host),
      videoCodec: codecOf(profile.encoding),
      ...(subStreamUrl ? { subStreamUrl } : {}),
    },
  };
}

/**
 * A second RTSP URL (the camera's sub stream): empty means none. It is played with the camera's
 * one login, so a username or password written into it must be that login (or is refused).
 */
function readSubUrl(
  given: string | undefined,
  login: { username?: string; password?: string },
): string | null {
  if (!given?.trim()) return null;
  const { url, username, password } = splitRtspUrl(given);
  const differs =
    (username !== undefined && username !== login.username) ||
    (password !== undefined && password !== login.password);
  if (differs) {
    throw new UserFacingError(
      'invalid-url',
      'The sub stream address has its own username or password. Vigil uses the camera’s login for both streams: remove them from the sub stream address.',
    );
  }
  return url;
}
