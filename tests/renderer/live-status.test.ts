import { describe, expect, it } from 'vitest';
import { failureText, shortStatus, statusLine } from '../../src/renderer/src/live/LiveView';
import type { StreamInfo } from '../../src/shared/streams';
import { streamInfo } from '../helpers/stream-info';

const info = (overrides: Partial<StreamInfo>): StreamInfo =>
  streamInfo({
    cameraId: 'c',
    sessionId: 's',
    url: 'x',
    deadline: 60_000,
    timeLimitSec: 60,
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
      info({
        state: 'reconnecting',
        url: null,
        reconnectAttempt: 2,
        dropped: { reason: 'camera-ended', message: 'The camera stopped the stream.' },
      }),
      'loading',
      'The camera dropped — reconnecting (attempt 2)…',
    ],
    // StreamService.cameraChanged restarts the session: nothing dropped.
    [
      info({ state: 'reconnecting', url: null, reconnectAttempt: 1, dropped: null }),
      'loading',
      'Applying the new settings…',
    ],
    [info({ state: 'ended', endReason: 'timeout' }), 'playing', 'Time is up'],
    [info({ state: 'ended', endReason: 'stopped' }), 'playing', 'Stream ended'],
    [
      info({
        state: 'failed',
        failure: { reason: 'unauthorized', message: 'Wrong password. Fix it.' },
      }),
      'loading',
      'Wrong password. The camera refused the username or password saved in Vigil. Enter the right one.',
    ],
  ] as const)('%#: %s', (given, player, text) => {
    expect(statusLine(given, player, null)).toBe(text);
  });

  it('an error from main wins over everything', () => {
    expect(statusLine(null, 'loading', 'This camera is no longer in your list.')).toBe(
      'This camera is no longer in your list.',
    );
  });

  it('a failure says once what it is: the footer names it, the picture gives the advice', () => {
    const refused = info({
      state: 'failed',
      failure: { reason: 'unauthorized', message: 'from main' },
    });
    expect(shortStatus(refused, 'loading', null, false)).toBe('Wrong password');
    expect(statusLine(refused, 'loading', null)).not.toBe(
      shortStatus(refused, 'loading', null, false),
    );
    expect(
      shortStatus(info({ state: 'ended', endReason: 'timeout' }), 'loading', null, false),
    ).toBe('Ended');
    expect(
      shortStatus(info({ state: 'reconnecting', dropped: null }), 'loading', null, false),
    ).toBe('Applying settings…');
  });

  it('a camera that played in this window is not told to check its setup', () => {
    const refused = { reason: 'refused', message: 'main: check that RTSP is enabled' } as const;
    expect(failureText(refused, false)).toMatch(/RTSP is enabled/);
    expect(failureText(refused, true)).not.toMatch(/RTSP/);
    expect(failureText(refused, true)).toMatch(/It was working earlier/);
    // Specifics only main knows (the host a redirect pointed to) are kept.
    const redirected = { reason: 'redirected', message: 'sent to 10.9.9.9' } as const;
    expect(failureText(redirected, true)).toBe('sent to 10.9.9.9');
  });
});
