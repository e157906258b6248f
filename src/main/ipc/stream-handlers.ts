import type { StreamInfo } from '../../shared/streams';
import type { StreamService } from '../services/streaming/stream-service';
import type { createIpcRouter } from './handle';

/** Wires the streams channels of the contract to the streaming service. */
export function registerStreamHandlers(
  router: ReturnType<typeof createIpcRouter>,
  streams: StreamService,
  /** The camera's own live duration, used when the caller names none. */
  defaultDurationSec: (cameraId: string) => number,
  /**
   * A live window's first start: the failure of the stream its opening started, if it failed
   * meanwhile (answered instead of asking the camera again); null to start as usual.
   */
  openingFailure: (viewer: string, cameraId: string) => StreamInfo | null = () => null,
): void {
  router.handle('streams:start', ({ viewer }, cameraId, options) => {
    const failed = options?.variant === 'sub' ? null : openingFailure(viewer, cameraId);
    if (failed) return failed;
    return streams.start(cameraId, {
      durationSec: options?.durationSec ?? defaultDurationSec(cameraId),
      viewer,
      ...(options?.variant ? { variant: options.variant } : {}),
      ...(options?.files ? { files: true } : {}),
    });
  });
  // A window's Stop releases only its own hold: other windows of the camera keep watching.
  router.handle('streams:stop', ({ viewer }, cameraId, target) =>
    streams.release(cameraId, viewer, target?.variant ?? 'main'),
  );
  router.handle('streams:end', (_context, cameraId) => streams.stop(cameraId));
  router.handle('streams:extend', (_context, cameraId, seconds) =>
    streams.extend(cameraId, seconds),
  );
  router.handle('streams:list', () => streams.list());
  router.handle('streams:playable', (_context, codecs) => streams.setPlayable(codecs));
  router.handle('streams:health', (_context, cameraId) => streams.health(cameraId));
}
