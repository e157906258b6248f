import { useState } from 'react';
import type { Camera } from '../../../shared/cameras';
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
  const now = useNow(1000);
  const [dialog, setDialog] = useState<{ camera?: Camera } | null>(null);
  const [toast, setToast] = useState<Toast | null>(null);

  const attempt = (task: () => Promise<string | null>) => {
    task()
      .then((text) => setToast(text ? { kind: 'ok', text } : null))
      .catch((e: unknown) => setToast({ kind: 'error', text: messageOf(e) }));
  };
  const onlyDemo = cameras.length > 0 && cameras.every((c) => c.builtIn);

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
      {onlyDemo ? (
        <section className="empty" aria-label="Getting started">
          <h2>Watch your first camera</h2>
          <p>
            The demo camera below plays a test picture right away. Add your own camera by searching
            your network, by its ONVIF address, or by an RTSP URL.
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
          />
        ))}
      </section>
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
