import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PTZ_HEARTBEAT_MS, type PtzPreset, type PtzVelocity } from '../../src/shared/ptz';
import { PtzPad } from '../../src/renderer/src/live/PtzPad';

/** What the pad asked main, in order. */
let calls: string[];
let supported: boolean;
let presets: PtzPreset[];

const v = (velocity: PtzVelocity) => `move ${velocity.x},${velocity.y},${velocity.zoom}`;

beforeEach(() => {
  vi.useFakeTimers();
  calls = [];
  supported = true;
  presets = [{ token: 'preset-1', name: 'Gate' }];
  const ptz = {
    capabilities: () => Promise.resolve({ supported }),
    presets: () => Promise.resolve(presets),
    move: (_id: string, velocity: PtzVelocity) => Promise.resolve(void calls.push(v(velocity))),
    stop: () => Promise.resolve(void calls.push('stop')),
    gotoPreset: (_id: string, token: string) => Promise.resolve(void calls.push(`goto ${token}`)),
    savePreset: (_id: string, name: string) => {
      calls.push(`save ${name}`);
      return Promise.resolve({ token: 'preset-9', name });
    },
  };
  Object.defineProperty(window, 'vigil', { value: { ptz }, configurable: true });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Renders the pad and lets its capability and preset answers arrive. */
async function renderPad(): Promise<void> {
  render(<PtzPad cameraId="cam" />);
  await act(async () => {
    await vi.advanceTimersByTimeAsync(0);
  });
}

describe('PtzPad', () => {
  it('a camera without PTZ gets no controls, and arrow keys move nothing', async () => {
    supported = false;
    await renderPad();
    expect(screen.queryByRole('region', { name: 'Pan, tilt and zoom' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pan left' })).toBeNull();
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    fireEvent.keyUp(window, { key: 'ArrowLeft' });
    expect(calls).toEqual([]);
  });

  it('a pad button held: the move at once, repeated while held, Stop on release', async () => {
    await renderPad();
    const left = screen.getByRole('button', { name: 'Pan left' });
    fireEvent.pointerDown(left, { button: 0, pointerId: 1 });
    expect(calls).toEqual(['move -0.5,0,0']);
    act(() => {
      vi.advanceTimersByTime(PTZ_HEARTBEAT_MS * 3);
    });
    expect(calls).toEqual(Array(4).fill('move -0.5,0,0'));
    fireEvent.pointerUp(left, { button: 0, pointerId: 1 });
    expect(calls.at(-1)).toBe('stop');
    act(() => {
      vi.advanceTimersByTime(PTZ_HEARTBEAT_MS * 3);
    });
    expect(calls.filter((c) => c === 'stop')).toHaveLength(1);
    expect(calls).toHaveLength(5);
  });

  it('zoom buttons, and a cancelled pointer (the OS took it) stops too', async () => {
    await renderPad();
    const zoomIn = screen.getByRole('button', { name: 'Zoom in' });
    fireEvent.pointerDown(zoomIn, { button: 0, pointerId: 2 });
    fireEvent.pointerCancel(zoomIn, { pointerId: 2 });
    const zoomOut = screen.getByRole('button', { name: 'Zoom out' });
    fireEvent.pointerDown(zoomOut, { button: 0, pointerId: 3 });
    fireEvent.pointerUp(zoomOut, { pointerId: 3 });
    expect(calls).toEqual(['move 0,0,0.5', 'stop', 'move 0,0,-0.5', 'stop']);
  });

  it('arrow keys held move (auto-repeat adds nothing), two at once go diagonally, release stops', async () => {
    await renderPad();
    fireEvent.keyDown(window, { key: 'ArrowUp' });
    fireEvent.keyDown(window, { key: 'ArrowUp', repeat: true });
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    expect(calls).toEqual(['move 0,0.5,0', 'move -0.5,0.5,0']);
    fireEvent.keyUp(window, { key: 'ArrowUp' });
    expect(calls.at(-1)).toBe('move -0.5,0,0');
    fireEvent.keyUp(window, { key: 'ArrowLeft' });
    expect(calls.at(-1)).toBe('stop');
  });

  it('the window losing focus while a key is held stops the camera', async () => {
    await renderPad();
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    fireEvent.blur(window);
    expect(calls).toEqual(['move 0.5,0,0', 'stop']);
    act(() => {
      vi.advanceTimersByTime(PTZ_HEARTBEAT_MS * 3);
    });
    expect(calls).toHaveLength(2);
  });

  it('leaving the window (unmount) while a button is held stops the camera', async () => {
    await renderPad();
    fireEvent.pointerDown(screen.getByRole('button', { name: 'Tilt down' }), { button: 0 });
    cleanup();
    expect(calls).toEqual(['move 0,-0.5,0', 'stop']);
  });

  it('presets: Go sends the token; Save… names a new one, which joins the list; keys in the name field stay there', async () => {
    await renderPad();
    fireEvent.click(screen.getByText('Presets'));
    fireEvent.click(screen.getByRole('button', { name: 'Go to Gate' }));
    expect(calls).toEqual(['goto preset-1']);
    fireEvent.click(screen.getByRole('button', { name: 'Save…' }));
    const field = screen.getByRole('textbox', { name: 'Preset name' });
    fireEvent.keyDown(field, { key: 'ArrowLeft' });
    fireEvent.keyDown(field, { key: '-' });
    fireEvent.change(field, { target: { value: '  Porch  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(calls).toEqual(['goto preset-1', 'save Porch']);
    expect(screen.getByRole('button', { name: 'Go to Porch' })).toBeTruthy();
  });
});
