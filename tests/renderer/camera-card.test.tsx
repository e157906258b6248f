import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CameraCard, type CameraCardProps } from '../../src/renderer/src/dashboard/CameraCard';
import { DEFAULT_CAMERA_OPTIONS, type Camera, type CameraStatus } from '../../src/shared/cameras';
import type { StreamInfo } from '../../src/shared/streams';
import { streamInfo } from '../helpers/stream-info';

const NOW = 1_700_000_000_000;

const camera: Camera = {
  id: 'c1',
  name: 'Front door',
  source: { kind: 'rtsp', url: 'rtsp://192.168.1.20:554/s1' },
  options: DEFAULT_CAMERA_OPTIONS,
  username: 'admin',
  hasPassword: true,
  address: 'rtsp://192.168.1.20:554/s1',
  rtspUrl: 'rtsp://admin:****@192.168.1.20:554/s1',
  builtIn: false,
  hasSubStream: false,
};

const status = (state: CameraStatus['state'], detail: string | null = null): CameraStatus => ({
  cameraId: 'c1',
  state,
  lastSeen: null,
  checkedAt: NOW,
  detail,
});

const stream = (overrides: Partial<StreamInfo>): StreamInfo =>
  streamInfo({
    sessionId: 's',
    url: 'vigil-stream://s/index.m3u8',
    startedAt: NOW - 20_000,
    deadline: NOW + 42_000,
    timeLimitSec: 60,
    ...overrides,
  });

function renderCard(props: Partial<CameraCardProps> = {}) {
  const handlers = {
    onStart: vi.fn(),
    onEdit: vi.fn(),
    onRemove: vi.fn(),
    onCopyUrl: vi.fn(),
    onTest: vi.fn(),
  };
  render(
    <CameraCard
      camera={camera}
      status={status('online')}
      snapshot={undefined}
      stream={undefined}
      now={NOW}
      {...handlers}
      {...props}
    />,
  );
  return handlers;
}

describe('CameraCard', () => {
  afterEach(cleanup);

  it('shows name, address without credentials, status, and an enabled Watch', () => {
    const handlers = renderCard();
    expect(screen.getByRole('heading', { name: 'Front door' })).toBeTruthy();
    expect(screen.getByText('rtsp://192.168.1.20:554/s1')).toBeTruthy();
    expect(screen.getByText('Online')).toBeTruthy();
    const start = screen.getByRole('button', { name: 'Watch' });
    fireEvent.click(start);
    expect(handlers.onStart).toHaveBeenCalledWith(camera);
  });

  it('offline: Watch is disabled and the reason is given, on hover and in words', () => {
    const handlers = renderCard({
      status: status('offline', 'The camera refused the connection.'),
    });
    const start = screen.getByRole<HTMLButtonElement>('button', { name: 'Watch' });
    expect(start.disabled).toBe(true);
    fireEvent.click(start);
    expect(handlers.onStart).not.toHaveBeenCalled();
    expect(start.parentElement?.getAttribute('title')).toMatch(
      /refused the connection\. Check that it is on/,
    );
    expect(screen.getByText(/refused the connection\. Check that it is on/)).toBeTruthy();
  });

  it.each([
    ['asleep', 'Asleep'],
    ['checking', 'Checking…'],
  ] as const)('%s: Watch stays enabled (battery cameras wake on start)', (state, label) => {
    renderCard({ status: status(state) });
    expect(screen.getByText(label)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Watch' }).disabled).toBe(false);
  });

  it.each([
    [{ state: 'live' as const }, 'live · 0:42 left'],
    [{ state: 'live' as const, deadline: null, timeLimitSec: null }, 'live'],
    [{ state: 'starting' as const, deadline: null, url: null }, 'connecting…'],
    [{ state: 'waking' as const, deadline: null, url: null }, 'waking camera…'],
  ])('while streaming %j it says "%s" and offers Show window and Stop', (overrides, text) => {
    const handlers = { onStop: vi.fn() };
    renderCard({ stream: stream(overrides), ...handlers });
    expect(screen.getByRole('status').textContent).toBe(text);
    expect(screen.getByRole('button', { name: 'Show window' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Watch' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(handlers.onStop).toHaveBeenCalledWith(camera);
  });

  it.each([
    [{ state: 'live' as const }, 'ready'],
    [{ state: 'starting' as const, url: null }, 'getting ready…'],
    [{ state: 'reconnecting' as const, reconnectAttempt: 2 }, 'reconnecting… (attempt 2)'],
  ])(
    'a kept-ready camera nobody watches (%j) says "%s" and offers Watch, not Show window or Stop',
    (overrides, text) => {
      const handlers = { onStop: vi.fn(), onStart: vi.fn() };
      renderCard({
        stream: stream({ warm: true, viewers: 0, deadline: null, url: null, ...overrides }),
        ...handlers,
      });
      expect(screen.getByRole('status').textContent).toBe(text);
      expect(screen.queryByRole('button', { name: 'Show window' })).toBeNull();
      expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: 'Watch' }));
      expect(handlers.onStart).toHaveBeenCalledWith(camera);
    },
  );

  it('a kept-ready camera with a window open is streaming: Show window and Stop', () => {
    renderCard({ stream: stream({ warm: true, viewers: 1 }), onStop: vi.fn() });
    expect(screen.getByRole('status').textContent).toBe('live · 0:42 left');
    expect(screen.getByRole('button', { name: 'Show window' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
  });

  it('a refused password: its own badge, and Enter password… instead of a Watch that repeats the refusal', () => {
    const handlers = { onEnterPassword: vi.fn() };
    renderCard({
      status: {
        ...status('unauthorized', 'The camera refused the username or password.'),
        lastSeen: NOW,
        fault: 'unauthorized',
      },
      ...handlers,
    });
    expect(screen.getByText('Wrong password')).toBeTruthy();
    expect(screen.queryByText('Online')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Watch' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Enter password…' }));
    expect(handlers.onEnterPassword).toHaveBeenCalledWith(camera);
  });

  it('offline: Check now asks again, and says so until the answer comes', async () => {
    let answer: () => void = () => undefined;
    const onCheck = vi.fn(() => new Promise<void>((resolve) => (answer = resolve)));
    renderCard({ status: status('offline', 'No answer from the camera.'), onCheck });
    fireEvent.click(screen.getByRole('button', { name: 'Check now' }));
    expect(onCheck).toHaveBeenCalledWith(camera);
    const busy = screen.getByRole<HTMLButtonElement>('button', { name: 'Checking…' });
    expect(busy.disabled).toBe(true);
    answer();
    expect(await screen.findByRole('button', { name: 'Check now' })).toBeTruthy();
  });

  it('the advice for a refused connection matches the live window’s: setup advice only for a camera never seen', () => {
    renderCard({
      status: { ...status('offline', 'The camera refused the connection.'), fault: 'refused' },
    });
    expect(screen.getByText(/RTSP is enabled/)).toBeTruthy();
    cleanup();
    renderCard({
      status: {
        ...status('offline', 'The camera refused the connection.'),
        fault: 'refused',
        lastSeen: NOW - 60_000,
      },
    });
    expect(screen.queryByText(/RTSP is enabled/)).toBeNull();
    expect(screen.getByText(/It was working earlier/)).toBeTruthy();
  });

  it('shows the snapshot with its age, or why there is none', () => {
    renderCard({
      snapshot: {
        cameraId: 'c1',
        dataUrl: 'data:image/jpeg;base64,AAAA',
        takenAt: NOW - 3 * 60_000,
      },
    });
    expect(screen.getByRole('img', { name: 'Last picture from Front door' })).toBeTruthy();
    expect(screen.getByText('3 min ago')).toBeTruthy();
    cleanup();
    renderCard({ snapshotError: 'The camera refused the username or password.' });
    expect(
      screen.getByText(/No picture: The camera refused the username or password\./),
    ).toBeTruthy();
  });

  it('remove asks for confirmation first; Cancel keeps the camera', () => {
    const handlers = renderCard();
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Remove…' }));
    expect(handlers.onRemove).not.toHaveBeenCalled();
    const confirm = screen.getByRole('alertdialog', { name: 'Remove Front door?' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(confirm.isConnected).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Remove…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(handlers.onRemove).toHaveBeenCalledWith(camera);
  });

  it('the menu copies the URL without credentials, and with the password only after confirming; the built-in demo has no menu', () => {
    const handlers = renderCard();
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Copy RTSP URL' }));
    expect(handlers.onCopyUrl).toHaveBeenLastCalledWith(camera, false);
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Copy with password…' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Copy the password of Front door?' });
    expect(handlers.onCopyUrl).toHaveBeenCalledTimes(1);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(handlers.onCopyUrl).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Copy with password…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy with password' }));
    expect(handlers.onCopyUrl).toHaveBeenLastCalledWith(camera, true);
    expect(handlers.onCopyUrl).toHaveBeenCalledTimes(2);
    cleanup();
    // Without a password there is nothing to confirm: no "Copy with password…".
    renderCard({ camera: { ...camera, hasPassword: false } });
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    expect(screen.queryByRole('menuitem', { name: 'Copy with password…' })).toBeNull();
    cleanup();
    renderCard({ camera: { ...camera, id: 'demo', builtIn: true, rtspUrl: null } });
    expect(screen.queryByRole('button', { name: 'More' })).toBeNull();
  });
});
