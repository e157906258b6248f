import type { StreamService } from '../services/streaming/stream-service';
import type { createIpcRouter } from './handle';

/** Wires the streams channels of the contract to the streaming service. */
export function registerStreamHandlers(
  router: ReturnType<typeof createIpcRouter>,
  streams: StreamService,
  /** The camera's own live duration, used when the caller names none. */
  defaultDurationSec: (cameraId: string) => number,
): void {
  router.handle('streams:start', ({ viewer }, cameraId, options) =>
    streams.start(cameraId, {
      durationSec: options?.durationSec ?? defaultDurationSec(cameraId),
      viewer,
    }),
  );
  // A window's Stop releases only its own hold: other windows of the camera keep watching.
  router.handle('streams:stop', ({ viewer }, cameraId) => streams.release(cameraId, viewer));
  router.handle('streams:end', (_context, cameraId) => streams.stop(cameraId));
  router.handle('streams:extend', (_context, cameraId, seconds) =>
    streams.extend(cameraId, seconds),
  );
  router.handle('streams:list', () => streams.list());
  router.handle('streams:health', (_context, cameraId) => streams.health(cameraId));
}
