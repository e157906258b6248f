import { describe, expect, it } from 'vitest';
import { classifyExit, type ExitFacts } from '../../src/main/services/streaming/failure';

const base: ExitFacts = {
  code: 1,
  signal: null,
  stderr: '',
  wasLive: false,
  elapsedMs: 60,
  socketTimeoutMs: 3000,
};

describe('classifyExit', () => {
  it.each([
    ['[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized', 'unauthorized'],
    ['http://cam/snap: Server returned 403 Forbidden (access denied)', 'unauthorized'],
    ['[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found', 'not-found'],
    ['rtsp://127.0.0.1:1/cam: Connection refused', 'refused'],
    ['rtsp://cam.local/x: Connection timed out', 'timed-out'],
    ['rtsp://nowhere.invalid/x: Name or service not known', 'unreachable'],
    ['rtsp://10.0.0.9/x: No route to host', 'unreachable'],
    ['[rtsp @ 0x1] method SETUP failed: 461 Unsupported transport', 'unsupported'],
  ])('%s → %s', (stderr, reason) => {
    expect(classifyExit({ ...base, stderr }).reason).toBe(reason);
  });

  it('does not read a bitrate of 401 kb/s as a 401', () => {
    const stderr = 'Stream #0:0: Video: h264 (High), yuv420p, 1280x720, 401 kb/s, 25 fps';
    expect(classifyExit({ ...base, stderr, code: 1 }).reason).toBe('crashed');
  });

  it('treats "Invalid data" right at the socket timeout as a silent server (timed out)', () => {
    const stderr = 'rtsp://127.0.0.1:5/cam: Invalid data found when processing input';
    expect(classifyExit({ ...base, stderr, elapsedMs: 3100 }).reason).toBe('timed-out');
    expect(classifyExit({ ...base, stderr, elapsedMs: 200 }).reason).toBe('unsupported');
  });

  it('calls a timeout after the picture came a stall, not a camera that never answered', () => {
    const stderr = 'rtsp://cam/x: Connection timed out';
    expect(classifyExit({ ...base, stderr, wasLive: true }).reason).toBe('stalled');
    expect(classifyExit({ ...base, stderr, wasLive: false }).reason).toBe('timed-out');
  });

  it('treats a silent exit 0 while live as the camera ending the stream', () => {
    expect(classifyExit({ ...base, code: 0, wasLive: true }).reason).toBe('camera-ended');
  });

  it('reports an unknown crash with how ffmpeg ended', () => {
    const failure = classifyExit({ ...base, code: null, signal: 'SIGSEGV' });
    expect(failure.reason).toBe('crashed');
    expect(failure.message).toContain('SIGSEGV');
  });

  it('gives every reason a message that says what to do', () => {
    const failure = classifyExit({ ...base, stderr: '401 Unauthorized' });
    expect(failure.message).toMatch(/Check the credentials/);
  });
});
