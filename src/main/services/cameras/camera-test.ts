import type { CameraTestInput, CameraTestResult } from '../../../shared/cameras';
import type { StreamSource } from '../streaming/source';
import type { CameraRegistry } from './camera-registry';
import { splitRtspUrl } from './rtsp-url';
import type { OnvifInspection, OnvifTarget } from './onvif-client';

export interface CameraTestDeps {
  registry: CameraRegistry;
  inspect: (target: OnvifTarget) => Promise<OnvifInspection>;
  /** Takes one frame from a stream source (ffmpeg), throwing a user-facing error. */
  grab: (source: StreamSource) => Promise<Buffer>;
}

function describe(inspection: OnvifInspection): string {
  const { device } = inspection;
  const who = [device.manufacturer, device.model].filter(Boolean).join(' ') || 'the camera';
  const count = device.profiles.length;
  return `Connected to ${who} (${String(count)} profile${count === 1 ? '' : 's'}).`;
}

/**
 * "Test connection": for ONVIF, log in and read the profiles; for RTSP, take one frame
 * (proves address, credentials and a decodable stream). Errors say what to do.
 */
export async function testCamera(
  input: CameraTestInput,
  deps: CameraTestDeps,
): Promise<CameraTestResult> {
  if ('cameraId' in input) {
    await deps.grab(deps.registry.resolve(input.cameraId));
    return { message: 'Connected: the camera sent a picture.', device: null };
  }
  const { source } = input;
  if (source.kind === 'demo')
    return { message: 'The demo camera is built in and always works.', device: null };
  if (source.kind === 'onvif') {
    const inspection = await deps.inspect({
      host: source.host.trim(),
      port: source.port,
      ...(input.username ? { username: input.username } : {}),
      ...(input.password ? { password: input.password } : {}),
    });
    return { message: describe(inspection), device: inspection.device };
  }
  const split = splitRtspUrl(source.url);
  const username = input.username || split.username;
  const password = input.password || split.password;
  await deps.grab({
    kind: 'rtsp',
    url: split.url,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  });
  return { message: 'Connected: the camera sent a picture.', device: null };
}
