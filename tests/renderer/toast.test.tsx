// The dashboard's toasts (src/renderer/src/common/Toast.tsx): success goes by itself after a
// fade, an error stays until dismissed, an action button runs once and dismisses, and the
// region is a polite live region that is always in the page.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  SUCCESS_TOAST_MS,
  TOAST_FADE_MS,
  ToastRegion,
  useToasts,
  type ToastSpec,
} from '../../src/renderer/src/common/Toast';

let show: (toast: ToastSpec) => number = () => 0;
function Host() {
  const toasts = useToasts();
  show = toasts.show;
  return <ToastRegion toasts={toasts.toasts} onDismiss={toasts.dismiss} />;
}

describe('Toast', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });
  const region = () => screen.getByRole('status', { name: 'Notifications' });

  it('the region is polite and present before any toast', () => {
    render(<Host />);
    expect(region().getAttribute('aria-live')).toBe('polite');
    expect(region().textContent).toBe('');
  });

  it('a success toast fades, then goes by itself', () => {
    render(<Host />);
    act(() => void show({ kind: 'ok', text: 'Driveway added.' }));
    expect(region().textContent).toContain('Driveway added.');
    act(() => {
      vi.advanceTimersByTime(SUCCESS_TOAST_MS - TOAST_FADE_MS - 1);
    });
    expect(region().querySelector('.toast-fading')).toBeNull();
    act(() => {
      vi.advanceTimersByTime(2);
    });
    expect(region().querySelector('.toast-fading')).not.toBeNull();
    act(() => {
      vi.advanceTimersByTime(TOAST_FADE_MS);
    });
    expect(region().textContent).toBe('');
  });

  it('its time stops while the pointer is on it', () => {
    render(<Host />);
    act(() => void show({ kind: 'ok', text: 'Copied.' }));
    fireEvent.pointerEnter(screen.getByText('Copied.').parentElement as HTMLElement);
    act(() => {
      vi.advanceTimersByTime(SUCCESS_TOAST_MS * 3);
    });
    expect(region().textContent).toContain('Copied.');
  });

  it('an error stays until dismissed', () => {
    render(<Host />);
    act(() => void show({ kind: 'error', text: 'Could not remove.' }));
    act(() => {
      vi.advanceTimersByTime(SUCCESS_TOAST_MS * 10);
    });
    expect(region().textContent).toContain('Could not remove.');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(region().textContent).toBe('');
  });

  it('an action runs once and dismisses its toast; its duration is its own', () => {
    render(<Host />);
    const undo = vi.fn();
    act(
      () =>
        void show({
          kind: 'ok',
          text: 'Gate removed.',
          durationMs: 8_000,
          action: { label: 'Undo', onAction: undo },
        }),
    );
    act(() => {
      vi.advanceTimersByTime(SUCCESS_TOAST_MS + 100);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(undo).toHaveBeenCalledTimes(1);
    expect(region().textContent).toBe('');
  });
});
