import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CameraCard } from '../../src/renderer/src/dashboard/CameraCard';
import { DEFAULT_CAMERA_OPTIONS, type Camera } from '../../src/shared/cameras';

const camera = (id: string, name: string): Camera => ({
  id,
  name,
  source: { kind: 'rtsp', url: `rtsp://192.168.1.${id}:554/s1` },
  options: DEFAULT_CAMERA_OPTIONS,
  username: null,
  hasPassword: false,
  address: `rtsp://192.168.1.${id}:554/s1`,
  rtspUrl: `rtsp://192.168.1.${id}:554/s1`,
  builtIn: false,
  hasSubStream: false,
});

function renderCards(...cameras: Camera[]) {
  const handlers = {
    onStart: vi.fn(),
    onEdit: vi.fn(),
    onRemove: vi.fn(),
    onCopyUrl: vi.fn(),
    onTest: vi.fn(),
  };
  render(
    <>
      {cameras.map((c) => (
        <CameraCard
          key={c.id}
          camera={c}
          status={undefined}
          snapshot={undefined}
          stream={undefined}
          now={0}
          {...handlers}
        />
      ))}
      <button>Elsewhere</button>
    </>,
  );
  return handlers;
}

const card = (name: string) => within(screen.getByRole('article', { name }));
const more = (name = 'Front door') => card(name).getByRole('button', { name: 'More' });
const active = () => document.activeElement;
const press = (key: string) => fireEvent.keyDown(active() as Element, { key });
const items = () => screen.getAllByRole('menuitem').map((i) => i.textContent);

describe('the card’s More menu (WAI-ARIA menu button)', () => {
  afterEach(cleanup);

  it('ArrowDown on More opens it on the first item; the button says it is expanded', () => {
    renderCards(camera('1', 'Front door'));
    more().focus();
    expect(more().getAttribute('aria-expanded')).toBe('false');
    press('ArrowDown');
    expect(more().getAttribute('aria-expanded')).toBe('true');
    const menu = screen.getByRole('menu', { name: 'More' });
    expect(more().getAttribute('aria-controls')).toBe(menu.id);
    expect(items()).toEqual(['Edit', 'Test connection', 'Copy RTSP URL', 'Remove…']);
    expect(active()?.textContent).toBe('Edit');
    // Items are reached with arrows, not Tab.
    expect(screen.getAllByRole('menuitem').every((i) => i.tabIndex === -1)).toBe(true);
  });

  it('ArrowUp on More opens it on the last item', () => {
    renderCards(camera('1', 'Front door'));
    more().focus();
    press('ArrowUp');
    expect(active()?.textContent).toBe('Remove…');
  });

  it('Up and Down wrap, Home and End go to the ends, a letter jumps to its item', () => {
    renderCards(camera('1', 'Front door'));
    fireEvent.click(more());
    expect(active()?.textContent).toBe('Edit');
    press('ArrowUp');
    expect(active()?.textContent).toBe('Remove…');
    press('ArrowDown');
    expect(active()?.textContent).toBe('Edit');
    press('End');
    expect(active()?.textContent).toBe('Remove…');
    press('Home');
    expect(active()?.textContent).toBe('Edit');
    press('c');
    expect(active()?.textContent).toBe('Copy RTSP URL');
  });

  it('Escape closes it and focus goes back to More', () => {
    renderCards(camera('1', 'Front door'));
    fireEvent.click(more());
    press('ArrowDown');
    press('Escape');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(active()).toBe(more());
  });

  it('a click outside closes it; so does focus moving elsewhere', () => {
    renderCards(camera('1', 'Front door'));
    fireEvent.click(more());
    fireEvent.pointerDown(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.click(more());
    const elsewhere = screen.getByRole('button', { name: 'Elsewhere' });
    fireEvent.blur(active() as Element, { relatedTarget: elsewhere });
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('a click inside does not close it', () => {
    renderCards(camera('1', 'Front door'));
    fireEvent.click(more());
    fireEvent.pointerDown(screen.getByRole('menuitem', { name: 'Test connection' }));
    expect(screen.getByRole('menu')).toBeTruthy();
  });

  it('one menu is open at a time, opened by click or from the keyboard', () => {
    renderCards(camera('1', 'Front door'), camera('2', 'Back yard'));
    fireEvent.click(more('Front door'));
    fireEvent.click(more('Back yard'));
    expect(screen.getAllByRole('menu')).toHaveLength(1);
    expect(more('Front door').getAttribute('aria-expanded')).toBe('false');
    expect(more('Back yard').getAttribute('aria-expanded')).toBe('true');
    // And from the keyboard: focus goes to the first card's More, ArrowDown opens its menu.
    more('Front door').focus();
    press('ArrowDown');
    expect(screen.getAllByRole('menu')).toHaveLength(1);
    expect(more('Back yard').getAttribute('aria-expanded')).toBe('false');
  });

  it('choosing an item closes the menu, does it, and leaves focus on More', () => {
    const handlers = renderCards(camera('1', 'Front door'));
    fireEvent.click(more());
    press('ArrowDown');
    fireEvent.click(active() as Element);
    expect(handlers.onTest).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('menu')).toBeNull();
    expect(active()).toBe(more());
  });

  it('the remove confirmation takes focus on Cancel; Escape cancels and focus returns to More', () => {
    const handlers = renderCards(camera('1', 'Front door'));
    fireEvent.click(more());
    press('End');
    fireEvent.click(active() as Element);
    const confirm = screen.getByRole('alertdialog', { name: 'Remove Front door?' });
    expect(active()).toBe(within(confirm).getByRole('button', { name: 'Cancel' }));
    press('Escape');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(handlers.onRemove).not.toHaveBeenCalled();
    expect(active()).toBe(more());
  });
});
