import { useId, useRef, useState } from 'react';
import type { Camera } from '../../../shared/cameras';
import { layoutLabel, type Wall } from '../../../shared/walls';
import { Confirmation } from '../common/Confirmation';
import { MenuButton } from '../common/MenuButton';
import { wallSummary } from './wall-form';

export const NEW_WALL_LABEL = 'New wall…';

/** One saved wall: what it shows, Open, and Edit/Remove in its More menu. */
function WallRow({
  wall,
  cameras,
  onOpen,
  onEdit,
  onRemove,
}: {
  wall: Wall;
  cameras: ReadonlyArray<Camera>;
  onOpen: (wall: Wall) => void;
  onEdit: (wall: Wall) => void;
  onRemove: (wall: Wall) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);
  const summary = wallSummary(wall, cameras);
  return (
    <li className="wall-row" aria-label={wall.name} data-wall-id={wall.id}>
      <div className="wall-row-main">
        <div className="wall-info">
          <h3 title={wall.name}>{wall.name}</h3>
          <p className="wall-meta" title={summary}>
            {layoutLabel(wall.layout)} · {summary}
            {wall.openAtStart ? ' · opens when Vigil starts' : ''}
          </p>
        </div>
        <button className="primary" onClick={() => onOpen(wall)}>
          Open
        </button>
        <MenuButton
          label="More"
          buttonRef={moreRef}
          items={[
            { label: 'Edit…', onSelect: () => onEdit(wall) },
            { label: 'Remove…', danger: true, onSelect: () => setConfirming(true) },
          ]}
        />
      </div>
      {wall.cameraIds.length === 0 ? (
        <p className="hint">Its cameras were removed from Vigil: choose others with Edit….</p>
      ) : null}
      {confirming ? (
        <Confirmation
          label={`Remove the wall ${wall.name}?`}
          confirm="Remove"
          onCancel={() => {
            setConfirming(false);
            moreRef.current?.focus();
          }}
          onConfirm={() => {
            setConfirming(false);
            onRemove(wall);
          }}
        >
          Remove the wall “{wall.name}”? Its cameras stay.
        </Confirmation>
      ) : null}
    </li>
  );
}

/**
 * The dashboard's walls: each saved wall with Open, Edit and Remove, and the way to make one.
 * `walls` is null until main has answered; `error` says why the list could not be read.
 */
export function WallsSection({
  walls,
  error,
  cameras,
  onNew,
  onOpen,
  onEdit,
  onRemove,
}: {
  walls: ReadonlyArray<Wall> | null;
  error: string | null;
  cameras: ReadonlyArray<Camera>;
  onNew: () => void;
  onOpen: (wall: Wall) => void;
  onEdit: (wall: Wall) => void;
  onRemove: (wall: Wall) => void;
}) {
  const headingId = useId();
  const newRef = useRef<HTMLButtonElement>(null);
  return (
    <section className="walls" aria-labelledby={headingId}>
      <div className="walls-head">
        <h2 id={headingId}>Walls</h2>
        <button ref={newRef} onClick={onNew}>
          {NEW_WALL_LABEL}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          Your walls could not be read: {error}
        </p>
      ) : walls === null ? (
        <p className="hint">Loading your walls…</p>
      ) : walls.length === 0 ? (
        <p className="walls-empty">
          A wall shows several cameras side by side in one window, saved under a name so you can
          open it again with one click.
        </p>
      ) : (
        <ul className="walls-list">
          {walls.map((wall) => (
            <WallRow
              key={wall.id}
              wall={wall}
              cameras={cameras}
              onOpen={onOpen}
              onEdit={onEdit}
              onRemove={(w) => {
                // The row goes once main says so; focus stays in the section, not on <body>.
                newRef.current?.focus();
                onRemove(w);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
