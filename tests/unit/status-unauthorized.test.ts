import { describe, expect, it } from 'vitest';
import type { CameraStatus } from '../../src/shared/cameras';
import { CameraStatusMonitor } from '../../src/main/services/cameras/status-monitor';

// The status check asks without credentials, so a 401 there proves only that the camera is up;
// what a stream or a snapshot learns about the saved password is the camera's status too.
function monitor() {
  const emitted: CameraStatus[] = [];
  const target = { id: 'cam', battery: false, probeUrl: 'rtsp://10.0.0.2/s' };
  const m = new CameraStatusMonitor({
    targets: () => [target],
    probe: () => Promise.resolve({ ok: true }),
    emit: (status) => emitted.push(status),
    now: () => 1_000,
  });
  return { m, emitted };
}

describe('a camera that refuses its saved password', () => {
  it('is "unauthorized", not "online", and stays so through later checks', async () => {
    const { m, emitted } = monitor();
    await m.checkNow('cam');
    expect(m.get('cam')?.state).toBe('online');
    m.noteRefused('cam', 'The camera refused the username or password.');
    expect(m.get('cam')).toMatchObject({ state: 'unauthorized', fault: 'unauthorized' });
    expect(emitted.at(-1)?.state).toBe('unauthorized');
    await m.checkNow('cam');
    expect(m.get('cam')?.state).toBe('unauthorized');
  });

  it('is online again once the credentials work, or once the camera is edited', async () => {
    const { m } = monitor();
    await m.checkNow('cam');
    m.noteRefused('cam', 'refused');
    m.noteAccepted('cam');
    expect(m.get('cam')?.state).toBe('online');

    m.noteRefused('cam', 'refused');
    m.credentialsChanged('cam');
    await m.checkNow('cam');
    expect(m.get('cam')?.state).toBe('online');
  });

  it('a camera that is not in the list is not given a status', () => {
    const { m, emitted } = monitor();
    m.noteRefused('gone', 'refused');
    expect(m.get('gone')).toBeUndefined();
    expect(emitted).toEqual([]);
  });
});
