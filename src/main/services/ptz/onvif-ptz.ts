import onvifUtils from 'onvif/lib/utils.js';
import { UserFacingError } from '../../../shared/errors';
import { MAX_PRESET_NAME, type PtzPreset, type PtzVelocity } from '../../../shared/ptz';
import { cleanUnknownLabel } from '../../../shared/text';
import { openOnvifSession, type OnvifSession, type OnvifTarget } from '../cameras/onvif-client';
import type { PtzDevice } from './ptz-service';

/** One PTZ request may take this long; a held move repeats long before. */
const PTZ_CALL_TIMEOUT_MS = 4_000;
/** Devices keep a few hundred presets at most (Hikvision: 300); more is not a camera. */
const MAX_PRESETS = 300;
const MAX_TOKEN = 256;
const MAX_REASON = 160;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * onvif 0.8.3 pastes tokens and names into its SOAP bodies as they are: a preset named
 * "A & B" would be malformed XML, and "<x/>" markup the user injected. Escaped here.
 */
function xml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** xml2js puts every child in an array; the first, or the value itself. */
function first(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

function text(value: unknown): string {
  const v = first(value);
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  // An element with attributes and text: { _: text, $: attributes }.
  const inner = asRecord(v)._;
  return typeof inner === 'string' ? inner : '';
}

/**
 * A SOAP fault on a PTZ call is the device refusing this request (no such preset, a name in
 * use): said in the device's words. A refused login stays the login error of mapOnvifError.
 */
function refusal(error: unknown): UserFacingError | null {
  const message = error instanceof Error ? error.message : '';
  const fault = /^ONVIF SOAP Fault: (.*)$/s.exec(message);
  if (!fault || /not authori[sz]ed/i.test(message)) return null;
  const reason = cleanUnknownLabel(fault[1] ?? '', MAX_REASON) || 'no reason given';
  return new UserFacingError('ptz-refused', `The camera refused: ${reason}.`);
}

function parseAnswer(answer: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    onvifUtils.parseSOAPString(answer, (error, body) => (error ? reject(error) : resolve(body)));
  });
}

/**
 * Reads GetPresets from the answer itself: the library files presets in plain objects keyed
 * by the device's names and tokens, where two presets of one name collapse into one and a
 * preset named "__proto__" disappears.
 */
export async function readPresets(answer: string): Promise<PtzPreset[]> {
  const body = asRecord(first(await parseAnswer(answer)));
  const response = asRecord(first(body.getPresetsResponse));
  const list = Array.isArray(response.preset) ? (response.preset as unknown[]) : [];
  return list.slice(0, MAX_PRESETS).flatMap((item): PtzPreset[] => {
    const preset = asRecord(item);
    const token = text(asRecord(preset.$).token);
    if (!token || token.length > MAX_TOKEN) return [];
    return [{ token, name: cleanUnknownLabel(text(preset.name), MAX_PRESET_NAME) || token }];
  });
}

/** The token in a SetPreset answer (the library hands it over parsed, prefixes stripped). */
function presetTokenOf(body: unknown): string {
  const response = asRecord(first(asRecord(first(body)).setPresetResponse));
  return text(response.presetToken);
}

/**
 * True when the device has a PTZ service and the profile the camera plays carries a PTZ
 * configuration: ONVIF moves a profile's PTZ node, and a profile without one cannot move.
 */
export function hasPtz(cam: OnvifSession['cam'], profileToken: string): boolean {
  if (!cam.uri?.ptz) return false;
  const profile = (cam.profiles ?? []).find(
    (p) => text(asRecord(asRecord(p).$).token) === profileToken,
  );
  return profile !== undefined && asRecord(profile).PTZConfiguration !== undefined;
}

/** ONVIF floats as the library writes them; rounded so the device never sees 1e-17. */
const speed = (v: number): number => Math.round(v * 10_000) / 10_000 || 0;

/**
 * Connects to the camera's ONVIF service (same limit, deadline, answer guard, UTF-8
 * WS-Security and host pinning as an inspection) and returns its PTZ, or null when the
 * camera's profile cannot move.
 */
export async function openOnvifPtz(
  target: OnvifTarget & { profileToken: string },
): Promise<PtzDevice | null> {
  const session = await openOnvifSession(target);
  if (!hasPtz(session.cam, target.profileToken)) {
    session.close();
    return null;
  }
  const { cam } = session;
  const profileToken = xml(target.profileToken);
  const run = <T>(fn: (callback: (error: unknown, value: T) => void) => void): Promise<T> =>
    session.run(fn, { timeoutMs: PTZ_CALL_TIMEOUT_MS, mapError: refusal });
  return {
    async continuousMove(velocity: PtzVelocity, timeoutMs: number): Promise<void> {
      await run<unknown>((cb) =>
        cam.continuousMove(
          {
            profileToken,
            x: speed(velocity.x),
            y: speed(velocity.y),
            zoom: speed(velocity.zoom),
            // The device stops by itself after this, should Vigil never send Stop.
            timeout: timeoutMs,
          },
          (error) => cb(error, undefined),
        ),
      );
    },
    async stop(): Promise<void> {
      await run<unknown>((cb) =>
        cam.stop({ profileToken, panTilt: true, zoom: true }, (error) => cb(error, undefined)),
      );
    },
    async presets(): Promise<PtzPreset[]> {
      const answer = await run<string>((cb) =>
        cam.getPresets({ profileToken }, (error, _byName, raw) => cb(error, raw ?? '')),
      );
      return readPresets(answer);
    },
    async gotoPreset(token: string): Promise<void> {
      await run<unknown>((cb) =>
        cam.gotoPreset({ profileToken, preset: xml(token) }, (error) => cb(error, undefined)),
      );
    },
    async savePreset(name: string): Promise<PtzPreset> {
      const body = await run<unknown>((cb) =>
        cam.setPreset({ profileToken, presetName: xml(name) }, (error, data) => cb(error, data)),
      );
      const token = presetTokenOf(body);
      if (!token || token.length > MAX_TOKEN) {
        throw new UserFacingError(
          'ptz-refused',
          'The camera saved the preset but did not say under which token. Reopen the window to see it.',
        );
      }
      return { token, name };
    },
    close: () => session.close(),
  };
}
