import { MAX_CAMERA_NAME, type Camera } from '../../../shared/cameras';
import { cleanLabel } from '../../../shared/text';
import type { StoredCamera } from './camera-file';
import { snapshotUrlOf, streamUrlOf, subStreamUrlOf } from './camera-source';
import { storedOptions } from './camera-input';
import { withoutUserinfo } from './rtsp-url';

/** The stream URL to copy: the username shown, the password as "****"; never the password. */
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

/**
 * A stored camera as renderers may see it: no password, no userinfo in any URL (even one
 * that does not parse), device URIs as Vigil uses them (pinned to the user's host).
 */
export function toDto(camera: StoredCamera): Camera {
  const hasPassword = camera.passwordCipher !== null;
  const { source } = camera;
  const streamUrl = streamUrlOf(source);
  return {
    id: camera.id,
    // Names stored by an older Vigil may hold what cleanName now removes.
    name: cleanLabel(camera.name, MAX_CAMERA_NAME) || 'Camera',
    source:
      source.kind === 'onvif'
        ? {
            ...source,
            streamUrl: withoutUserinfo(streamUrl ?? source.streamUrl),
            snapshotUrl:
              source.snapshotUrl === null
                ? null
                : withoutUserinfo(snapshotUrlOf(source) ?? source.snapshotUrl),
            ...(source.subStreamUrl
              ? { subStreamUrl: withoutUserinfo(subStreamUrlOf(source) ?? source.subStreamUrl) }
              : {}),
          }
        : source.kind === 'rtsp'
          ? {
              ...source,
              url: withoutUserinfo(source.url),
              ...(source.subUrl ? { subUrl: withoutUserinfo(source.subUrl) } : {}),
            }
          : source,
    options: storedOptions(camera.options),
    username: camera.username,
    hasPassword,
    address:
      source.kind === 'onvif'
        ? `${source.host}:${String(source.port)} (${source.profile} profile)`
        : source.kind === 'rtsp'
          ? withoutUserinfo(source.url)
          : 'Built-in test pattern',
    rtspUrl: maskedUrl(
      streamUrl ?? (source.kind === 'onvif' ? source.streamUrl : null),
      camera.username,
      hasPassword,
    ),
    builtIn: false,
    hasSubStream: subStreamUrlOf(source) !== null,
  };
}
