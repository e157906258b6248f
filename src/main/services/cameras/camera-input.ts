import {
  KEEP_READY_BATTERY_MESSAGE,
  KEEP_READY_DEMO_MESSAGE,
  MAX_CAMERA_NAME,
  type CameraOptions,
} from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import { MAX_STREAM_DURATION_SEC } from '../../../shared/streams';
import { cleanLabel } from '../../../shared/text';
import { storedCameraSchema, type StoredCamera } from './camera-file';

/** A name for tray labels and window titles: one line, no control or bidi characters. */
export function cleanName(name: string): string {
  const cleaned = cleanLabel(name, MAX_CAMERA_NAME + 1);
  if (!cleaned || cleaned.length > MAX_CAMERA_NAME) {
    throw new UserFacingError(
      'invalid-name',
      `Give the camera a name of 1 to ${String(MAX_CAMERA_NAME)} characters.`,
    );
  }
  return cleaned;
}

/** The host (and a port, when pasted as a URL) of an ONVIF device the user typed. */
export function cleanHost(raw: string): { host: string; port?: number } {
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

export function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserFacingError(
      'invalid-port',
      'The ONVIF port must be a number from 1 to 65535 (often 80, 8000 or 8080).',
    );
  }
  return port;
}

/** A camera's options as stored: fields added later may be absent in older files. */
export type StoredOptions = StoredCamera['options'];

/** Stored options with the later fields' defaults filled in (what renderers and services see). */
export function storedOptions(stored: StoredOptions): CameraOptions {
  return { ...stored, keepReady: stored.keepReady ?? false };
}

/** The stored options with the dialog's changes applied, checked. */
export function mergeOptions(
  base: StoredOptions,
  patch: Partial<CameraOptions> | undefined,
): CameraOptions {
  const options = { ...storedOptions(base), ...patch };
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
  if (options.keepReady && options.battery) throw batteryKeptReady();
  return options;
}

/** Keep ready on a battery camera: refused, whichever of the two was changed. */
export function batteryKeptReady(): UserFacingError {
  return new UserFacingError('keep-ready-battery', KEEP_READY_BATTERY_MESSAGE);
}

/** Keep ready on the demo camera: refused (nothing to connect to ahead of time). */
export function demoKeptReady(): UserFacingError {
  return new UserFacingError('keep-ready-demo', KEEP_READY_DEMO_MESSAGE);
}

/**
 * The file's own schema, checked before anything is written: an entry the next start could
 * not read never reaches the disk.
 */
export function checkedEntry(camera: StoredCamera): StoredCamera {
  // The options alone are checked by mergeOptions; this one needs the source too.
  if (camera.options.keepReady && camera.source.kind === 'demo') throw demoKeptReady();
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
