import type { KeyboardEvent } from 'react';
import { layoutLabel, WALL_LAYOUTS, type WallLayout } from '../../../shared/walls';

export interface WallToolbarProps {
  name: string;
  layout: WallLayout;
  /** How many of the wall's cameras the layout shows, and how many it has. */
  shown: number;
  total: number;
  fullscreen: boolean;
  onLayout: (layout: WallLayout) => void;
  onFullscreen: () => void;
  onKiosk: () => void;
}

/**
 * Arrow keys move between the toolbar's buttons (the toolbar pattern); Tab still reaches each
 * one, so nobody has to know the pattern to use it.
 */
function moveFocus(event: KeyboardEvent<HTMLDivElement>): void {
  const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
  if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')].filter(
    (b) => !b.disabled,
  );
  const at = buttons.indexOf(event.target as HTMLButtonElement);
  if (at < 0) return;
  event.preventDefault();
  const last = buttons.length - 1;
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? last
        : event.key === 'ArrowLeft'
          ? (at + last) % buttons.length
          : (at + 1) % buttons.length;
  buttons[next]?.focus();
}

/** The wall window's thin top bar: its name, the layout picker, Fullscreen and Kiosk. */
export function WallToolbar(props: WallToolbarProps) {
  return (
    <header className="wall-view-bar">
      <h1 className="wall-view-title" title={props.name}>
        {props.name}
      </h1>
      {props.shown < props.total ? (
        <span className="wall-view-count" title="Choose a bigger layout to see them all">
          {props.shown} of {props.total} cameras shown
        </span>
      ) : null}
      <div className="wall-view-tools" role="toolbar" aria-label="Wall" onKeyDown={moveFocus}>
        <div className="wall-view-layouts" role="group" aria-label="Layout">
          {WALL_LAYOUTS.map((layout) => (
            <button
              key={layout}
              type="button"
              aria-pressed={layout === props.layout}
              onClick={() => props.onLayout(layout)}
            >
              {layoutLabel(layout)}
            </button>
          ))}
        </div>
        <button
          type="button"
          aria-pressed={props.fullscreen}
          onClick={props.onFullscreen}
          title="Fullscreen (F)"
        >
          Fullscreen
        </button>
        <button type="button" onClick={props.onKiosk} title="Kiosk: pictures only (K); Esc leaves">
          Kiosk
        </button>
      </div>
    </header>
  );
}
