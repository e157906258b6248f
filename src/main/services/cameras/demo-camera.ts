import { DEFAULT_CAMERA_OPTIONS, DEMO_CAMERA_ID, type Camera } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import type { StreamVariant } from '../../../shared/streams';
import type { SourceResolver, StreamSource } from '../streaming/source';

/** Asked for the sub stream of a camera that has none (a page should have asked for main). */
export function noSubStream(): UserFacingError {
  return new UserFacingError(
    'no-sub-stream',
    'This camera has no sub stream. Add its second stream address in Edit, or watch the main stream.',
  );
}

/** Id of the built-in demo camera (an ffmpeg test pattern with a clock and a tone). */
export { DEMO_CAMERA_ID };

/**
 * Resolves camera ids to sources. Knows the demo camera; `extra` lets the cameras
 * registry (and tests) add their own lookups in front of it.
 */
export function createSourceResolver(
  extra?: (
    cameraId: string,
    variant: StreamVariant,
  ) => StreamSource | undefined | Promise<StreamSource | undefined>,
): SourceResolver {
  return {
    async resolve(cameraId, variant = 'main') {
      const found = await extra?.(cameraId, variant);
      if (found) return found;
      if (variant === 'sub') throw noSubStream();
      if (cameraId === DEMO_CAMERA_ID) return { kind: 'demo' };
      throw new UserFacingError(
        'camera-not-found',
        'This camera is no longer in your list. Add it again from the dashboard.',
      );
    },
  };
}

/** The demo camera as renderers see it. */
export const DEMO_CAMERA: Camera = {
  id: DEMO_CAMERA_ID,
  name: 'Demo camera',
  source: { kind: 'demo' },
  options: DEFAULT_CAMERA_OPTIONS,
  username: null,
  hasPassword: false,
  address: 'Built-in test pattern',
  rtspUrl: null,
  builtIn: true,
  hasSubStream: false,
};
