import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import {
  DEFAULT_CAMERA_OPTIONS,
  DEMO_CAMERA_ID,
  MAX_CAMERA_NAME,
  type Camera,
  type CameraInput,
  type CameraOptions,
  type CameraSource,
} from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import { cleanLabel } from '../../../shared/text';
import { MAX_STREAM_DURATION_SEC } from '../../../shared/streams';
import type { SourceResolver, StreamSource } from '../streaming/source';
import { storedCameraSchema, type CameraFile, type StoredCamera } from './camera-file';
import { codecOf, inspectOnvif, type OnvifInspection, type OnvifTarget } from './onvif-client';
import { deviceSnapshotUrl, deviceStreamUrl, splitRtspUrl, withoutUserinfo } from './rtsp-url';
import type { SecretStore } from './secret-store';
import type { SnapshotPlan } from './snapshot-service';
import type { StatusTarget } from './status-monitor';
import { certificateChanged, endpointOf, type TlsPin } from './tls-pin';
import { SerialRunner } from '../async/serial-queue';

export interface CameraRegistryOptions {
  file: CameraFile;
  secrets: SecretStore;
  /** Receives the whole list (as renderers may see it) after every change. */
  emit: (cameras: Camera[]) => void;
  inspect?: (target: OnvifTarget) => Promise<OnvifInspection>;
  newId?: () => string;
}

/** Battery cameras may take this long to wake and answer. */
export const BATTERY_START_TIMEOUT_MS = 30_000;

const DEMO_CAMERA: Camera = {
  id: DEMO_CAMERA_ID,
  name: 'Demo camera',
  source: { kind: 'demo' },
  options: DEFAULT_CAMERA_OPTIONS,
  username: null,
  hasPassword: false,
  address: 'Built-in test pattern',
  rtspUrl: null,
  builtIn: true,
};

function streamUrlOf(source: CameraSource): string | null {
  if (source.kind === 'rtsp') return source.url;
  if (source.kind === 'onvif') return source.streamUrl;
  return null;
}

function maskedUrl(
  url: string | null,
  username: string | null,
  hasPassword: boolean,
): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (username) parsed.username = encodeURIComponent(username);
    if (hasPassword) parsed.password = '****';
    return parsed.toString();
  } catch {
    // Never hand a renderer credentials a stored URL might carry.
    return withoutUserinfo(url);
  }
}

function toDto(camera: StoredCamera): Camera {
  const hasPassword = camera.passwordCipher !== null;
  const { source } = camera;
  return {
    id: camera.id,
    // Names stored by an older Vigil may hold what cleanName now removes.
    name: cleanLabel(camera.name, MAX_CAMERA_NAME) || 'Camera',
    source:
      source.kind === 'onvif'
        ? {
            ...source,
            streamUrl: withoutUserinfo(source.streamUrl),
            snapshotUrl: source.snapshotUrl === null ? null : withoutUserinfo(source.snapshotUrl),
          }
        : source.kind === 'rtsp'
          ? { ...source, url: withoutUserinfo(source.url) }
          : source,
    options: camera.options,
    username: camera.username,
    hasPassword,
    address:
      source.kind === 'onvif'
        ? `${source.host}:${String(source.port)} (${source.profile} profile)`
        : source.kind === 'rtsp'
          ? withoutUserinfo(source.url)
          : 'Built-in test pattern',
    rtspUrl: maskedUrl(streamUrlOf(source), camera.username, hasPassword),
    builtIn: false,
  };
}

/** A name for tray labels and window titles: one line, no control or bidi characters. */
/** `host:port` of an https URL, or null (not https, or unreadable). */
function pinEndpoint(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? endpointOf(parsed) : null;
  } catch {
    return null;
  }
}

function pinFor(camera: StoredCamera, url: string): TlsPin | undefined {
  const endpoint = pinEndpoint(url);
  return endpoint ? camera.tlsPins?.find((pin) => pin.endpoint === endpoint) : undefined;
}

function cleanName(name: string): string {
  const cleaned = cleanLabel(name, MAX_CAMERA_NAME + 1);
  if (!cleaned || cleaned.length > MAX_CAMERA_NAME) {
    throw new UserFacingError(
      'invalid-name',
      `Give the camera a name of 1 to ${String(MAX_CAMERA_NAME)} characters.`,
    );
  }
  return cleaned;
}

function cleanHost(raw: string): { host: string; port?: number } {
  const value = raw.trim();
  if (!value)
    throw new UserFacingError('invalid-host', 'Enter the camera’s IP address or host name.');
  // People paste "http://192.168.1.20:8000/onvif/device_service": take host and port from it.
  if (value.includes('://')) {
    try {
      const url = new URL(value);
      return { host: url.hostname, ...(url.port ? { port: Number(url.port) } : {}) };
    } catch {
      // fall through to the checks below
    }
  }
  if (!/^[a-zA-Z0-9.\-:[\]]+$/.test(value)) {
    throw new UserFacingError('invalid-host', `"${value}" is not an IP address or host name.`);
  }
  return { host: value };
}

function mergeOptions(
  base: CameraOptions,
  patch: Partial<CameraOptions> | undefined,
): CameraOptions {
  const options = { ...base, ...patch };
  if (
    !Number.isInteger(options.durationSec) ||
    options.durationSec < 0 ||
    options.durationSec > MAX_STREAM_DURATION_SEC
  ) {
    throw new UserFacingError(
      'invalid-duration',
      `Live duration must be 0 (no limit) to ${String(MAX_STREAM_DURATION_SEC)} seconds.`,
    );
  }
  return options;
}

/**
 * The user's cameras: validated, persisted through CameraFile, passwords only ever
 * stored encrypted and never handed to renderers. Also resolves cameras for streaming.
 */
export class CameraRegistry implements SourceResolver {
  private cameras: StoredCamera[] = [];
  private readonly writes = new SerialRunner();
  private readonly inspect: (target: OnvifTarget) => Promise<OnvifInspection>;
  private readonly newId: () => string;

  constructor(private readonly opts: CameraRegistryOptions) {
    this.inspect = opts.inspect ?? inspectOnvif;
    this.newId = opts.newId ?? randomUUID;
  }

  /** Loads the file; returns warnings for the user (a restored backup, a damaged file). */
  async load(): Promise<string[]> {
    const { cameras, warnings } = await this.opts.file.load();
    this.cameras = cameras;
    return warnings;
  }

  /** Every camera, without secrets; the demo camera while the list is empty. */
  list(): Camera[] {
    return this.cameras.length ? this.cameras.map(toDto) : [DEMO_CAMERA];
  }

  get(id: string): Camera | undefined {
    return this.list().find((c) => c.id === id);
  }

  add(input: CameraInput): Promise<Camera> {
    return this.mutate(async (list) => {
      const camera = await this.build(this.newId(), input, undefined);
      return { list: [...list, camera], result: toDto(camera) };
    });
  }

  update(id: string, input: CameraInput): Promise<Camera> {
    return this.mutate(async (list) => {
      const existing = list.find((c) => c.id === id);
      if (!existing) throw this.unknown();
      const camera = await this.build(id, input, existing);
      return { list: list.map((c) => (c.id === id ? camera : c)), result: toDto(camera) };
    });
  }

  remove(id: string): Promise<void> {
    return this.mutate((list) => {
      if (!list.some((c) => c.id === id)) throw this.unknown();
      return Promise.resolve({ list: list.filter((c) => c.id !== id), result: undefined });
    });
  }

  /** Source resolver for the stream service: the camera with its credentials. */
  resolve(cameraId: string): StreamSource {
    const camera = this.cameras.find((c) => c.id === cameraId);
    if (!camera) {
      if (cameraId === DEMO_CAMERA_ID) return { kind: 'demo' };
      throw this.unknown();
    }
    const { source, options } = camera;
    if (source.kind === 'demo') return { kind: 'demo' };
    const password = this.password(camera);
    return {
      kind: 'rtsp',
      url: source.kind === 'rtsp' ? source.url : source.streamUrl,
      ...(camera.username ? { username: camera.username } : {}),
      ...(password ? { password } : {}),
      transport: options.transport,
      audio: options.audio,
      ...(source.kind === 'onvif' ? { videoCodec: source.videoCodec } : {}),
      ...(options.battery ? { startTimeoutMs: BATTERY_START_TIMEOUT_MS, wake: true } : {}),
    };
  }

  /** How to take a still picture of the camera. */
  snapshotPlan(cameraId: string): SnapshotPlan {
    const stream = this.resolve(cameraId);
    const camera = this.cameras.find((c) => c.id === cameraId);
    const snapshotUrl = camera?.source.kind === 'onvif' ? camera.source.snapshotUrl : null;
    if (!snapshotUrl || stream.kind !== 'rtsp') return { http: null, stream };
    const pinned = camera ? pinFor(camera, snapshotUrl) : undefined;
    return {
      http: {
        url: snapshotUrl,
        ...(stream.username !== undefined ? { username: stream.username } : {}),
        ...(stream.password !== undefined ? { password: stream.password } : {}),
        ...(pinned ? { pinnedSha256: pinned.sha256 } : {}),
      },
      stream,
    };
  }

  /**
   * Remembers an HTTPS endpoint's certificate the first time it is seen (trust on first
   * use); a pin once stored is never replaced here (remove and re-add the camera instead).
   */
  pinCertificate(cameraId: string, endpoint: string, sha256: string): Promise<void> {
    return this.mutate((list) => {
      const camera = list.find((c) => c.id === cameraId);
      if (!camera) throw this.unknown();
      const pins = camera.tlsPins ?? [];
      const known = pins.find((p) => p.endpoint === endpoint);
      if (known && known.sha256 !== sha256)
        throw certificateChanged(endpoint, known.sha256, sha256);
      if (known) return Promise.resolve({ list, result: undefined });
      const pinned = { ...camera, tlsPins: [...pins, { endpoint, sha256 }] };
      return Promise.resolve({
        list: list.map((c) => (c.id === cameraId ? pinned : c)),
        result: undefined,
      });
    });
  }

  /** What the status monitor checks for each camera. */
  statusTargets(): StatusTarget[] {
    return this.list().map((c) => ({
      id: c.id,
      battery: c.options.battery,
      probeUrl: streamUrlOf(c.source),
    }));
  }

  /** The default live duration the user chose for this camera. */
  durationSec(cameraId: string): number {
    return this.get(cameraId)?.options.durationSec ?? DEFAULT_CAMERA_OPTIONS.durationSec;
  }

  private password(camera: StoredCamera): string | undefined {
    if (!camera.passwordCipher) return undefined;
    try {
      return this.opts.secrets.decrypt(camera.passwordCipher);
    } catch {
      throw new UserFacingError(
        'password-unreadable',
        `Vigil cannot read the saved password of “${camera.name}” (the system keyring changed). Edit the camera and enter its password again.`,
      );
    }
  }

  private unknown(): UserFacingError {
    return new UserFacingError(
      'camera-not-found',
      'This camera is no longer in your list. Add it again from the dashboard.',
    );
  }

  private async build(
    id: string,
    input: CameraInput,
    existing: StoredCamera | undefined,
  ): Promise<StoredCamera> {
    const name = cleanName(input.name);
    const options = mergeOptions(existing?.options ?? DEFAULT_CAMERA_OPTIONS, input.options);
    let username = input.username?.trim() || null;
    // undefined keeps the stored password, '' removes it, anything else replaces it.
    let password: string | null | undefined =
      input.password === undefined
        ? existing
          ? (this.password(existing) ?? null)
          : null
        : input.password || null;
    let source: CameraSource;
    const given = input.source;
    if (given.kind === 'demo') {
      source = { kind: 'demo' };
      username = null;
      password = null;
    } else if (given.kind === 'rtsp') {
      const split = splitRtspUrl(given.url);
      source = { kind: 'rtsp', url: split.url };
      username = username ?? split.username ?? null;
      if (input.password === undefined && split.password) password = split.password;
    } else {
      const { host, port: pastedPort } = cleanHost(given.host);
      const port = pastedPort ?? given.port;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new UserFacingError(
          'invalid-port',
          'The ONVIF port must be a number from 1 to 65535 (often 80, 8000 or 8080).',
        );
      }
      const inspection = await this.inspect({
        host,
        port,
        ...(username ? { username } : {}),
        ...(password ? { password } : {}),
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
        throw new UserFacingError(
          'onvif-no-profiles',
          'The camera offers no stream Vigil can play.',
        );
      }
      source = {
        kind: 'onvif',
        host,
        port,
        profile: given.profile,
        profileToken: profile.token,
        streamUrl: deviceStreamUrl(uris.streamUrl),
        snapshotUrl: deviceSnapshotUrl(uris.snapshotUrl),
        videoCodec: codecOf(profile.encoding),
      };
    }
    // An edit keeps the certificate pinned for the camera's snapshot endpoint, if it stays.
    const keptPins = (existing?.tlsPins ?? []).filter(
      (pin) =>
        source.kind === 'onvif' &&
        !!source.snapshotUrl &&
        pinEndpoint(source.snapshotUrl) === pin.endpoint,
    );
    const camera = {
      id,
      name,
      source,
      options,
      username,
      passwordCipher: password ? this.opts.secrets.encrypt(password) : null,
      ...(keptPins.length ? { tlsPins: keptPins } : {}),
    };
    // The file's own schema, checked before anything is written: an entry the next start
    // could not read never reaches the disk.
    const checked = storedCameraSchema.safeParse(camera);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new UserFacingError(
        'invalid-camera',
        `Vigil could not save this camera: ${issue ? `${issue.path.join('.') || 'entry'}: ${issue.message}` : 'it is incomplete'}. Nothing was changed.`,
      );
    }
    return checked.data;
  }

  /** Applies a change: saved to disk first, then taken into memory and announced. */
  private mutate<T>(
    change: (list: StoredCamera[]) => Promise<{ list: StoredCamera[]; result: T }>,
  ): Promise<T> {
    const run = async (): Promise<T> => {
      const { list, result } = await change(this.cameras);
      try {
        await this.opts.file.save(list);
      } catch (error) {
        if (error instanceof UserFacingError) throw error;
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new UserFacingError(
          'save-failed',
          `Vigil could not save your camera list (${code}). Check free disk space and the permissions of ${dirname(this.opts.file.path)}, then try again.`,
        );
      }
      this.cameras = list;
      this.opts.emit(this.list());
      return result;
    };
    return this.writes.run(run);
  }
}
