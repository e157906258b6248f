import type { StreamInfo } from '../../src/shared/streams';

/**
 * A stream's state as main sends it to pages, for tests: one live main-stream session of camera
 * 'c1' with one viewer and no time limit, changed by `overrides`.
 */
export function streamInfo(overrides: Partial<StreamInfo> = {}): StreamInfo {
  return {
    cameraId: 'c1',
    variant: 'main',
    sessionId: 's1',
    state: 'live',
    url: null,
    liveUrl: null,
    startedAt: 0,
    deadline: null,
    timeLimitSec: null,
    viewers: 1,
    endReason: null,
    failure: null,
    reconnectAttempt: null,
    dropped: null,
    ...overrides,
  };
}
