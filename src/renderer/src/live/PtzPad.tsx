import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import {
  MAX_PRESET_NAME,
  PTZ_HEARTBEAT_MS,
  type PtzPreset,
  type PtzVelocity,
} from '../../../shared/ptz';
import { messageOf } from '../common/format';
import { vigil } from '../common/vigil';

/** Speed of a pad press or an arrow key, in ONVIF's generic space ([-1, 1]). */
export const PAN_TILT_SPEED = 0.5;
export const ZOOM_SPEED = 0.5;

export type PtzDirection = 'up' | 'down' | 'left' | 'right' | 'in' | 'out';

const VECTORS: Record<PtzDirection, PtzVelocity> = {
  up: { x: 0, y: PAN_TILT_SPEED, zoom: 0 },
  down: { x: 0, y: -PAN_TILT_SPEED, zoom: 0 },
  left: { x: -PAN_TILT_SPEED, y: 0, zoom: 0 },
  right: { x: PAN_TILT_SPEED, y: 0, zoom: 0 },
  in: { x: 0, y: 0, zoom: ZOOM_SPEED },
  out: { x: 0, y: 0, zoom: -ZOOM_SPEED },
};

/** Keys that move the camera while held, anywhere in the window but a text field. */
const KEYS: Record<string, PtzDirection> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
  '+': 'in',
  '=': 'in',
  '-': 'out',
};

const PAD: Array<{ dir: PtzDirection; label: string; glyph: string; key: string }> = [
  { dir: 'up', label: 'Tilt up', glyph: '▲', key: '↑' },
  { dir: 'left', label: 'Pan left', glyph: '◀', key: '←' },
  { dir: 'right', label: 'Pan right', glyph: '▶', key: '→' },
  { dir: 'down', label: 'Tilt down', glyph: '▼', key: '↓' },
  { dir: 'in', label: 'Zoom in', glyph: '+', key: '+' },
  { dir: 'out', label: 'Zoom out', glyph: '−', key: '−' },
];

/** The sum of the held directions, each axis kept within [-1, 1]. */
export function velocityOf(held: Iterable<PtzDirection>): PtzVelocity {
  const v = { x: 0, y: 0, zoom: 0 };
  for (const dir of held) {
    v.x += VECTORS[dir].x;
    v.y += VECTORS[dir].y;
    v.zoom += VECTORS[dir].zoom;
  }
  const clamp = (n: number) => Math.max(-1, Math.min(1, n));
  return { x: clamp(v.x), y: clamp(v.y), zoom: clamp(v.zoom) };
}

/** True where typing happens: arrow keys and +/- belong to the field there. */
function isTextField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || target.closest('input, textarea, select') !== null)
  );
}

/**
 * Pan/tilt/zoom for a camera that has it: a pad (held = moving, released = stopped), the
 * arrow keys and +/−, and the camera's presets. Renders nothing for a camera without PTZ.
 * Main stops the camera if the window goes quiet, so a move here never outlives the window.
 */
export function PtzPad({ cameraId }: { cameraId: string }) {
  const [supported, setSupported] = useState(false);
  const [presets, setPresets] = useState<PtzPreset[]>([]);
  const [active, setActive] = useState<ReadonlySet<PtzDirection>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const held = useRef(new Set<PtzDirection>());
  const heartbeat = useRef<number | null>(null);

  const fail = useCallback((e: unknown) => setError(messageOf(e)), []);

  useEffect(() => {
    let live = true;
    vigil()
      .ptz.capabilities(cameraId)
      .then(async ({ supported: can }) => {
        if (!live) return;
        setSupported(can);
        if (can) {
          const list = await vigil().ptz.presets(cameraId);
          if (live) setPresets(list);
        }
      })
      // A camera that cannot be asked shows no controls: it cannot be moved from here either.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [cameraId]);

  /** Tells main what is held now: a move (repeated while held) or, when nothing is, Stop. */
  const apply = useCallback(() => {
    setActive(new Set(held.current));
    if (heartbeat.current !== null) window.clearInterval(heartbeat.current);
    heartbeat.current = null;
    if (held.current.size === 0) {
      vigil().ptz.stop(cameraId).catch(fail);
      return;
    }
    setError(null);
    const send = () => vigil().ptz.move(cameraId, velocityOf(held.current)).catch(fail);
    void send();
    heartbeat.current = window.setInterval(send, PTZ_HEARTBEAT_MS);
  }, [cameraId, fail]);

  const press = useCallback(
    (dir: PtzDirection) => {
      if (held.current.has(dir)) return;
      held.current.add(dir);
      apply();
    },
    [apply],
  );
  const release = useCallback(
    (dir: PtzDirection) => {
      if (!held.current.delete(dir)) return;
      apply();
    },
    [apply],
  );
  const releaseAll = useCallback(() => {
    if (held.current.size === 0) return;
    held.current.clear();
    apply();
  }, [apply]);

  // Arrow keys and +/− move while held. Other shortcuts of the window (Space, M, F) are
  // other keys; in a text field (the preset name) the keys stay the field's.
  useEffect(() => {
    if (!supported) return undefined;
    const onDown = (event: KeyboardEvent) => {
      const dir = KEYS[event.key];
      if (!dir || event.metaKey || event.ctrlKey || event.altKey || isTextField(event.target))
        return;
      event.preventDefault();
      if (!event.repeat) press(dir);
    };
    const onUp = (event: KeyboardEvent) => {
      const dir = KEYS[event.key];
      if (dir) release(dir);
    };
    // A key or button released outside the window never says so: losing focus is a release.
    const onHidden = () => {
      if (document.visibilityState === 'hidden') releaseAll();
    };
    window.addEventListener('keydown', onDown);
    window.addEventListener('keyup', onUp);
    window.addEventListener('blur', releaseAll);
    window.addEventListener('pagehide', releaseAll);
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      window.removeEventListener('keydown', onDown);
      window.removeEventListener('keyup', onUp);
      window.removeEventListener('blur', releaseAll);
      window.removeEventListener('pagehide', releaseAll);
      document.removeEventListener('visibilitychange', onHidden);
      releaseAll();
    };
  }, [supported, press, release, releaseAll]);

  const goTo = (preset: PtzPreset) => {
    setError(null);
    releaseAll();
    vigil().ptz.gotoPreset(cameraId, preset.token).catch(fail);
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const wanted = name.trim();
    if (!wanted) return;
    setError(null);
    vigil()
      .ptz.savePreset(cameraId, wanted)
      .then((saved) => {
        setPresets((list) => [...list.filter((p) => p.token !== saved.token), saved]);
        setNaming(false);
        setName('');
      })
      .catch(fail);
  };

  if (!supported) return null;
  return (
    <section className="ptz" aria-label="Pan, tilt and zoom">
      <div className="ptz-pad">
        {PAD.map(({ dir, label, glyph, key }) => (
          <button
            key={dir}
            type="button"
            // Not aria-pressed: these are held like keys, not toggled.
            className={`ptz-${dir}${active.has(dir) ? ' ptz-held' : ''}`}
            aria-label={label}
            title={`${label} (hold, or hold ${key})`}
            onPointerDown={(event) => {
              if (event.button !== 0) return;
              // Captured: the release reaches this button even off it, and ends the move.
              event.currentTarget.setPointerCapture?.(event.pointerId);
              press(dir);
            }}
            onPointerUp={() => release(dir)}
            onPointerCancel={() => release(dir)}
            onLostPointerCapture={() => release(dir)}
            onKeyDown={(event) => {
              if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) press(dir);
            }}
            onKeyUp={(event) => {
              if (event.key === 'Enter' || event.key === ' ') release(dir);
            }}
            onBlur={() => release(dir)}
          >
            <span aria-hidden="true">{glyph}</span>
          </button>
        ))}
      </div>
      <details className="ptz-presets">
        <summary>Presets</summary>
        {presets.length > 0 ? (
          <ul aria-label="Presets">
            {presets.map((preset) => (
              <li key={preset.token}>
                <span className="ptz-preset-name" title={preset.name}>
                  {preset.name}
                </span>
                <button
                  type="button"
                  aria-label={`Go to ${preset.name}`}
                  onClick={() => goTo(preset)}
                >
                  Go
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">No presets yet.</p>
        )}
        {naming ? (
          <form className="ptz-save" onSubmit={save}>
            <input
              aria-label="Preset name"
              value={name}
              maxLength={MAX_PRESET_NAME}
              onChange={(event) => setName(event.target.value)}
              autoFocus
            />
            <button type="submit" className="primary" disabled={!name.trim()}>
              Save
            </button>
            <button type="button" onClick={() => setNaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button
            type="button"
            onClick={() => setNaming(true)}
            title="Save where the camera points now"
          >
            Save…
          </button>
        )}
      </details>
      {error ? (
        <p className="ptz-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
