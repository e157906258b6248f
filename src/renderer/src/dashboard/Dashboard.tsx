import { useState } from 'react';
import type { Camera, DemoCameraChange } from '../../../shared/cameras';
import { messageOf } from '../common/format';
import { useNow } from '../common/use-now';
import { vigil } from '../common/vigil';
import { CameraCard } from './CameraCard';
import { CameraDialog } from './CameraDialog';
import { useDashboard } from './store';
import { useDashboardEvents } from './use-dashboard-events';

interface Toast {
  kind: 'ok' | 'error';
  text: string;
}

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
  const now = useNow(1000);
  const [dialog, setDialog] = useState<{ camera?: Camera } | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);

  const attempt = (task: () => Promise<string | null>) => {
    task()
      .then((text) => setToast(text ? { kind: 'ok', text } : null))
      .catch((e: unknown) => setToast({ kind: 'error', text: messageOf(e) }));
  };
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
            onRemove={(c) =>
              attempt(() =>
                vigil()
                  .cameras.remove(c.id)
                  .then(() => `${c.name} was removed.`),
              )
            }
            onCopyUrl={(c) =>
              attempt(() =>
                navigator.clipboard
                  .writeText(c.rtspUrl ?? '')
                  .then(() => 'RTSP URL copied (password hidden).'),
              )
            }
            onTest={(c) =>
              attempt(() =>
                vigil()
                  .cameras.test({ cameraId: c.id })
                  .then((r) => `${c.name}: ${r.message}`),
              )
            }
            onHide={() => changeDemo({ show: false })}
          />
        ))}
      </section>
      {loaded && !demoListed && !demo?.notice ? (
        <p className="hint">
          <button onClick={() => changeDemo({ show: true })}>Show demo camera</button>
        </p>
      ) : null}
      {toast ? (
        <div
          className={`toast toast-${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
        >
          <span>{toast.text}</span>
          <button aria-label="Dismiss" onClick={() => setToast(null)}>
            ×
          </button>
        </div>
      ) : null}
      {dialog ? (
        <CameraDialog
          {...(dialog.camera ? { camera: dialog.camera } : {})}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </main>
  );
}
