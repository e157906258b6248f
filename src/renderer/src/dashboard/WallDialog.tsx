import { useId, useMemo, useState, type FormEvent } from 'react';
import type { Camera } from '../../../shared/cameras';
import {
  layoutLabel,
  MAX_WALL_NAME,
  WALL_LAYOUTS,
  type Wall,
  type WallInput,
  type WallLayout,
} from '../../../shared/walls';
import { messageOf } from '../common/format';
import { Modal } from '../common/Modal';
import { vigil } from '../common/vigil';
import {
  cameraChoices,
  capacityNote,
  capacityText,
  orderedCameraIds,
  sameNameWall,
  suggestWallName,
  wallCapacity,
} from './wall-form';

/** A new wall starts on Fit: every camera ticked gets a tile, nothing to outgrow. */
const NEW_WALL_LAYOUT: WallLayout = 'fit';

/**
 * Make a wall (name, layout, cameras, open at start) or edit one. Main has the last word on the
 * name and the cameras; its refusal is shown here and the dialog keeps what was typed.
 */
export function WallDialog({
  wall,
  walls,
  cameras,
  onClose,
  onSaved,
}: {
  /** The wall to edit; a new wall without it. */
  wall?: Wall;
  /** The saved walls: a free "Wall N" is suggested, a taken name pointed out. */
  walls: ReadonlyArray<Wall>;
  /** The dashboard's cameras, in its order. */
  cameras: ReadonlyArray<Camera>;
  onClose: () => void;
  /** Main saved it (added: a new wall, which the dashboard opens at once). */
  onSaved: (wall: Wall, added: boolean) => void;
}) {
  const editing = wall !== undefined;
  const ids = useId();
  const [name, setName] = useState(() => wall?.name ?? suggestWallName(walls));
  const [layout, setLayout] = useState<WallLayout>(wall?.layout ?? NEW_WALL_LAYOUT);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(() => new Set(wall?.cameraIds));
  const [openAtStart, setOpenAtStart] = useState(wall?.openAtStart ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Fixed at open: a camera the wall holds stays in the list after it is unticked.
  const [original] = useState(() => wall?.cameraIds ?? []);
  const choices = useMemo(() => cameraChoices(cameras, original), [cameras, original]);
  const capacity = wallCapacity(layout);
  const full = ticked.size >= capacity;
  const note = capacityNote(layout, ticked.size);
  const taken = sameNameWall(name, walls, wall?.id);

  const toggle = (cameraId: string, on: boolean) =>
    setTicked((current) => {
      const next = new Set(current);
      if (on) next.add(cameraId);
      else next.delete(cameraId);
      return next;
    });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    // Only what main leaves to the dialog is checked here; the name is main's to judge.
    if (ticked.size === 0) {
      setError('Tick the cameras this wall shows.');
      return;
    }
    if (ticked.size > capacity) {
      setError(note);
      return;
    }
    const input: WallInput = {
      name,
      layout,
      cameraIds: orderedCameraIds(original, ticked, choices),
      openAtStart,
    };
    setBusy(true);
    setError(null);
    try {
      const saved = editing
        ? await vigil().walls.update(wall.id, input)
        : await vigil().walls.add(input);
      onSaved(saved, !editing);
      onClose();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      label={editing ? 'Edit wall' : 'New wall'}
      onClose={onClose}
      className="dialog wall-dialog"
      initialFocus={(dialog) => {
        // The suggested name is selected, so typing replaces it and Enter keeps it.
        const field = dialog.querySelector<HTMLInputElement>('input[name="wall-name"]');
        field?.select();
        return field;
      }}
    >
      <form className="dialog-form" onSubmit={(e) => void save(e)}>
        <header className="dialog-head">
          <h2>{editing ? `Edit ${wall.name}` : 'New wall'}</h2>
        </header>
        <div className="dialog-body wall-dialog-body">
          <label>
            Name
            <input
              name="wall-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={MAX_WALL_NAME}
              required
              aria-describedby={taken ? `${ids}-name` : undefined}
            />
          </label>
          {taken ? (
            <span className="field-note" id={`${ids}-name`}>
              Another wall is already called “{taken.name}”.
            </span>
          ) : null}
          <fieldset role="radiogroup" className="wall-layouts">
            <legend>Layout</legend>
            {WALL_LAYOUTS.map((l) => (
              <label key={l} className="inline">
                <input
                  type="radio"
                  name="wall-layout"
                  checked={layout === l}
                  onChange={() => setLayout(l)}
                />
                <span>
                  {layoutLabel(l)} <span className="wall-capacity">({capacityText(l)})</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset
            className="wall-cameras"
            aria-describedby={note ? `${ids}-capacity` : undefined}
          >
            <legend>
              Cameras{' '}
              <span className="wall-capacity">
                ({String(ticked.size)} of {String(capacity)})
              </span>
            </legend>
            {choices.length === 0 ? (
              <p className="hint">
                You have no cameras yet: add one first, then make a wall of it.
              </p>
            ) : (
              <ul className="wall-camera-list">
                {choices.map((c) => (
                  <li key={c.id}>
                    <label className="inline">
                      <input
                        type="checkbox"
                        checked={ticked.has(c.id)}
                        // Full: only unticking is left. Over capacity (a smaller layout picked
                        // after ticking), the ticked ones stay enabled so they can be unticked.
                        disabled={full && !ticked.has(c.id)}
                        onChange={(e) => toggle(c.id, e.target.checked)}
                      />
                      {c.name}
                    </label>
                  </li>
                ))}
              </ul>
            )}
            {note ? (
              <p className="field-note" id={`${ids}-capacity`}>
                {note}
              </p>
            ) : null}
          </fieldset>
          <label className="inline">
            <input
              type="checkbox"
              checked={openAtStart}
              onChange={(e) => setOpenAtStart(e.target.checked)}
            />
            Open this wall when Vigil starts
          </label>
        </div>
        <footer className="dialog-foot">
          <p className="dialog-status" role="status">
            {busy ? (
              <span className="progress">
                <span className="spinner" aria-hidden="true" /> Saving…
              </span>
            ) : null}
          </p>
          {error ? (
            <p className="error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {editing ? 'Save' : 'Save and open'}
            </button>
          </div>
        </footer>
      </form>
    </Modal>
  );
}
