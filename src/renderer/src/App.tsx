import { useEffect, useState } from 'react';
import type { StreamInfo } from '../../shared/streams';
import { HlsPlayer } from './HlsPlayer';
import { formatRemaining, useNow } from './use-now';

const DEMO_CAMERA_ID = 'demo';

function statusText(info: StreamInfo | null): string {
  if (!info) return 'Ready';
  switch (info.state) {
    case 'waking':
      return 'Waking camera…';
    case 'starting':
      return 'Connecting…';
    case 'live':
      return 'Live';
    case 'stopping':
      return 'Stopping…';
    case 'ended':
      return info.endReason === 'timeout' ? 'Ended: time is up' : 'Stopped';
    case 'failed':
      return info.failure?.message ?? 'Failed';
  }
}

/** The demo camera with its live view; the full dashboard arrives with the cameras work. */
export function App() {
  const [info, setInfo] = useState<StreamInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [muted, setMuted] = useState(true);
  const now = useNow();

  useEffect(() => {
    const off = window.vigil.streams.onState((next) => {
      if (next.cameraId === DEMO_CAMERA_ID) setInfo(next);
    });
    void window.vigil.streams.list().then((all) => {
      setInfo((current) => current ?? all.find((s) => s.cameraId === DEMO_CAMERA_ID) ?? null);
    });
    return off;
  }, []);

  const run = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const active = info?.state === 'waking' || info?.state === 'starting' || info?.state === 'live';

  return (
    <main className="app">
      <header>
        <h1>Vigil</h1>
      </header>
      <section className="card" aria-label="Demo camera">
        <div className="card-head">
          <h2>Demo camera</h2>
          <span className={`badge badge-${info?.state ?? 'idle'}`} role="status">
            {statusText(info)}
          </span>
        </div>
        <div className="stage">
          {info?.state === 'live' && info.url ? (
            <HlsPlayer url={info.url} muted={muted} />
          ) : (
            <div className="placeholder">{active ? 'Connecting…' : 'Not streaming'}</div>
          )}
        </div>
        <div className="controls">
          {active ? (
            <>
              <span className="countdown" aria-label="Time left">
                {info.timeLimitSec === null
                  ? 'No time limit'
                  : info.deadline === null
                    ? `${String(info.timeLimitSec)} s`
                    : formatRemaining(info.deadline, now)}
              </span>
              <button onClick={() => run(() => window.vigil.streams.extend(DEMO_CAMERA_ID, 60))}>
                +60 s
              </button>
              <button onClick={() => setMuted((m) => !m)}>{muted ? 'Unmute' : 'Mute'}</button>
              <button onClick={() => run(() => window.vigil.streams.stop(DEMO_CAMERA_ID))}>
                Stop
              </button>
            </>
          ) : (
            <button
              className="primary"
              onClick={() => run(() => window.vigil.streams.start(DEMO_CAMERA_ID))}
            >
              Start live stream
            </button>
          )}
        </div>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
      </section>
    </main>
  );
}
