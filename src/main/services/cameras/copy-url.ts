import type { RtspSource } from '../streaming/source';

/**
 * The URL "Copy RTSP URL" gives: what ffmpeg opens for this camera. Without the password it
 * carries no userinfo at all (a username alone would only make players ask for a password
 * they cannot know). With it, both are percent-encoded through the URL setters, as the
 * redaction code inserts them: ffmpeg/ffprobe decode percent-encoded userinfo before they answer
 * the camera's challenge, which tests/e2e/camera-edit.e2e.test.ts checks with ffprobe against a
 * Digest camera whose password holds @ : / space and #.
 */
export function copyableUrl(source: RtspSource, withPassword: boolean): string {
  const url = new URL(source.url);
  url.username = '';
  url.password = '';
  if (withPassword) {
    if (source.username) url.username = encodeURIComponent(source.username);
    if (source.password) url.password = encodeURIComponent(source.password);
  }
  return url.toString();
}
