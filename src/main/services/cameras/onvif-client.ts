import { createHash, randomBytes } from 'node:crypto';
import onvif from 'onvif';
import { UserFacingError } from '../../../shared/errors';
import type { OnvifDeviceInfo, OnvifProfileInfo } from '../../../shared/cameras';
import { cleanUnknownLabel } from '../../../shared/text';
import { createLimiter } from '../limit';
import { GuardedAgent } from './guarded-agent';

export interface OnvifTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Absolute limit for the whole exchange (the library's own timeout is idle-only). */
  timeoutMs?: number;
}

/** A profile's URIs, as the camera reported them (no credentials). */
export interface OnvifProfileUris {
  streamUrl: string;
  snapshotUrl: string | null;
}

export interface OnvifInspection {
  device: OnvifDeviceInfo;
  /** By profile token, as own properties only: read it with `Object.hasOwn` first. */
  uris: Record<string, OnvifProfileUris>;
  /** Camera clock minus ours, in ms. */
  clockOffsetMs: number;
}

// Default import: under Node's ESM loader not every export of this CommonJS package is named.
const { Cam } = onvif;

/**
 * onvif 0.8.3 hashes the WS-Security password with `Buffer.from(password, 'ascii')`, which
 * keeps one byte per UTF-16 unit: 'pässwörd-€' is refused by every device, since devices
 * hash UTF-8 (the OASIS UsernameToken profile). This is the library's digest with UTF-8.
 */
class Utf8Cam extends Cam {
  _passwordDigest(): { passdigest: string; nonce: string; timestamp: string } {
    // The library's clock: uptime plus the shift it measured against the device.
    const timestamp = new Date(process.uptime() * 1000 + (this.timeShift ?? 0)).toISOString();
    const nonce = randomBytes(16);
    const passdigest = createHash('sha1')
      .update(
        Buffer.concat([
          nonce,
          Buffer.from(timestamp, 'utf8'),
          Buffer.from(this.password ?? '', 'utf8'),
        ]),
      )
      .digest('base64');
    return { passdigest, nonce: nonce.toString('base64'), timestamp };
  }
}

const DEFAULT_TIMEOUT_MS = 8_000;
/** ONVIF inspections (tests, adds) at once, app-wide; more wait their turn. */
export const MAX_CONCURRENT_INSPECTIONS = 4;
const inspections = createLimiter(MAX_CONCURRENT_INSPECTIONS);
const CLOCK_WARNING_MS = 5 * 60 * 1000;
/** Device strings (model, firmware, profile names) shown to the user are cut here. */
const MAX_DEVICE_TEXT = 120;

function errorText(error: unknown): string {
  if (error instanceof Error)
    return `${error.message} ${(error as NodeJS.ErrnoException).code ?? ''}`;
  if (Array.isArray(error)) return error.map(errorText).join(' ');
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** Maps whatever the onvif library or the network threw to what the user should do. */
export function mapOnvifError(
  error: unknown,
  target: OnvifTarget,
  clockOffsetMs: number | null,
): UserFacingError {
  if (error instanceof UserFacingError) return error;
  const text = errorText(error);
  const where = `${target.host}:${String(target.port)}`;
  if (
    /NotAuthorized|not authorized|Digest authentication failed|\b401\b|Unauthorized|Sender not Authorized/i.test(
      text,
    )
  ) {
    if (clockOffsetMs !== null && Math.abs(clockOffsetMs) > CLOCK_WARNING_MS) {
      const minutes = Math.round(Math.abs(clockOffsetMs) / 60_000);
      return new UserFacingError(
        'onvif-clock',
        `The camera refused the login, and its clock is ${String(minutes)} minutes off. ` +
          'Set the camera’s date and time (or turn on NTP in its settings), then try again.',
      );
    }
    return new UserFacingError(
      'onvif-unauthorized',
      'Wrong username or password. Check the credentials (they are the camera’s own, often printed on it).',
    );
  }
  if (/ECONNREFUSED/.test(text)) {
    return new UserFacingError(
      'onvif-unreachable',
      `Nothing answers at ${where}. Check the address and the ONVIF port (often 80, 8000 or 8080), and that ONVIF is enabled on the camera.`,
    );
  }
  if (/EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EADDRNOTAVAIL/.test(text)) {
    return new UserFacingError(
      'onvif-unreachable',
      `Vigil cannot reach ${target.host}. Check that the camera is on and on the same network as this computer.`,
    );
  }
  if (/ETIMEDOUT|ESOCKETTIMEDOUT|timed out|timeout/i.test(text)) {
    return new UserFacingError(
      'onvif-timeout',
      `The camera at ${where} did not answer in time. Check that it is on, and try again.`,
    );
  }
  return new UserFacingError(
    'onvif-not-onvif',
    `The device at ${where} did not answer like an ONVIF camera. Check the port, or add the camera by its RTSP URL instead.`,
  );
}

function call<T>(fn: (callback: (error: unknown, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((error, value) =>
      error ? reject(error instanceof Error ? error : new Error(errorText(error))) : resolve(value),
    );
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function num(value: unknown): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Reads the library's loosely typed profiles; main = highest resolution, sub = lowest. */
export function readProfiles(raw: unknown): OnvifProfileInfo[] {
  const list = Array.isArray(raw) ? raw : [];
  const profiles = list.flatMap((item): OnvifProfileInfo[] => {
    const profile = asRecord(item);
    const token = text(asRecord(profile.$).token);
    if (!token) return [];
    const encoder = asRecord(profile.videoEncoderConfiguration);
    const resolution = asRecord(encoder.resolution);
    return [
      {
        token,
        name:
          cleanUnknownLabel(profile.name, MAX_DEVICE_TEXT) ||
          cleanUnknownLabel(token, MAX_DEVICE_TEXT),
        role: 'sub',
        width: num(resolution.width),
        height: num(resolution.height),
        encoding: cleanUnknownLabel(encoder.encoding, MAX_DEVICE_TEXT) || null,
      },
    ];
  });
  const pixels = (p: OnvifProfileInfo) => (p.width ?? 0) * (p.height ?? 0);
  const sorted = [...profiles].sort((a, b) => pixels(b) - pixels(a));
  const first = sorted[0];
  if (first) first.role = 'main';
  return sorted;
}

/** The codec a profile's encoding name stands for. */
export function codecOf(encoding: string | null): 'h264' | 'h265' | 'mjpeg' | 'other' {
  const e = (encoding ?? '').toUpperCase();
  if (e.includes('264')) return 'h264';
  if (e.includes('265') || e.includes('HEVC')) return 'h265';
  if (e.includes('JPEG')) return 'mjpeg';
  return encoding ? 'other' : 'h264';
}

/**
 * Some cameras answer with 0.0.0.0 or their own LAN name; use the host the user gave.
 * A URI that does not parse is null: kept verbatim it could carry credentials in clear.
 */
function fixHost(uri: string, host: string): string | null {
  try {
    const url = new URL(uri);
    if (url.hostname === '0.0.0.0' || url.hostname === '') url.hostname = host;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return null;
  }
}

/**
 * Connects to an ONVIF device and reads who it is, its profiles, and each profile's
 * stream and snapshot URIs, all under one absolute deadline.
 */
export function inspectOnvif(target: OnvifTarget): Promise<OnvifInspection> {
  // Each deadline starts when the inspection does, not while it waits for a slot.
  return inspections(() => inspectOnce(target));
}

/**
 * A Cam as every exchange here makes it: through a guarded agent, UTF-8 WS-Security, services
 * pinned to the host the user gave (`preserveAddress`: a device naming another host for a
 * service gets the user's host), connecting only when asked.
 */
function guardedCam(target: OnvifTarget, agent: GuardedAgent, timeoutMs: number): Utf8Cam {
  const cam = new Utf8Cam({
    hostname: target.host,
    port: target.port,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    timeout: timeoutMs,
    autoconnect: false,
    preserveAddress: true,
    agent,
  });
  // The library may emit 'error'/'warning'; unlistened, 'error' would crash main.
  cam.on('error', () => undefined);
  cam.on('warning', () => undefined);
  return cam;
}

/** Camera clock minus ours, in ms, once the library has asked the device; else null. */
function clockOffsetOf(cam: Utf8Cam): number | null {
  return cam.timeShift === undefined ? null : cam.timeShift + process.uptime() * 1000 - Date.now();
}

/** `work` under an absolute deadline; at the deadline every socket of `agent` is torn down. */
async function withDeadline<T>(
  agent: GuardedAgent,
  target: OnvifTarget,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      agent.destroy();
      reject(
        new UserFacingError(
          'onvif-timeout',
          `The camera at ${target.host}:${String(target.port)} did not answer within ${String(Math.round(timeoutMs / 1000))} s. Check that it is on and that this is its ONVIF port.`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What to tell the user about a failed exchange: a refused answer first, then the error. */
function exchangeFailure(
  agent: GuardedAgent,
  target: OnvifTarget,
  error: unknown,
  clockOffsetMs: number | null,
): UserFacingError {
  if (agent.tooLarge) {
    return new UserFacingError(
      'onvif-not-onvif',
      `The device at ${target.host}:${String(target.port)} sent an answer far too large for an ONVIF camera. Check the address and port.`,
    );
  }
  if (agent.badShape) {
    return new UserFacingError(
      'onvif-not-onvif',
      `The device at ${target.host}:${String(target.port)} sent an answer no ONVIF camera sends (${agent.badShape}); Vigil did not read it. Check the address and port.`,
    );
  }
  return mapOnvifError(error, target, clockOffsetMs);
}

async function inspectOnce(target: OnvifTarget): Promise<OnvifInspection> {
  const agent = new GuardedAgent({ keepAlive: false });
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cam = guardedCam(target, agent, timeoutMs);
  const clockOffset = (): number | null => clockOffsetOf(cam);

  const work = async (): Promise<OnvifInspection> => {
    await call<unknown>((cb) => cam.connect((error) => cb(error, undefined)));
    const profiles = readProfiles(cam.profiles);
    if (profiles.length === 0) {
      // A quirk seen in the field: a wrong password "connects" with zero profiles.
      throw new UserFacingError(
        target.password ? 'onvif-unauthorized' : 'onvif-no-profiles',
        target.password
          ? 'Wrong username or password (the camera showed no video profiles). Check the credentials.'
          : 'The camera shows no video profiles without a login. Enter its username and password.',
      );
    }
    const info = asRecord(
      await call<unknown>((cb) =>
        cam.getDeviceInformation((error, value) => cb(error, value)),
      ).catch(() => ({})),
    );
    // Keyed by device-chosen tokens ("constructor", "__proto__"…): a Map, never an object.
    const uris = new Map<string, OnvifProfileUris>();
    let unreadable = 0;
    for (const profile of profiles) {
      const stream = asRecord(
        await call<unknown>((cb) =>
          cam.getStreamUri({ protocol: 'RTSP', profileToken: profile.token }, (error, value) =>
            cb(error, value),
          ),
        ),
      );
      const snapshot = await call<unknown>((cb) =>
        cam.getSnapshotUri({ profileToken: profile.token }, (error, value) => cb(error, value)),
      ).catch(() => null);
      const reported = text(stream.uri);
      const streamUrl = fixHost(reported, target.host);
      if (!streamUrl) {
        if (reported) unreadable++;
        continue;
      }
      const snapshotUrl = text(asRecord(snapshot).uri);
      uris.set(profile.token, {
        streamUrl,
        snapshotUrl: snapshotUrl ? fixHost(snapshotUrl, target.host) : null,
      });
    }
    if (uris.size === 0 && unreadable > 0) {
      throw new UserFacingError(
        'onvif-bad-uri',
        'The camera reported stream addresses Vigil cannot read. Add the camera by its RTSP URL instead.',
      );
    }
    return {
      device: {
        manufacturer: cleanUnknownLabel(info.manufacturer, MAX_DEVICE_TEXT),
        model: cleanUnknownLabel(info.model, MAX_DEVICE_TEXT),
        firmware: cleanUnknownLabel(info.firmwareVersion, MAX_DEVICE_TEXT),
        serial: cleanUnknownLabel(info.serialNumber, MAX_DEVICE_TEXT),
        profiles: profiles.filter((p) => uris.has(p.token)),
      },
      // fromEntries defines own properties, "__proto__" included.
      uris: Object.fromEntries(uris),
      clockOffsetMs: clockOffset() ?? 0,
    };
  };

  try {
    return await withDeadline(agent, target, timeoutMs, work);
  } catch (error) {
    throw exchangeFailure(agent, target, error, clockOffset());
  } finally {
    agent.destroy();
  }
}

/** A connected device kept for follow-up calls (PTZ), guarded as an inspection is. */
export interface OnvifSession {
  /** The library's connected Cam: `uri` (its services) and `profiles` are filled in. */
  readonly cam: InstanceType<typeof Cam>;
  /**
   * Runs one library call (callback style) under its own absolute deadline; a failure comes
   * as a UserFacingError (`mapError` may name a device's refusal of this call first).
   */
  run<T>(
    call: (callback: (error: unknown, value: T) => void) => void,
    options?: { timeoutMs?: number; mapError?: (error: unknown) => UserFacingError | null },
  ): Promise<T>;
  /** Tears down its sockets; the session is not used again. */
  close(): void;
}

/**
 * Connects to an ONVIF device (within the same app-wide limit and deadline as an inspection)
 * and keeps it for follow-up calls: the connect exchange (clock, services, profiles) is paid
 * once, not before every PTZ step.
 */
export function openOnvifSession(target: OnvifTarget): Promise<OnvifSession> {
  return inspections(async () => {
    const agent = new GuardedAgent({ keepAlive: false });
    const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const cam = guardedCam(target, agent, timeoutMs);
    try {
      await withDeadline(agent, target, timeoutMs, () =>
        call<unknown>((cb) => cam.connect((error) => cb(error, undefined))),
      );
    } catch (error) {
      agent.destroy();
      throw exchangeFailure(agent, target, error, clockOffsetOf(cam));
    }
    let closed = false;
    return {
      cam,
      async run<T>(
        fn: (callback: (error: unknown, value: T) => void) => void,
        options: { timeoutMs?: number; mapError?: (error: unknown) => UserFacingError | null } = {},
      ): Promise<T> {
        if (closed) throw new UserFacingError('onvif-closed', 'The camera connection was closed.');
        try {
          return await withDeadline(agent, target, options.timeoutMs ?? timeoutMs, () =>
            call<T>(fn),
          );
        } catch (error) {
          if (error instanceof UserFacingError) throw error;
          const refused = agent.tooLarge || agent.badShape ? null : options.mapError?.(error);
          throw refused ?? exchangeFailure(agent, target, error, clockOffsetOf(cam));
        }
      },
      close(): void {
        closed = true;
        agent.destroy();
      },
    };
  });
}
