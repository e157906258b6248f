import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WallView } from '../../src/renderer/src/wall/WallView';
import { useWallStore } from '../../src/renderer/src/wall/store';
import { KIOSK_CURSOR_IDLE_MS } from '../../src/renderer/src/wall/use-kiosk';
import type { Wall } from '../../src/shared/walls';
import { camera, installStandIn, session, status, type StandIn } from './wall-stand-in';

// The tiles' player is the live window's, proven elsewhere: here hls.js does nothing.
vi.mock('hls.js', () => {
  class FakeHls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'm', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'n', MEDIA_ERROR: 'd' };
    static DefaultConfig = { loader: class {} };
    latency = Number.NaN;
    on(): void {}
    attachMedia(): void {}
    loadSource(): void {}
    destroy(): void {}
  }
  return { default: FakeHls };
});

const OFFLINE_DETAIL = 'No answer from 127.0.0.1:8554.';

function lobby(overrides: Partial<Wall> = {}): Wall {
  return {
    id: 'w1',
    name: 'Lobby',
    layout: '2x2',
    cameraIds: ['c1', 'c2', 'c3', 'c4', 'c5'],
    openAtStart: true,
    ...overrides,
  };
}

let main: StandIn;

beforeAll(() => {
  // The player's frame counter (Chromium's, missing from jsdom): no frames are presented.
  const video = HTMLVideoElement.prototype as unknown as Record<string, unknown>;
  video.requestVideoFrameCallback = () => 1;
  video.cancelVideoFrameCallback = () => undefined;
  video.getVideoPlaybackQuality = () => ({ totalVideoFrames: 0, droppedVideoFrames: 0 });
  HTMLMediaElement.prototype.play = () => Promise.resolve();
});

beforeEach(() => {
  main = installStandIn({
    walls: [lobby()],
    cameras: [
      camera('c1', 'Porch'),
      camera('c2', 'Garage'),
      camera('c3', 'Gate'),
      camera('c4', 'Shed', { battery: true, durationSec: 300 }),
      camera('c5', 'Yard'),
    ],
    statuses: [
      status('c1', 'online'),
      status('c2', 'online'),
      status('c3', 'offline', { detail: OFFLINE_DETAIL, fault: 'unreachable' }),
      status('c4', 'asleep'),
      status('c5', 'online'),
    ],
    snapshots: [],
    updateFails: null,
  });
});

afterEach(() => {
  cleanup();
  // One page per window in the app; here every test is a new window.
  useWallStore.getState().reset();
  vi.useRealTimers();
  document.title = '';
});

/** The wall's tiles, in the page's order. */
function tiles(): HTMLElement[] {
  return screen.getAllByRole('group').filter((g) => g.classList.contains('wall-tile'));
}
const tileNames = () => tiles().map((t) => t.getAttribute('aria-label'));
const tile = (name: string) => screen.getByRole('group', { name });

/** Renders the wall (in StrictMode, as main.tsx does) and waits until the mains cameras started. */
async function renderWall(): Promise<void> {
  render(
    <StrictMode>
      <WallView wallId="w1" />
    </StrictMode>,
  );
  await vi.waitFor(() => expect(main.asked('streams:start')).toHaveLength(2));
  await act(async () => {
    await Promise.resolve();
  });
}

describe('wall window: tiles and streams', () => {
  it('a 2 × 2 wall of 5 cameras shows the first 4, in the wall’s order, and says 4 of 5', async () => {
    await renderWall();
    expect(tileNames()).toEqual(['Porch', 'Garage', 'Gate', 'Shed']);
    expect(screen.getByText('4 of 5 cameras shown')).toBeTruthy();
    expect(document.title).toBe('Lobby');
  });

  it('mains cameras start with no time limit; the offline, the battery and the hidden one do not (once, in StrictMode)', async () => {
    await renderWall();
    expect(main.asked('streams:start')).toEqual([
      ['c1', { durationSec: 0 }],
      ['c2', { durationSec: 0 }],
    ]);
  });

  it('an offline tile says why in words, without a spinner, and starts when its camera is back online', async () => {
    await renderWall();
    const gate = tile('Gate');
    expect(gate.textContent).toContain(`Offline. ${OFFLINE_DETAIL}`);
    expect(gate.textContent).toContain('Check that it is on and on the same network');
    expect(gate.querySelector('.spinner')).toBeNull();
    // A tile that is starting has one: the check above is not blind.
    main.emit('stream:state', session('c1', { state: 'starting' }));
    expect(tile('Porch').querySelector('.spinner')).not.toBeNull();

    main.emit('camera:status', status('c3', 'online', { lastSeen: 2 }));
    await vi.waitFor(() =>
      expect(main.asked('streams:start')).toContainEqual(['c3', { durationSec: 0 }]),
    );
    expect(tile('Gate').textContent).not.toContain('Offline');
  });

  it('a battery tile shows Click to play, starts only when clicked, for its own duration, and counts down', async () => {
    await renderWall();
    const shed = tile('Shed');
    expect(main.asked('streams:start').map(([id]) => id)).not.toContain('c4');
    fireEvent.click(within(shed).getByRole('button', { name: 'Click to play' }));
    await vi.waitFor(() =>
      expect(main.asked('streams:start')).toContainEqual(['c4', { durationSec: 300 }]),
    );
    main.emit(
      'stream:state',
      session('c4', {
        state: 'live',
        url: 'vigil-stream://s-c4/index.m3u8',
        deadline: Date.now() + 125_000,
        timeLimitSec: 300,
      }),
    );
    expect(tile('Shed').textContent).toMatch(/Stops in 2:0[45]/);
    // Time up: the tile offers to play again rather than going blank.
    main.emit('stream:state', session('c4', { state: 'ended', endReason: 'timeout' }));
    expect(tile('Shed').textContent).toContain('Time is up.');
    expect(within(tile('Shed')).getByRole('button', { name: 'Play' })).toBeTruthy();
  });

  it('a failed tile says why and Retry starts it again', async () => {
    await renderWall();
    main.emit(
      'stream:state',
      session('c1', {
        state: 'failed',
        failure: { reason: 'refused', message: 'Connection refused by 127.0.0.1:8554.' },
      }),
    );
    const porch = tile('Porch');
    expect(porch.textContent).toContain('Connection refused.');
    fireEvent.click(within(porch).getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() =>
      expect(main.asked('streams:start').filter(([id]) => id === 'c1')).toHaveLength(2),
    );
  });

  it('a camera that refused the saved password is not started; its tile opens Edit at the password', async () => {
    main.model.statuses[1] = status('c2', 'unauthorized', { fault: 'unauthorized', lastSeen: 3 });
    render(<WallView wallId="w1" />);
    await vi.waitFor(() =>
      expect(main.asked('streams:start')).toEqual([['c1', { durationSec: 0 }]]),
    );
    const garage = tile('Garage');
    expect(garage.textContent).toContain('Wrong password.');
    fireEvent.click(within(garage).getByRole('button', { name: 'Enter password…' }));
    await vi.waitFor(() =>
      expect(main.asked('windows:editCamera')).toEqual([['c2', { focus: 'password' }]]),
    );
    expect(main.asked('streams:start')).toHaveLength(1);
  });

  it('a reconnecting tile names the attempt', async () => {
    await renderWall();
    main.emit(
      'stream:state',
      session('c2', {
        state: 'reconnecting',
        reconnectAttempt: 3,
        dropped: { reason: 'camera-ended', message: 'The camera stopped sending video.' },
      }),
    );
    expect(tile('Garage').textContent).toContain('Reconnecting (attempt 3)…');
  });
});

describe('wall window: enlarge, move, layout', () => {
  it('Enter on a focused tile fills the wall with it, nothing stops; Esc brings the wall back', async () => {
    await renderWall();
    const garage = tile('Garage');
    garage.focus();
    fireEvent.keyDown(garage, { key: 'Enter' });
    expect(garage.classList.contains('wall-tile-enlarged')).toBe(true);
    // Hidden from everyone (so without an accessible name): found by camera.
    for (const other of ['c1', 'c3', 'c4']) {
      const hidden = document.querySelector<HTMLElement>(`[data-camera-id="${other}"]`);
      expect(hidden?.hasAttribute('inert')).toBe(true); // jsdom has the attribute, not the property
      expect(
        screen.queryByRole('group', { name: hidden?.getAttribute('aria-label') ?? '' }),
      ).toBeNull();
      expect(hidden?.getAttribute('aria-hidden')).toBe('true');
    }
    expect(main.asked('streams:stop')).toEqual([]);

    fireEvent.keyDown(garage, { key: 'Escape' });
    expect(garage.classList.contains('wall-tile-enlarged')).toBe(false);
    expect(tiles().some((t) => t.hasAttribute('inert'))).toBe(false);
    expect(tiles()).toHaveLength(4);
    expect(document.activeElement).toBe(garage);
  });

  it('a double-click enlarges a tile, and another brings the wall back', async () => {
    await renderWall();
    const gate = tile('Gate');
    fireEvent.doubleClick(gate);
    expect(gate.classList.contains('wall-tile-enlarged')).toBe(true);
    expect(tiles()).toEqual([gate]); // the others are hidden from everyone meanwhile
    fireEvent.doubleClick(gate);
    expect(gate.classList.contains('wall-tile-enlarged')).toBe(false);
    expect(tiles()).toHaveLength(4);
  });

  it('arrow keys move the focus from tile to tile (Down goes one row)', async () => {
    await renderWall();
    tile('Porch').focus();
    fireEvent.keyDown(tile('Porch'), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(tile('Garage'));
    fireEvent.keyDown(tile('Garage'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(tile('Shed'));
    expect(main.asked('walls:update')).toEqual([]);
  });

  it('Alt+ArrowRight moves the focused tile one place and saves the new order', async () => {
    await renderWall();
    const porch = tile('Porch');
    porch.focus();
    fireEvent.keyDown(porch, { key: 'ArrowRight', altKey: true });
    expect(main.asked('walls:update')).toEqual([
      [
        'w1',
        {
          name: 'Lobby',
          layout: '2x2',
          cameraIds: ['c2', 'c1', 'c3', 'c4', 'c5'],
          openAtStart: true,
        },
      ],
    ]);
    expect(tileNames()).toEqual(['Garage', 'Porch', 'Gate', 'Shed']);
    expect(document.activeElement).toBe(tile('Porch'));
    // Moving is not restarting: no stream was stopped or started again.
    expect(main.asked('streams:stop')).toEqual([]);
    expect(main.asked('streams:start')).toHaveLength(2);
  });

  it('dragging a tile onto another moves it there and saves the order', async () => {
    await renderWall();
    const dataTransfer = { setData: vi.fn(), effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(tile('Shed'), { dataTransfer });
    fireEvent.dragOver(tile('Porch'), { dataTransfer });
    fireEvent.drop(tile('Porch'), { dataTransfer });
    expect(main.asked('walls:update')).toEqual([
      [
        'w1',
        {
          name: 'Lobby',
          layout: '2x2',
          cameraIds: ['c4', 'c1', 'c2', 'c3', 'c5'],
          openAtStart: true,
        },
      ],
    ]);
    expect(tileNames()).toEqual(['Shed', 'Porch', 'Garage', 'Gate']);
  });

  it('choosing a layout saves it with the wall’s name, cameras and start-up choice; a smaller one lets go of the dropped streams', async () => {
    await renderWall();
    const layouts = screen.getByRole('group', { name: 'Layout' });
    expect(
      within(layouts).getByRole('button', { name: '2 × 2' }).getAttribute('aria-pressed'),
    ).toBe('true');
    fireEvent.click(within(layouts).getByRole('button', { name: 'Single' }));
    expect(main.asked('walls:update')).toEqual([
      [
        'w1',
        {
          name: 'Lobby',
          layout: '1',
          cameraIds: ['c1', 'c2', 'c3', 'c4', 'c5'],
          openAtStart: true,
        },
      ],
    ]);
    expect(tileNames()).toEqual(['Porch']);
    // Only what this window started is let go of: Gate and Shed never started.
    await vi.waitFor(() => expect(main.asked('streams:stop')).toEqual([['c2']]));
    expect(
      within(layouts).getByRole('button', { name: 'Single' }).getAttribute('aria-pressed'),
    ).toBe('true');
  });

  it('a bigger layout starts the cameras it brings in', async () => {
    await renderWall();
    fireEvent.click(screen.getByRole('button', { name: '3 × 3' }));
    expect(tileNames()).toEqual(['Porch', 'Garage', 'Gate', 'Shed', 'Yard']);
    await vi.waitFor(() =>
      expect(main.asked('streams:start')).toContainEqual(['c5', { durationSec: 0 }]),
    );
  });

  it('a save main refuses puts the layout back and says why', async () => {
    main.model.updateFails = 'Vigil could not save your walls (ENOSPC).';
    await renderWall();
    fireEvent.click(screen.getByRole('button', { name: '3 × 3' }));
    const region = screen.getByRole('status', { name: 'Notifications' });
    await vi.waitFor(() => expect(region.textContent).toContain('ENOSPC'));
    expect(screen.getByRole('button', { name: '2 × 2' }).getAttribute('aria-pressed')).toBe('true');
    expect(tileNames()).toEqual(['Porch', 'Garage', 'Gate', 'Shed']);
  });
});

describe('wall window: the wall itself', () => {
  it('a wall removed meanwhile says so, lets go of its streams, and offers Close', async () => {
    await renderWall();
    main.emit('walls:changed', []);
    expect(screen.getByText(/This wall is no longer saved/)).toBeTruthy();
    await vi.waitFor(() =>
      expect(
        main
          .asked('streams:stop')
          .map(([id]) => id)
          .sort(),
      ).toEqual(['c1', 'c2']),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(main.asked('windows:close')).toEqual([[]]);
  });

  it('a camera taken off the wall lets go of its stream', async () => {
    await renderWall();
    main.emit('walls:changed', [lobby({ cameraIds: ['c1', 'c3', 'c4', 'c5'] })]);
    expect(tileNames()).toEqual(['Porch', 'Gate', 'Shed', 'Yard']);
    await vi.waitFor(() => expect(main.asked('streams:stop')).toEqual([['c2']]));
  });

  it('K shows the pictures only: no bar, no names; the pointer hides after 3 s still; Esc comes back', async () => {
    await renderWall();
    expect(screen.getByRole('toolbar', { name: 'Wall' })).toBeTruthy();
    vi.useFakeTimers();
    fireEvent.keyDown(window, { key: 'k' });
    expect(screen.queryByRole('toolbar')).toBeNull();
    const page = screen.getByRole('main');
    expect(page.classList.contains('wall-view-kiosk')).toBe(true);
    expect(screen.getByText('Kiosk mode: press Esc to leave.')).toBeTruthy();
    act(() => {
      vi.advanceTimersByTime(KIOSK_CURSOR_IDLE_MS - 100);
    });
    expect(page.classList.contains('wall-view-cursor-hidden')).toBe(false);
    act(() => {
      vi.advanceTimersByTime(200);
    });
    expect(page.classList.contains('wall-view-cursor-hidden')).toBe(true);
    fireEvent.mouseMove(window);
    expect(page.classList.contains('wall-view-cursor-hidden')).toBe(false);

    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.getByRole('toolbar', { name: 'Wall' })).toBeTruthy();
    expect(page.classList.contains('wall-view-kiosk')).toBe(false);
  });
});
