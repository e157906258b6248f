import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { Wall, WallLayout } from '../../../shared/walls';
import { messageOf } from '../common/format';
import { ToastRegion, useToasts } from '../common/Toast';
import { vigil } from '../common/vigil';
import { gridFor, neighbour, reorder, visibleCameras } from './layout';
import { useWallStore } from './store';
import { KeepUpNotice } from './KeepUpNotice';
import { useKiosk } from './use-kiosk';
import { useKeepUp } from './use-keep-up';
import { useWallEvents } from './use-wall-events';
import { useWallStreams } from './use-wall-streams';
import { tileVariant } from './tile-variant';
import type { StreamVariant } from '../../../shared/streams';
import { WallTile } from './WallTile';
import { WallToolbar } from './WallToolbar';

const ARROWS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

/** The element's content size, followed as the window changes (0 × 0 until measured). */
function useElementSize(element: HTMLElement | null): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    if (!element) return undefined;
    const measure = (): void => {
      const { clientWidth: width, clientHeight: height } = element;
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return size;
}

/** A page that cannot show its wall: why, and Close. */
function Stopped({ text, alert }: { text: string; alert: boolean }) {
  return (
    <main className="wall-view wall-view-stopped">
      <h1 className="visually-hidden">Camera wall</h1>
      <div className="wall-view-message" role={alert ? 'alert' : 'status'}>
        <p>{text}</p>
        <button type="button" onClick={() => void vigil().windows.close()}>
          Close
        </button>
      </div>
    </main>
  );
}

/** The camera wall window: many cameras in one window, in the wall's saved layout and order. */
export function WallView({ wallId }: { wallId: string }) {
  useWallEvents(wallId);
  const loaded = useWallStore((s) => s.loaded);
  const loadError = useWallStore((s) => s.loadError);
  const wall = useWallStore((s) => s.wall);
  const gone = useWallStore((s) => s.gone);
  const visible = useMemo(() => (wall ? visibleCameras(wall) : []), [wall]);
  const { toasts, show: showToast, dismiss: dismissToast } = useToasts();
  const { kiosk, setKiosk, cursorHidden } = useKiosk();
  const stageRef = useRef<HTMLElement | null>(null);
  const [gridElement, setGridElement] = useState<HTMLDivElement | null>(null);
  const size = useElementSize(gridElement);
  const [enlargedId, setEnlargedId] = useState<string | null>(null);
  const enlarged = enlargedId !== null && visible.includes(enlargedId) ? enlargedId : null;
  useEffect(() => {
    // The enlarged camera left the wall: coming back later, it takes its place in the grid.
    if (enlargedId !== null && enlarged === null) setEnlargedId(null);
  }, [enlargedId, enlarged]);
  const [fullscreen, setFullscreen] = useState(false);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const tiles = useRef(new Map<string, HTMLDivElement>());
  // The tile to focus after the next render: the one just moved (by keys, or dropped by the
  // mouse), the one enlarged or back from it, or the first one when kiosk mode takes away the
  // bar whose button had the focus.
  const focusAfterRender = useRef<string | null>(null);
  const grid = gridFor(wall?.layout ?? '1', visible.length, size.width, size.height);
  const cameras = useWallStore((s) => s.cameras);
  const tileWidth = size.width / Math.max(1, grid.columns);
  // Small tiles play a camera's sub stream, the enlarged one its main stream; nothing starts
  // before the grid has a size (a first guess would start a stream only to switch it).
  const variantOf = useCallback(
    (cameraId: string): StreamVariant | null => {
      const hasSubStream = cameras[cameraId]?.hasSubStream ?? false;
      if (hasSubStream && size.width === 0) return null;
      return tileVariant({
        hasSubStream,
        enlarged: enlarged === cameraId,
        tileWidth,
        pixelRatio: window.devicePixelRatio,
      });
    },
    [cameras, enlarged, tileWidth, size.width],
  );
  const { streamOf, play } = useWallStreams(visible, variantOf);
  const keepUp = useKeepUp(gridElement, (id) => streamOf(id).info?.sessionId ?? null);

  useLayoutEffect(() => {
    const cameraId = focusAfterRender.current;
    if (cameraId === null) return;
    focusAfterRender.current = null;
    tiles.current.get(cameraId)?.focus();
  });

  useEffect(() => {
    if (wall) document.title = wall.name;
  }, [wall]);

  useEffect(() => {
    const sync = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', sync);
    return () => document.removeEventListener('fullscreenchange', sync);
  }, []);

  const register = useCallback((cameraId: string, element: HTMLDivElement | null) => {
    if (element) tiles.current.set(cameraId, element);
    else tiles.current.delete(cameraId);
  }, []);

  /** Shows the change at once and saves it; a refused save puts the wall back and says why. */
  const save = useCallback(
    (change: Partial<Pick<Wall, 'layout' | 'cameraIds'>>) => {
      const store = useWallStore.getState();
      const current = store.wall;
      if (!current) return;
      const next: Wall = { ...current, ...change };
      store.setWall(next);
      vigil()
        .walls.update(current.id, {
          name: next.name,
          layout: next.layout,
          cameraIds: next.cameraIds,
          openAtStart: next.openAtStart,
        })
        .catch((error: unknown) => {
          if (useWallStore.getState().wall === next) useWallStore.getState().setWall(current);
          showToast({ kind: 'error', text: `The wall was not saved: ${messageOf(error)}` });
        });
    },
    [showToast],
  );

  const setLayout = useCallback(
    (layout: WallLayout) => {
      if (layout !== useWallStore.getState().wall?.layout) save({ layout });
    },
    [save],
  );

  /**
   * Moves the tile at `from` to `to` (visible tiles lead the wall's order, so the indexes agree).
   * React moves the tile's node with insertBefore; a video is paused only if it is still out of
   * the document when its queued removal steps run (HTML's media element removal steps, see
   * whatwg/html#9467), so the picture plays on (measured in Chromium: frames keep coming).
   */
  const move = useCallback(
    (from: number, to: number) => {
      const current = useWallStore.getState().wall;
      if (!current || from === to) return;
      const moved = current.cameraIds[from];
      if (moved === undefined) return;
      focusAfterRender.current = moved;
      save({ cameraIds: reorder(current.cameraIds, from, to) });
    },
    [save],
  );

  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void stageRef.current?.requestFullscreen().catch(() => undefined);
  }, []);

  const enterKiosk = useCallback(() => {
    setKiosk(true);
    // The bar (and the button pressed in it) goes: focus stays on the wall, not on <body>.
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !active.closest('.wall-tile')) {
      focusAfterRender.current = enlarged ?? visible[0] ?? null;
    }
  }, [setKiosk, enlarged, visible]);

  /** Enlarges a tile, or brings the wall back when it is the enlarged one (Enter, double-click). */
  const toggleEnlarged = useCallback((cameraId: string) => {
    focusAfterRender.current = cameraId;
    setEnlargedId((current) => (current === cameraId ? null : cameraId));
  }, []);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target;
      if (
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement ||
        event.metaKey ||
        event.ctrlKey ||
        event.altKey
      )
        return;
      if (event.key === 'f' || event.key === 'F') toggleFullscreen();
      else if (event.key === 'k' || event.key === 'K') {
        if (kiosk) setKiosk(false);
        else enterKiosk();
      } else if (event.key === 'Escape') {
        // One step back per press: the enlarged tile, then kiosk, then fullscreen.
        if (enlarged !== null) {
          focusAfterRender.current = enlarged;
          setEnlargedId(null);
        } else if (kiosk) setKiosk(false);
        else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
        else return;
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggleFullscreen, enterKiosk, setKiosk, kiosk, enlarged]);

  const onTileKey = useCallback(
    (event: KeyboardEvent<HTMLDivElement>, index: number) => {
      // A button on the tile keeps its own keys.
      if (event.target !== event.currentTarget) return;
      const cameraId = visible[index];
      if (cameraId === undefined) return;
      if (event.key === 'Enter' && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        toggleEnlarged(cameraId);
        return;
      }
      if (!ARROWS.has(event.key) || enlarged !== null || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      const to = neighbour(index, event.key, grid.columns, visible.length);
      if (to === index) return;
      if (event.altKey) {
        if (!kiosk) move(index, to);
      } else {
        const next = visible[to];
        if (next !== undefined) tiles.current.get(next)?.focus();
      }
    },
    [visible, enlarged, grid.columns, kiosk, move, toggleEnlarged],
  );

  const endDrag = useCallback(() => {
    setDragFrom(null);
    setDragOver(null);
  }, []);

  if (!loaded) {
    return (
      <main className="wall-view wall-view-stopped">
        <h1 className="visually-hidden">Camera wall</h1>
        <p className="wall-view-message" role="status">
          Loading the wall…
        </p>
      </main>
    );
  }
  if (loadError !== null)
    return <Stopped alert text={`Vigil could not load this wall: ${loadError}`} />;
  if (gone || !wall)
    return (
      <Stopped
        alert={false}
        text="This wall is no longer saved: it was removed. Close this window, or open another wall from the dashboard."
      />
    );

  const emptyCells = wall.layout === 'fit' ? 0 : grid.columns * grid.rows - visible.length;
  const classes = [
    'wall-view',
    kiosk ? 'wall-view-kiosk' : '',
    cursorHidden ? 'wall-view-cursor-hidden' : '',
  ];

  return (
    <main className={classes.filter(Boolean).join(' ')} ref={stageRef}>
      {kiosk ? (
        <h1 className="visually-hidden">{wall.name}</h1>
      ) : (
        <WallToolbar
          name={wall.name}
          layout={wall.layout}
          shown={visible.length}
          total={wall.cameraIds.length}
          fullscreen={fullscreen}
          onLayout={setLayout}
          onFullscreen={toggleFullscreen}
          onKiosk={enterKiosk}
        />
      )}
      <KeepUpNotice text={keepUp} />
      {visible.length === 0 ? (
        <p className="wall-view-message">
          This wall has no cameras. Edit it on the dashboard to choose some.
        </p>
      ) : (
        <div
          className={`wall-view-grid${enlarged ? ' wall-view-grid-enlarged' : ''}`}
          ref={setGridElement}
          style={{
            gridTemplateColumns: `repeat(${String(grid.columns)}, minmax(0, 1fr))`,
            gridTemplateRows: `repeat(${String(grid.rows)}, minmax(0, 1fr))`,
          }}
        >
          {visible.map((cameraId, index) => (
            <WallTile
              key={cameraId}
              cameraId={cameraId}
              index={index}
              stream={streamOf(cameraId)}
              enlarged={enlarged === cameraId}
              covered={enlarged !== null && enlarged !== cameraId}
              draggable={!kiosk && enlarged === null && visible.length > 1}
              dropTarget={dragOver === index && dragFrom !== null && dragFrom !== index}
              onPlay={play}
              onEnlarge={toggleEnlarged}
              onKeyDown={onTileKey}
              onError={(text) => showToast({ kind: 'error', text })}
              register={register}
              onDragStart={setDragFrom}
              onDragOver={(over) => {
                if (dragFrom === null) return false;
                setDragOver(over);
                return true;
              }}
              onDrop={(to) => {
                if (dragFrom !== null) move(dragFrom, to);
                endDrag();
              }}
              onDragEnd={endDrag}
            />
          ))}
          {Array.from({ length: Math.max(0, emptyCells) }, (_, i) => (
            <div key={`empty-${String(i)}`} className="wall-view-empty-cell" aria-hidden="true" />
          ))}
        </div>
      )}
      {/* Always in the page, so the words are announced when kiosk mode begins. */}
      <div
        className={`wall-view-kiosk-hint${kiosk && !cursorHidden ? ' wall-view-kiosk-hint-shown' : ''}`}
        role="status"
      >
        {kiosk ? 'Kiosk mode: press Esc to leave.' : ''}
      </div>
      <ToastRegion toasts={toasts} onDismiss={dismissToast} />
    </main>
  );
}
