import type {
  CameraPreview,
  CameraTestInput,
  CameraTestResult,
  OnvifDeviceInfo,
} from '../../../shared/cameras';
import { cleanLabel } from '../../../shared/text';
import type { StreamSource } from '../streaming/source';
import type { CameraRegistry } from './camera-registry';
import { readInputSource, streamUrlOf } from './camera-source';
import { jpegSize } from './jpeg-size';
import { splitRtspUrl } from './rtsp-url';
import type { OnvifInspection, OnvifTarget } from './onvif-client';

export interface CameraTestDeps {
  registry: CameraRegistry;
  inspect: (target: OnvifTarget) => Promise<OnvifInspection>;
  /** Takes one frame from a stream source (ffmpeg), throwing a user-facing error. */
  grab: (source: StreamSource) => Promise<Buffer>;
}

/**
 * The widest picture a grab returns: frame-grab.ts scales wider frames down to this width
 * (`scale=min(1280\,iw):-2`), so a picture this wide may stand for a larger camera.
 */
export const GRAB_MAX_WIDTH = 1280;

function describe(device: OnvifDeviceInfo): string {
  const who = [device.manufacturer, device.model].filter(Boolean).join(' ') || 'the camera';
  const count = device.profiles.length;
  return `Connected to ${who} (${String(count)} profile${count === 1 ? '' : 's'})`;
}

/** The picture as a preview; the size is the profile's when the device names it. */
function previewOf(jpeg: Buffer, known: { width: number; height: number } | null): CameraPreview {
  const size = jpegSize(jpeg);
  const dataUrl = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  if (known) return { dataUrl, ...known, atLeast: false };
  if (!size) return { dataUrl, width: 0, height: 0, atLeast: true };
  return { dataUrl, ...size, atLeast: size.width >= GRAB_MAX_WIDTH };
}

function sizeText(preview: CameraPreview): string {
  if (!preview.width) return '';
  return ` ${preview.atLeast ? 'at least ' : ''}${String(preview.width)}×${String(preview.height)}`;
}

function sentPicture(preview: CameraPreview): string {
  const size = sizeText(preview).trim();
  return `Connected: the camera sent a picture${size ? ` (${size})` : ''}.`;
}

/**
 * "Connect" on either tab: for ONVIF, log in, read the profiles and take a frame of the chosen
 * one; for RTSP, take one frame (proves address, credentials and a decodable stream). Success
 * carries the picture and its resolution; errors say what to do.
 */
export async function testCamera(
  input: CameraTestInput,
  deps: CameraTestDeps,
): Promise<CameraTestResult> {
  if ('cameraId' in input) {
    const preview = previewOf(await deps.grab(deps.registry.resolve(input.cameraId)), null);
    return { message: sentPicture(preview), device: null, preview };
  }
  const { source } = input;
  if (source.kind === 'demo')
    return {
      message: 'The demo camera is built in and always works.',
      device: null,
      preview: null,
    };
  if (source.kind === 'onvif') {
    const login = { username: input.username ?? null, password: input.password ?? null };
    const answers: OnvifInspection[] = [];
    // The same reading as Add: the chosen profile's stream, pinned to the host the user typed.
    const read = await readInputSource({ ...source, host: source.host.trim() }, login, (target) =>
      deps.inspect(target).then((answer) => {
        answers.push(answer);
        return answer;
      }),
    );
    const device = answers[0]?.device ?? null;
    const url = streamUrlOf(read.source);
    if (!device || !url) return { message: 'Connected.', device, preview: null };
    const profile = device.profiles.find((p) => p.role === source.profile) ?? device.profiles[0];
    let jpeg: Buffer;
    try {
      jpeg = await deps.grab({
        kind: 'rtsp',
        url,
        ...(input.username ? { username: input.username } : {}),
        ...(input.password ? { password: input.password } : {}),
      });
    } catch (error) {
      // The login and the profiles worked: say so with the device, and why no picture came.
      const why = error instanceof Error ? error.message : String(error);
      return {
        message: `${describe(device)}, but its stream sent no picture: ${cleanLabel(why, 200)}`,
        device,
        preview: null,
      };
    }
    const known =
      profile?.width && profile.height ? { width: profile.width, height: profile.height } : null;
    const preview = previewOf(jpeg, known);
    const size = sizeText(preview);
    return { message: `${describe(device)}${size ? `, picture${size}` : ''}.`, device, preview };
  }
  const split = splitRtspUrl(source.url);
  const username = input.username || split.username;
  const password = input.password || split.password;
  const preview = previewOf(
    await deps.grab({
      kind: 'rtsp',
      url: split.url,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
    }),
    null,
  );
  return { message: sentPicture(preview), device: null, preview };
}
