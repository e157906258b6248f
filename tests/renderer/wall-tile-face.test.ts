import { describe, expect, it } from 'vitest';
import { tileFace, type TileFaceInput } from '../../src/renderer/src/wall/tile-text';
import { camera, session, status } from './wall-stand-in';

const mains = camera('c1', 'Porch');
const battery = camera('c2', 'Shed', { battery: true, durationSec: 300 });

function input(overrides: Partial<TileFaceInput>): TileFaceInput {
  return {
    camera: mains,
    status: status('c1', 'online'),
    statusesKnown: true,
    stream: { info: null, error: null, requested: true },
    player: 'loading',
    playedHere: false,
    ...overrides,
  };
}
const requested = (info: ReturnType<typeof session>) => ({ info, error: null, requested: true });
const notRequested = { info: null, error: null, requested: false };

describe('a wall tile has a face for every state it can meet', () => {
  it.each([
    [
      'waking',
      input({ stream: requested(session('c1', { state: 'waking' })) }),
      'busy',
      'Waking camera…',
      null,
    ],
    [
      'starting',
      input({ stream: requested(session('c1', { state: 'starting' })) }),
      'busy',
      'Connecting…',
      null,
    ],
    ['asked, no answer yet', input({}), 'busy', 'Connecting…', null],
    [
      'live, first frames on their way',
      input({ stream: requested(session('c1', { state: 'live', url: 'u' })) }),
      'busy',
      'Connecting…',
      null,
    ],
    [
      'live and playing',
      input({ stream: requested(session('c1', { state: 'live', url: 'u' })), player: 'playing' }),
      'none',
      '',
      null,
    ],
    [
      'live, the player reloading',
      input({
        stream: requested(session('c1', { state: 'live', url: 'u' })),
        player: 'reconnecting',
      }),
      'busy',
      'Reconnecting…',
      null,
    ],
    [
      'live, the picture stopped',
      input({ stream: requested(session('c1', { state: 'live', url: 'u' })), player: 'stalled' }),
      'error',
      'The picture stopped.',
      'restart',
    ],
    [
      'reconnecting after a drop',
      input({
        stream: requested(
          session('c1', {
            state: 'reconnecting',
            reconnectAttempt: 2,
            dropped: { reason: 'camera-ended', message: 'm' },
          }),
        ),
      }),
      'busy',
      'Reconnecting (attempt 2)…',
      null,
    ],
    [
      'restarting for edited settings',
      input({ stream: requested(session('c1', { state: 'reconnecting', reconnectAttempt: 1 })) }),
      'busy',
      'Applying the new settings…',
      null,
    ],
    [
      'failed: refused',
      input({
        stream: requested(
          session('c1', { state: 'failed', failure: { reason: 'refused', message: 'm' } }),
        ),
      }),
      'error',
      'Connection refused. Check the address and port, and that RTSP is enabled on the camera.',
      'retry',
    ],
    [
      'failed: wrong password',
      input({
        stream: requested(
          session('c1', { state: 'failed', failure: { reason: 'unauthorized', message: 'm' } }),
        ),
      }),
      'error',
      'Wrong password. The camera refused the username or password saved in Vigil. Enter the right one.',
      'password',
    ],
    [
      'stopped elsewhere (the tray)',
      input({ stream: requested(session('c1', { state: 'ended', endReason: 'stopped' })) }),
      'idle',
      'Stream stopped.',
      'play',
    ],
    [
      'a battery camera’s time is up',
      input({
        camera: battery,
        stream: requested(session('c2', { state: 'ended', endReason: 'timeout' })),
      }),
      'idle',
      'Time is up.',
      'play',
    ],
    [
      'a battery camera not started',
      input({ camera: battery, stream: notRequested }),
      'idle',
      '',
      'play',
    ],
    [
      'statuses not known yet',
      input({ statusesKnown: false, stream: notRequested }),
      'busy',
      'Checking camera…',
      null,
    ],
    [
      'offline',
      input({
        status: status('c1', 'offline', { detail: 'No answer.', fault: 'timed-out', lastSeen: 5 }),
        stream: notRequested,
      }),
      'offline',
      'Offline. No answer. It was working earlier: it may be restarting, or have lost power or its network. Check it, then try again.',
      null,
    ],
    [
      'the status says wrong password',
      input({
        status: status('c1', 'unauthorized', { fault: 'unauthorized' }),
        stream: notRequested,
      }),
      'error',
      'Wrong password. The camera refused the username or password saved in Vigil. Enter the right one.',
      'password',
    ],
    [
      'asking failed',
      input({ stream: { info: null, error: 'No such camera.', requested: true } }),
      'error',
      'No such camera.',
      'retry',
    ],
    [
      'a camera gone from the list',
      input({ camera: undefined }),
      'offline',
      'This camera is no longer in your list.',
      null,
    ],
  ] as const)('%s', (_name, given, kind, text, action) => {
    expect(tileFace(given)).toEqual({ kind, text, action });
  });
});
