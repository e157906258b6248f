import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVigilApi } from '../../src/preload/api';
import { RecordingBadge } from '../../src/renderer/src/common/RecordingBadge';
import { RecordControl } from '../../src/renderer/src/live/RecordControl';
import type { EventChannel, InvokeChannel, IpcEnvelope } from '../../src/shared/ipc-contract';
import type { RecordingInfo } from '../../src/shared/recordings';

/** What the control asked main, in order, and what main answers next. */
let calls: Array<[InvokeChannel, unknown[]]>;
let answer: (channel: InvokeChannel) => IpcEnvelope<unknown>;
const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

function emit(info: RecordingInfo): void {
  act(() => {
    for (const listener of listeners.get('recording:state') ?? []) listener(info);
  });
}

const base: RecordingInfo = {
  cameraId: 'c1',
  state: 'recording',
  path: '/home/u/Videos/Front door 2025-01-02 10-11-12.mp4',
  files: ['/home/u/Videos/Front door 2025-01-02 10-11-12.mp4'],
  startedAt: 0,
  durationSec: 0,
  bytes: 0,
  keepAfterCountdown: false,
  error: null,
};

beforeAll(() => {
  // One page, one api (the recording store subscribes once per page, as in the app).
  window.vigil = createVigilApi({
    invoke: (channel, args) => {
      calls.push([channel, args]);
      return Promise.resolve(answer(channel));
    },
    subscribe: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  });
});

beforeEach(() => {
  calls = [];
  answer = (channel) =>
    channel === 'recording:folder' || channel === 'recording:chooseFolder'
      ? { ok: true, value: { path: '/home/u/Videos', isDefault: true } }
      : channel === 'recording:list'
        ? { ok: true, value: [] }
        : { ok: true, value: base };
});
afterEach(() => {
  // Whatever a test started, main says it ended: the next test starts with nothing recording.
  emit({ ...base, state: 'ended' });
  cleanup();
});

const asked = (channel: InvokeChannel) => calls.filter(([c]) => c === channel).map(([, a]) => a);

describe('RecordControl (live window)', () => {
  it('Record is off until the stream is live; then it asks main to record, keeping the countdown', async () => {
    const { rerender } = render(<RecordControl cameraId="c1" live={false} />);
    const button = screen.getByRole('button', { name: 'Record' });
    expect(button).toHaveProperty('disabled', true);
    rerender(<RecordControl cameraId="c1" live />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Record' }));
      await Promise.resolve();
    });
    expect(asked('recording:start')).toEqual([['c1', { keepAfterCountdown: false }]]);
  });

  it('with "Keep recording after the countdown" ticked, main is told so', async () => {
    render(<RecordControl cameraId="c1" live />);
    fireEvent.click(screen.getByLabelText('Keep recording after the countdown'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Record' }));
      await Promise.resolve();
    });
    expect(asked('recording:start')).toEqual([['c1', { keepAfterCountdown: true }]]);
  });

  it('shows the length and size main reports, and R stops it', async () => {
    render(<RecordControl cameraId="c1" live />);
    emit({ ...base, durationSec: 72.4, bytes: 2_345_678 });
    expect(screen.getByRole('status', { name: 'Recording length and size' }).textContent).toBe(
      '1:12 · 2.3 MB',
    );
    expect(screen.getByRole('button', { name: 'Stop recording' })).toBeTruthy();
    await act(async () => {
      fireEvent.keyDown(window, { key: 'r' });
      await Promise.resolve();
    });
    expect(asked('recording:stop')).toEqual([['c1']]);
    expect(asked('recording:start')).toEqual([]);
  });

  it('R starts a recording while live, and does nothing in a text field or with Ctrl', async () => {
    render(
      <>
        <input aria-label="elsewhere" />
        <RecordControl cameraId="c1" live />
      </>,
    );
    fireEvent.keyDown(screen.getByLabelText('elsewhere'), { key: 'r' });
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true });
    expect(asked('recording:start')).toEqual([]);
    await act(async () => {
      fireEvent.keyDown(window, { key: 'R' });
      await Promise.resolve();
    });
    expect(asked('recording:start')).toHaveLength(1);
  });

  it('says where the file went when it ends, and why when it failed (as an alert)', () => {
    render(<RecordControl cameraId="c1" live />);
    emit({ ...base, durationSec: 10.2, bytes: 1_900_000 });
    emit({ ...base, state: 'ended', durationSec: 10.2 });
    expect(screen.getByRole('status').textContent).toBe(
      'Recorded 0:10 to Front door 2025-01-02 10-11-12.mp4',
    );
    emit({ ...base, state: 'failed', error: 'The disk holding /mnt is full.' });
    expect(screen.getByRole('alert').textContent).toBe('The disk holding /mnt is full.');
    expect(screen.getByRole('button', { name: 'Record' })).toBeTruthy();
  });

  it("shows main's refusal to start (an unwritable folder) as an alert", async () => {
    answer = (channel) =>
      channel === 'recording:start'
        ? {
            ok: false,
            error: { code: 'recording-folder-unwritable', message: 'Vigil may not write to /ro.' },
          }
        : {
            ok: true,
            value: channel === 'recording:list' ? [] : { path: '/ro', isDefault: false },
          };
    render(<RecordControl cameraId="c1" live />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Record' }));
      await Promise.resolve();
    });
    expect(screen.getByRole('alert').textContent).toBe('Vigil may not write to /ro.');
  });

  it('"Choose folder…" asks main (its dialog) and shows where recordings go', async () => {
    render(<RecordControl cameraId="c1" live />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
      await Promise.resolve();
    });
    expect(asked('recording:chooseFolder')).toEqual([[]]);
    expect(screen.getByRole('button', { name: 'Choose folder…' }).title).toBe(
      'Recordings go to /home/u/Videos',
    );
  });
});

describe('RecordingBadge (dashboard card)', () => {
  it('shows "Recording" only for the camera main records, and goes when it ends', () => {
    render(
      <>
        <div data-testid="c1">
          <RecordingBadge cameraId="c1" />
        </div>
        <div data-testid="c2">
          <RecordingBadge cameraId="c2" />
        </div>
      </>,
    );
    expect(screen.queryByText('Recording')).toBeNull();
    emit(base);
    expect(screen.getByTestId('c1').textContent).toBe('Recording');
    expect(screen.getByTestId('c2').textContent).toBe('');
    emit({ ...base, state: 'ended' });
    expect(screen.queryByText('Recording')).toBeNull();
  });
});
