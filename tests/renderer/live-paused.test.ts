import { describe, expect, it } from 'vitest';
import { statusLine } from '../../src/renderer/src/live/LiveView';
import type { StreamInfo } from '../../src/shared/streams';

const live: StreamInfo = {
  cameraId: 'c',
  variant: 'main',
  sessionId: 's',
  state: 'live',
  url: 'x',
  liveUrl: null,
  startedAt: 0,
  deadline: 60_000,
  timeLimitSec: 60,
  viewers: 1,
  endReason: null,
  failure: null,
  reconnectAttempt: null,
  dropped: null,
};

describe('live window status line: a paused picture is not live', () => {
  it('a playing stream whose picture is paused says "Paused", never "Live"', () => {
    expect(statusLine(live, 'playing', null, true)).toBe('Paused');
    expect(statusLine(live, 'playing', null, false)).toBe('Live');
  });

  it('what is wrong still comes first: an error, a reconnect, a stall', () => {
    expect(statusLine(live, 'playing', 'Could not save.', true)).toBe('Could not save.');
    expect(statusLine(live, 'reconnecting', null, true)).toBe('Reconnecting…');
    expect(
      statusLine(
        {
          ...live,
          state: 'reconnecting',
          reconnectAttempt: 2,
          dropped: { reason: 'camera-ended', message: 'The camera stopped the stream.' },
        },
        'playing',
        null,
        true,
      ),
    ).toMatch(/reconnecting \(attempt 2\)/);
  });
});
