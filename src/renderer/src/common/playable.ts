import type { PlayableCodec } from '../../../shared/streams';
import { vigil } from './vigil';

/**
 * An H.265 (Main profile, level 4.0) stream as Vigil copies it: fragmented MP4 tagged hvc1.
 * Electron's Chromium decodes H.265 only where the platform does (macOS 11+, Windows with
 * D3D11, some Linux with VAAPI) and has no software decoder, so the answer differs per
 * machine and is asked at run time, never assumed.
 */
const HEVC_MIME = 'video/mp4; codecs="hvc1.1.6.L120.90"';

/** The codecs beyond H.264 this page can play through Media Source. */
export function playableCodecs(
  mse: Pick<typeof MediaSource, 'isTypeSupported'> | undefined = globalThis.MediaSource,
): PlayableCodec[] {
  if (!mse) return [];
  return mse.isTypeSupported(HEVC_MIME) ? ['h265'] : [];
}

/**
 * Tells main what this page plays, so it copies H.265 instead of transcoding it where the
 * platform decodes it. Every page says it on load (the first window to open may be any of
 * them); failing to tell only costs a transcode.
 */
export function reportPlayable(): void {
  void vigil()
    .streams.playable(playableCodecs())
    .catch(() => undefined);
}
