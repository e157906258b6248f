import { useCallback, useEffect, useRef, useState } from 'react';
import type { StreamInfo } from '../../../shared/streams';
import { formatBitrate, formatRemaining, messageOf } from '../common/format';
import { useNow } from '../common/use-now';
import { vigil } from '../common/vigil';
import { useLivePlayer, type PlayerPhase } from './use-live-player';

/** How long "ended" stays on screen before the window closes itself. */
export const ENDED_LINGER_MS = 1_500;

/** The status line for every state a viewer can meet. */
export function statusLine(
  info: StreamInfo | null,
  player: PlayerPhase,
  error: string | null,
  paused = false,
): string {
  if (error) return error;
  if (!info) return 'Connecting…';
  switch (info.state) {
    case 'waking':
      return 'Waking camera…';
    case 'starting':
      return 'Connecting…';
    case 'stopping':
      return 'Stopping…';
    case 'reconnecting':
      // Main brings the camera back by itself; the window just waits and resumes.
      return `The camera dropped — reconnecting (attempt ${String(info.reconnectAttempt ?? 1)})…`;
    case 'ended':
      return info.endReason === 'timeout' ? 'Time is up — stream ended' : 'Stream ended';
    case 'failed':
      return info.failure?.message ?? 'The stream failed.';
    case 'live':
      if (player === 'reconnecting') return 'Reconnecting…';
      if (player === 'stalled') return 'The picture stopped. Retry, or check the camera.';
      // A still picture is not live, even while the stream behind it is.
      if (player === 'playing') return paused ? 'Paused' : 'Live';
      return 'Connecting…';
  }
}

/**
 * True for a control that answers Space (and Enter) itself: the window's shortcuts leave those
 * keys to it, so Space on a focused button presses the button.
 */
function ownsSpace(target: EventTarget | null): boolean {
  return (
    target instanceof Element &&
    target.closest(
      'button, a[href], input, select, textarea, summary, [role="button"], [role="menuitem"]',
    ) !== null
  );
}

/** One camera's live window: picture, countdown from main's deadline, and controls. */
export function LiveView({ cameraId }: { cameraId: string }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const [info, setInfo] = useState<StreamInfo | null>(null);
  const [name, setName] = useState('Camera');
  const [poster, setPoster] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [muted, setMuted] = useState(true);
  const [showStats, setShowStats] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const now = useNow(250);
  const live = info?.state === 'live' ? info.url : null;
  const player = useLivePlayer(videoRef, live);

  const start = useCallback(() => {
    setError(null);
    vigil()
      .streams.start(cameraId)
      .then((first) =>
        setInfo((current) => (current && current.sessionId === first.sessionId ? current : first)),
      )
      .catch((e: unknown) => setError(messageOf(e)));
  }, [cameraId]);

  useEffect(() => {
    const api = vigil();
    const off = api.streams.onState((next) => {
      if (next.cameraId === cameraId) setInfo(next);
    });
    void api.cameras.list().then((cameras) => {
      const camera = cameras.find((c) => c.id === cameraId);
      if (camera) {
        setName(camera.name);
        document.title = camera.name;
      }
    });
    void api.cameras.snapshot(cameraId, { cachedOnly: true }).then((s) => setPoster(s?.dataUrl));
    start();
    return off;
  }, [cameraId, start]);

  // Whatever ended the session (its deadline, Stop in the tray), the window follows.
  useEffect(() => {
    if (info?.state !== 'ended') return undefined;
    const timer = setTimeout(() => void vigil().windows.close(), ENDED_LINGER_MS);
    return () => clearTimeout(timer);
  }, [info?.state]);

  const stop = useCallback(() => {
    void vigil()
      .streams.stop(cameraId)
      .finally(() => void vigil().windows.close());
  }, [cameraId]);

  const extend = () => {
    vigil()
      .streams.extend(cameraId, 60)
      .then(setInfo)
      .catch((e: unknown) => setError(messageOf(e)));
  };

  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void stageRef.current?.requestFullscreen().catch(() => undefined);
  }, []);

  const saveSnapshot = () => {
    const video = videoRef.current;
    if (!video?.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    vigil()
      .snapshots.save(cameraId, canvas.toDataURL('image/png'))
      .then((file) => setSaved(file.path ? `Saved to ${file.path}` : null))
      .catch((e: unknown) => setError(messageOf(e)));
  };

  // The element's own state, so a pause from anywhere (Space, the platform) is shown as one.
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return undefined;
    const sync = () => setPaused(video.paused);
    const events = ['play', 'pause', 'playing', 'emptied'] as const;
    for (const name of events) video.addEventListener(name, sync);
    return () => {
      for (const name of events) video.removeEventListener(name, sync);
    };
  }, []);

  const togglePause = useCallback(() => {
    const video = videoRef.current;
    if (video?.paused) void video.play().catch(() => undefined);
    else video?.pause();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        event.target instanceof HTMLInputElement ||
        event.metaKey ||
        event.ctrlKey ||
        event.altKey
      )
        return;
      if (event.key === ' ') {
        if (ownsSpace(event.target)) return;
        event.preventDefault();
        togglePause();
      } else if (event.key === 'm' || event.key === 'M') setMuted((m) => !m);
      else if (event.key === 'f' || event.key === 'F') toggleFullscreen();
      else if (event.key === 'Escape' && document.fullscreenElement) void document.exitFullscreen();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggleFullscreen, togglePause]);

  const state = info?.state ?? 'starting';
  const running =
    state === 'waking' || state === 'starting' || state === 'live' || state === 'reconnecting';
  const failed = state === 'failed' || player.phase === 'stalled';
  const playing = state === 'live' && player.phase === 'playing';
  const showsPause = playing && paused && !error;
  const line = statusLine(info, player.phase, error, paused);
  // The footer says Live or Paused while the picture plays; other news is in the overlay.
  const shown = playing ? (paused ? 'Paused' : 'Live') : line;

  return (
    <main className={`live live-${state}`}>
      <h1 className="visually-hidden">{name}</h1>
      <div className="stage" ref={stageRef}>
        <video
          ref={videoRef}
          className="player"
          muted={muted}
          playsInline
          poster={poster}
          aria-label={`${name} live video`}
        />
        {!playing || showsPause ? (
          <div
            className={`stage-status ${failed || error ? 'stage-error' : ''}`}
            role={failed || error ? 'alert' : 'status'}
          >
            {running && !failed && !error && !showsPause ? (
              <span className="spinner" aria-hidden="true" />
            ) : null}
            <span className="status-line">{line}</span>
            {showsPause ? (
              <div className="stage-actions">
                <button className="primary" onClick={togglePause} title="Resume (Space)">
                  Resume
                </button>
              </div>
            ) : null}
            {failed || error ? (
              <div className="stage-actions">
                <button
                  className="primary"
                  onClick={() => {
                    if (state === 'live') player.restart();
                    else start();
                  }}
                >
                  Retry
                </button>
                <button onClick={() => void vigil().windows.close()}>Close</button>
              </div>
            ) : null}
          </div>
        ) : null}
        {showStats && state === 'live' ? (
          <dl className="stats" aria-label="Stream statistics">
            <dt>Resolution</dt>
            <dd>
              {player.stats.width
                ? `${String(player.stats.width)}×${String(player.stats.height)}`
                : '—'}
            </dd>
            <dt>Frame rate</dt>
            <dd>{player.stats.fps} fps</dd>
            <dt>Bitrate</dt>
            <dd>{formatBitrate(player.stats.bitrate)}</dd>
            <dt>Latency</dt>
            <dd>{player.stats.latency === null ? '—' : `${player.stats.latency.toFixed(1)} s`}</dd>
          </dl>
        ) : null}
      </div>
      <footer className="controls">
        {/* Two groups, so a narrow window wraps the buttons onto their own row, all reachable. */}
        <div className="controls-info">
          <span className={`dot dot-${showsPause ? 'paused' : state}`} aria-hidden="true" />
          <span className="live-status" role="status" aria-label="Stream status" title={shown}>
            {shown}
          </span>
          <span className="countdown" aria-label="Time left">
            {info?.deadline
              ? formatRemaining(info.deadline, now)
              : info && info.timeLimitSec === null
                ? 'No limit'
                : ''}
          </span>
          {saved ? (
            <span className="hint saved" title={saved}>
              {saved}
            </span>
          ) : null}
        </div>
        <div className="controls-buttons">
          <button
            onClick={extend}
            disabled={!running || info?.timeLimitSec === null}
            title="Watch 60 seconds longer"
          >
            +60 s
          </button>
          <button onClick={() => setMuted((m) => !m)} aria-pressed={!muted} title="Mute (M)">
            {muted ? 'Unmute' : 'Mute'}
          </button>
          <button
            onClick={saveSnapshot}
            disabled={state !== 'live'}
            title="Save a PNG of this frame"
          >
            Snapshot
          </button>
          <button
            onClick={() => setShowStats((s) => !s)}
            aria-pressed={showStats}
            title="Statistics"
          >
            Stats
          </button>
          <button onClick={toggleFullscreen} title="Fullscreen (F)">
            Fullscreen
          </button>
          <button className="danger" onClick={stop} title="Stop and close">
            Stop
          </button>
        </div>
      </footer>
    </main>
  );
}
