import { useEffect, useState } from 'react';
import type { Camera, DemoCameraChange } from '../../../shared/cameras';
import type { Wall } from '../../../shared/walls';
import { messageOf } from '../common/format';
import { ToastRegion, useToasts, type ToastSpec } from '../common/Toast';
import { useNow } from '../common/use-now';
import { vigil } from '../common/vigil';
import { CameraCard } from './CameraCard';
import { CameraDialog } from './CameraDialog';
import { HealthDialog } from './HealthDialog';
import { useDashboard } from './store';
import { useDashboardEvents } from './use-dashboard-events';
import { WallDialog } from './WallDialog';
import { WallsSection } from './WallsSection';

/** How long a just-added or saved camera's card stays pointed out. */
export const HIGHLIGHT_MS = 4_000;

/** The camera grid: every camera's picture and status, and the way to watch it. */
export function Dashboard() {
  useDashboardEvents();
  const loaded = useDashboard((s) => s.loaded);
  const cameras = useDashboard((s) => s.cameras);
  const statuses = useDashboard((s) => s.statuses);
  const snapshots = useDashboard((s) => s.snapshots);
  const snapshotErrors = useDashboard((s) => s.snapshotErrors);
  const streams = useDashboard((s) => s.streams);
  const notices = useDashboard((s) => s.notices);
  const demo = useDashboard((s) => s.demo);
  const walls = useDashboard((s) => s.walls);
  const wallsError = useDashboard((s) => s.wallsError);
  const [wallDialog, setWallDialog] = useState<{ wall?: Wall } | null>(null);
  const now = useNow(1000);
  const [dialog, setDialog] = useState<{ camera?: Camera; focus?: 'password' } | null>(null);
  const editRequest = useDashboard((s) => s.editRequest);
  // A live window asked for Edit ("Enter password…"): it replaces any open dialog, since the
  // user just asked for this one. Waits for the list when the dashboard has just opened.
  useEffect(() => {
    if (!editRequest || !loaded) return;
    useDashboard.getState().setEditRequest(null);
    const camera = cameras.find((c) => c.id === editRequest.cameraId);
    if (camera)
      setDialog({ camera, ...(editRequest.focus === 'password' ? { focus: 'password' } : {}) });
  }, [editRequest, loaded, cameras]);
  const toasts = useToasts();
  const [highlight, setHighlight] = useState<string | null>(null);
  const [healthOf, setHealthOf] = useState<Camera | null>(null);

  // The card of a camera just added or saved: scrolled into view once it is listed, and
  // pointed out for a moment.
  const highlightListed = highlight !== null && cameras.some((c) => c.id === highlight);
  useEffect(() => {
    if (!highlight || !highlightListed) return undefined;
    document
      .querySelector(`[data-camera-id="${CSS.escape(highlight)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
    const timer = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlight, highlightListed]);

  /** Runs a task; what it resolves with is said in a toast, an error in one that stays. */
  const attempt = (task: () => Promise<string | ToastSpec | null>) => {
    task()
      .then((said) => {
        if (said) toasts.show(typeof said === 'string' ? { kind: 'ok', text: said } : said);
      })
      .catch((e: unknown) => toasts.show({ kind: 'error', text: messageOf(e) }));
  };
  const remove = (camera: Camera) =>
    attempt(async () => {
      const removed = await vigil().cameras.remove(camera.id);
      return {
        kind: 'ok',
        text: `${removed.name} removed.`,
        // Main keeps the camera (password included) until undoUntil; the toast lasts as long.
        durationMs: Math.max(1_000, removed.undoUntil - Date.now()),
        action: {
          label: 'Undo',
          onAction: () =>
            attempt(async () => {
              const restored = await vigil().cameras.undoRemove(removed.cameraId);
              setHighlight(restored.id);
              return `${restored.name} restored.`;
            }),
        },
      };
    });
  const openWall = (wall: Wall) =>
    attempt(() =>
      vigil()
        .windows.openWall(wall.id)
        .then(() => null),
    );
  const removeWall = (wall: Wall) =>
    attempt(async () => {
      await vigil().walls.remove(wall.id);
      return `Wall “${wall.name}” removed.`;
    });
  const noCameras = cameras.every((c) => c.builtIn);
  const demoListed = cameras.some((c) => c.builtIn);
  // Main answers with the setting as saved; the list follows in its own event.
  const changeDemo = (change: DemoCameraChange) =>
    attempt(() =>
      vigil()
        .cameras.setDemo(change)
        .then((state) => {
          useDashboard.getState().setDemo(state);
          return null;
        }),
    );

  return (
    <main className="dashboard">
      <header className="topbar">
        <h1>Vigil</h1>
        <button className="primary" onClick={() => setDialog({})}>
          Add camera
        </button>
      </header>
      {notices.map((n) => (
        <p key={n.message} className={`notice notice-${n.level}`} role="alert">
          {n.message}
        </p>
      ))}
      {loaded && demo?.notice && !demoListed ? (
        <div className="notice notice-info" role="status" aria-label="Demo camera hidden">
          <p>
            Your first camera is added, so the demo camera is now hidden. A demo window that is open
            keeps playing until you close it. You can bring the demo camera back any time with Show
            demo camera.
          </p>
          <div className="confirm-actions">
            <button onClick={() => changeDemo({ show: true })}>Show demo camera</button>
            <button onClick={() => changeDemo({ dismissNotice: true })}>Dismiss</button>
          </div>
        </div>
      ) : null}
      {loaded && noCameras ? (
        <section className="empty" aria-label="Getting started">
          <h2>Watch your first camera</h2>
          <p>
            {demoListed
              ? 'The demo camera below plays a test picture right away. '
              : 'The demo camera is hidden. '}
            Add your own camera by searching your network, by its ONVIF address, or by an RTSP URL.
          </p>
        </section>
      ) : null}
      {!loaded ? <p className="hint">Loading your cameras…</p> : null}
      <section className="grid" aria-label="Cameras">
        {cameras.map((camera) => (
          <CameraCard
            key={camera.id}
            camera={camera}
            status={statuses[camera.id]}
            snapshot={snapshots[camera.id]}
            snapshotError={snapshotErrors[camera.id]}
            stream={streams[camera.id]}
            now={now}
            onStart={(c) =>
              attempt(() =>
                vigil()
                  .windows.openLive(c.id)
                  .then(() => null),
              )
            }
            onEdit={(c) => setDialog({ camera: c })}
            onEnterPassword={(c) => setDialog({ camera: c, focus: 'password' })}
            onStop={(c) =>
              attempt(() =>
                vigil()
                  .streams.end(c.id)
                  .then(() => null),
              )
            }
            onCheck={(c) =>
              vigil()
                .cameras.checkStatus(c.id)
                .then((status) => {
                  if (status) useDashboard.getState().setStatus(status);
                })
                .catch((e: unknown) => toasts.show({ kind: 'error', text: messageOf(e) }))
            }
            onRemove={remove}
            onCopyUrl={(c, withPassword) =>
              attempt(() =>
                vigil()
                  .cameras.copyRtspUrl(c.id, { withPassword })
                  .then(() =>
                    withPassword
                      ? `RTSP URL of ${c.name} copied, with its password.`
                      : c.hasPassword || c.username
                        ? `RTSP URL of ${c.name} copied, without credentials.`
                        : `RTSP URL of ${c.name} copied.`,
                  ),
              )
            }
            highlighted={highlight === camera.id}
            onTest={(c) =>
              attempt(() =>
                vigil()
                  .cameras.test({ cameraId: c.id })
                  .then((r) => `${c.name}: ${r.message}`),
              )
            }
            onHide={() => changeDemo({ show: false })}
            onHealth={setHealthOf}
          />
        ))}
      </section>
      {loaded && !demoListed && !demo?.notice ? (
        <p className="hint">
          <button onClick={() => changeDemo({ show: true })}>Show demo camera</button>
        </p>
      ) : null}
      {loaded ? (
        <WallsSection
          walls={walls}
          error={wallsError}
          cameras={cameras}
          onNew={() => setWallDialog({})}
          onOpen={openWall}
          onEdit={(wall) => setWallDialog({ wall })}
          onRemove={removeWall}
        />
      ) : null}
      <ToastRegion toasts={toasts.toasts} onDismiss={toasts.dismiss} />
      {healthOf ? <HealthDialog camera={healthOf} onClose={() => setHealthOf(null)} /> : null}
      {wallDialog ? (
        <WallDialog
          {...(wallDialog.wall ? { wall: wallDialog.wall } : {})}
          walls={walls ?? []}
          cameras={cameras}
          onClose={() => setWallDialog(null)}
          onSaved={(saved, added) => {
            toasts.show({ kind: 'ok', text: `Wall “${saved.name}” saved.` });
            // A new wall is made to be watched: it opens at once.
            if (added) openWall(saved);
          }}
        />
      ) : null}
      {dialog ? (
        <CameraDialog
          {...(dialog.camera ? { camera: dialog.camera } : {})}
          {...(dialog.focus ? { focus: dialog.focus } : {})}
          cameras={cameras}
          onClose={() => setDialog(null)}
          onSaved={(saved, added) => {
            setHighlight(saved.id);
            toasts.show({ kind: 'ok', text: `${saved.name} ${added ? 'added' : 'saved'}.` });
          }}
        />
      ) : null}
    </main>
  );
}
