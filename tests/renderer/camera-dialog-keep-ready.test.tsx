import './dialog-stand-in';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createVigilApi } from '../../src/preload/api';
import { CameraDialog } from '../../src/renderer/src/dashboard/CameraDialog';
import { KEEP_READY_COST } from '../../src/renderer/src/dashboard/keep-ready';
import { DEFAULT_CAMERA_OPTIONS, type Camera, type CameraInput } from '../../src/shared/cameras';
import type { InvokeChannel } from '../../src/shared/ipc-contract';

const hall: Camera = {
  id: 'c1',
  name: 'Hall',
  source: { kind: 'rtsp', url: 'rtsp://192.168.1.30:554/stream1' },
  options: DEFAULT_CAMERA_OPTIONS,
  username: null,
  hasPassword: false,
  address: 'rtsp://192.168.1.30:554/stream1',
  rtspUrl: 'rtsp://192.168.1.30:554/stream1',
  builtIn: false,
  hasSubStream: false,
};

/** Main, answering every call at once; the updates it was asked for. */
function installMain(): CameraInput[] {
  const updates: CameraInput[] = [];
  window.vigil = createVigilApi({
    invoke: (channel: InvokeChannel, args: unknown[]) => {
      if (channel === 'cameras:update') {
        const input = args[1] as CameraInput;
        updates.push(input);
        return Promise.resolve({ ok: true, value: { ...hall, options: input.options } });
      }
      return Promise.resolve({ ok: true, value: null });
    },
    subscribe: () => () => undefined,
  });
  return updates;
}

const keepReady = () => screen.getByRole<HTMLInputElement>('checkbox', { name: 'Keep ready' });
const battery = () =>
  screen.getByRole<HTMLInputElement>('checkbox', { name: 'Battery camera (wait for it to wake)' });

describe('the camera dialog’s Keep ready', () => {
  afterEach(cleanup);

  it('is off by default, says what it costs, and saving with it on sends keepReady', async () => {
    const updates = installMain();
    render(<CameraDialog camera={hall} onClose={() => undefined} />);
    expect(keepReady().checked).toBe(false);
    expect(keepReady().disabled).toBe(false);
    const note = document.getElementById(keepReady().getAttribute('aria-describedby') ?? '');
    expect(note?.textContent).toContain(KEEP_READY_COST);
    fireEvent.click(keepReady());
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]?.options).toMatchObject({ keepReady: true, battery: false });
  });

  it('a battery camera cannot be kept ready: ticking Battery turns it off and disables it, saying why', async () => {
    const updates = installMain();
    render(
      <CameraDialog
        camera={{ ...hall, options: { ...DEFAULT_CAMERA_OPTIONS, keepReady: true } }}
        onClose={() => undefined}
      />,
    );
    expect(keepReady().checked).toBe(true);
    fireEvent.click(battery());
    expect(keepReady().checked).toBe(false);
    expect(keepReady().disabled).toBe(true);
    const note = document.getElementById(keepReady().getAttribute('aria-describedby') ?? '');
    expect(note?.textContent).toMatch(/battery/i);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]?.options).toMatchObject({ keepReady: false, battery: true });
  });
});
