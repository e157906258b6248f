import { DEFAULT_CAMERA_OPTIONS, DEMO_CAMERA_ID, type Camera } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import type { SourceResolver, StreamSource } from '../streaming/source';

/** Id of the built-in demo camera (an ffmpeg test pattern with a clock and a tone). */
export { DEMO_CAMERA_ID };

/**
 * Resolves camera ids to sources. Knows the demo camera; `extra` lets the cameras
 * registry (and tests) add their own lookups in front of it.
 */
export function createSourceResolver(
  extra?: (cameraId: string) => StreamSource | undefined | Promise<StreamSource | undefined>,
): SourceResolver {
  return {
    async resolve(cameraId) {
      const found = await extra?.(cameraId);
      if (found) return found;
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
};
