import { describe, expect, it } from 'vitest';
import { statusLine } from '../../src/renderer/src/live/LiveView';
import type { StreamInfo } from '../../src/shared/streams';

const info = (overrides: Partial<StreamInfo>): StreamInfo => ({
  cameraId: 'c',
  sessionId: 's',
  state: 'live',
  url: 'x',
  startedAt: 0,
  deadline: 60_000,
  timeLimitSec: 60,
  viewers: 1,
  endReason: null,
  failure: null,
  reconnectAttempt: null,
  dropped: null,
  ...overrides,
});

describe('live window status line: every state has a face', () => {
  it.each([
    [info({ state: 'waking' }), 'loading', 'Waking camera…'],
    [info({ state: 'starting' }), 'loading', 'Connecting…'],
    [info({ state: 'live' }), 'loading', 'Connecting…'],
    [info({ state: 'live' }), 'playing', 'Live'],
    [info({ state: 'live' }), 'reconnecting', 'Reconnecting…'],
    [info({ state: 'live' }), 'stalled', 'The picture stopped. Retry, or check the camera.'],
    [info({ state: 'stopping' }), 'playing', 'Stopping…'],
    [
      info({ state: 'reconnecting', url: null, reconnectAttempt: 2 }),
      'loading',
      'The camera dropped — reconnecting (attempt 2)…',
    ],
    [info({ state: 'ended', endReason: 'timeout' }), 'playing', 'Time is up — stream ended'],
    [info({ state: 'ended', endReason: 'stopped' }), 'playing', 'Stream ended'],
    [
      info({
        state: 'failed',
        failure: { reason: 'unauthorized', message: 'Wrong password. Fix it.' },
      }),
      'loading',
      'Wrong password. Fix it.',
    ],
  ] as const)('%#: %s', (given, player, text) => {
    expect(statusLine(given, player, null)).toBe(text);
  });

  it('an error from main wins over everything', () => {
    expect(statusLine(null, 'loading', 'This camera is no longer in your list.')).toBe(
      'This camera is no longer in your list.',
    );
  });
});
