import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  KEEP_WATCHING_OFFER_SEC,
  KEEP_WATCHING_SEC,
  type StreamInfo,
} from '../../../shared/streams';
import { formatBitrate, formatRemaining, messageOf } from '../common/format';
import { ENTER_PASSWORD_LABEL } from '../../../shared/labels';
import { useNow } from '../common/use-now';
import { vigil } from '../common/vigil';
import { lastPictureLabel, shortStatus, statusLine } from './status-text';
import { useLowLatencyPreference } from './low-latency-pref';
import { pathText } from './path-text';
import { useLivePlayer } from './use-live-player';
import { RecordControl } from './RecordControl';
import { ToastRegion, useToasts } from '../common/Toast';
import { PtzPad } from './PtzPad';
import { LiveHealth, usePlayerStart } from './LiveHealth';
import { MiniControls, useLiveWindowMode, WindowModeButtons } from './MiniPlayer';
import type { Camera } from '../../../shared/cameras';

export { failureText, lastPictureLabel, shortStatus, statusLine } from './status-text';

/** The last part of a path, on Windows too (main gives the platform's separators). */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** How long "ended" stays on screen before the window closes itself (not when time is up). */
export const ENDED_LINGER_MS = 1_500;

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
export function LiveView({
  cameraId,
  initial = null,
}: {
  cameraId: string;
  /** The camera's live session as main handed it (a ready window): played until start answers. */
  initial?: StreamInfo | null;
}) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const [info, setInfo] = useState<StreamInfo | null>(initial);
  const [name, setName] = useState('Camera');
  const [camera, setCamera] = useState<Camera | null>(null);
  const [showHealth, setShowHealth] = useState(false);
  const [poster, setPoster] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [muted, setMuted] = useState(true);
  const [showStats, setShowStats] = useState(false);
  const toasts = useToasts();
  const windowMode = useLiveWindowMode((e) => toasts.show({ kind: 'error', text: messageOf(e) }));
  const [paused, setPaused] = useState(false);
  const now = useNow(250);
  const live = info?.state === 'live' ? info.url : null;
  const [lowLatency, setLowLatency] = useLowLatencyPreference(cameraId, info?.warm === true);
  const offered = info?.state === 'live' ? info.liveUrl : null;
  const player = useLivePlayer(videoRef, live, lowLatency ? offered : null);
  const delivery = pathText(player.path, offered !== null, lowLatency, player.fallback);
  const playerStartMs = usePlayerStart(live ?? offered, player.phase);
  // A kept-ready camera's session writes no HLS files until asked: this window plays HLS (its
  // choice, or the low-latency path failed here), so it asks, once per session. Main restarts
  // the run with them; the window follows its 'reconnecting' → 'live'.
  const filesAsked = useRef<string | null>(null);
  const needsFiles = info?.state === 'live' && info.url === null && player.path === 'hls';
  const sessionId = info?.sessionId ?? null;
  useEffect(() => {
    if (!needsFiles || sessionId === null || filesAsked.current === sessionId) return;
    filesAsked.current = sessionId;
    vigil()
      .streams.start(cameraId, { files: true })
      .catch((e: unknown) => setError(messageOf(e)));
  }, [needsFiles, sessionId, cameraId]);
  // The camera played in this window: a later failure is an outage, not a setup mistake.
  const [playedHere, setPlayedHere] = useState(false);
  useEffect(() => {
    if (player.phase === 'playing') setPlayedHere(true);
  }, [player.phase]);
  const infoRef = useRef(info);
  infoRef.current = info;

  const start = useCallback(() => {
    setError(null);
    vigil()
      .streams.start(cameraId)
      .then((first) =>
        setInfo((current) => (current && current.sessionId === first.sessionId ? current : first)),
      )
      .catch((e: unknown) => setError(messageOf(e)));
  }, [cameraId]);

  // A layout effect, and the start first: the stream is the window's first question to main,
  // ahead of the child components' (passive) effects and the name and poster below. Measured in
  // a ready window (2026-12-03): as the last of seven questions its answer came 65 ms after it
  // was asked, as the first about 20 ms. The subscriptions are in place before any answer.
  useLayoutEffect(() => {
    start();
    const api = vigil();
    const off = api.streams.onState((next) => {
      // A wall's sub stream of this camera is another session: the window plays the main one.
      if (next.cameraId === cameraId && next.variant === 'main') setInfo(next);
    });
    const offChanged = api.cameras.onChanged((cameras) => {
      const camera = cameras.find((c) => c.id === cameraId);
      if (camera) {
        setName(camera.name);
        setCamera(camera);
      }
    });
    // The session failed (the camera refused the password, or was not at that address) and the
    // user has since saved a new login or address for this camera (the dashboard's Edit, from
    // "Enter password…"): try again with what was saved. Only this camera's own source change
    // counts: any other change (a rename, another camera added) would repeat the refusal.
    const offSource = api.cameras.onSourceChanged((change) => {
      if (change.cameraId === cameraId && infoRef.current?.state === 'failed') start();
    });
    void api.cameras.list().then((cameras) => {
      const camera = cameras.find((c) => c.id === cameraId);
      if (camera) {
        setName(camera.name);
        setCamera(camera);
        document.title = camera.name;
      }
    });
    void api.cameras.snapshot(cameraId, { cachedOnly: true }).then((s) => setPoster(s?.dataUrl));
    return () => {
      off();
      offChanged();
      offSource();
    };
  }, [cameraId, start]);

  // Stopped elsewhere (Stop in the tray or on the card): the window follows. When time is up
  // it stays, offering Watch again: the user did not ask for it to go.
  const endedBy = info?.state === 'ended' ? info.endReason : null;
  useEffect(() => {
    if (endedBy === null || endedBy === 'timeout') return undefined;
    const timer = setTimeout(() => void vigil().windows.close(), ENDED_LINGER_MS);
    return () => clearTimeout(timer);
  }, [endedBy]);

  const stop = useCallback(() => {
    void vigil()
      .streams.stop(cameraId)
      .finally(() => void vigil().windows.close());
  }, [cameraId]);

  const extend = () => {
    vigil()
      .streams.extend(cameraId, KEEP_WATCHING_SEC)
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
      .then((file) => {
        const path = file.path;
        if (path === null) return; // the user cancelled the save dialog
        toasts.show({
          kind: 'ok',
          text: `Snapshot saved: ${fileName(path)}`,
          action: {
            label: 'Show in folder',
            onAction: () => {
              vigil()
                .snapshots.showInFolder(path)
                .catch((e: unknown) => toasts.show({ kind: 'error', text: messageOf(e) }));
            },
          },
        });
      })
      .catch((e: unknown) => toasts.show({ kind: 'error', text: messageOf(e) }));
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
      else if (event.key === 'h' || event.key === 'H') setShowHealth((h) => !h);
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
  const timeUp = state === 'ended' && info?.endReason === 'timeout';
  const over = state === 'ended' || state === 'failed';
  const refused = state === 'failed' && info?.failure?.reason === 'unauthorized';
  const showsPause = playing && paused && !error;
  const line = statusLine(info, player.phase, error, paused, playedHere);
  // The message is said once, in the picture; the footer names the state in a word or two.
  const shown = shortStatus(info, player.phase, error, paused);
  const remainingMs = info?.deadline ? info.deadline - now : null;
  const offerMore =
    state === 'live' && remainingMs !== null && remainingMs <= KEEP_WATCHING_OFFER_SEC * 1000;
  // The picture left on screen once playback stopped, dated so it is not taken for live.
  const still = !playing && player.lastFrame ? player.lastFrame : null;

  return (
    <main className={`live live-${state}${windowMode.mode.mini ? ' live-mini' : ''}`}>
      <h1 className="visually-hidden">{name}</h1>
      <div className="stage" ref={stageRef}>
        <video
          ref={videoRef}
          className="player"
          muted={muted}
          playsInline
          poster={still?.dataUrl ?? poster}
          aria-label={`${name} live video`}
        />
        {still ? <span className="last-picture">{lastPictureLabel(still.at)}</span> : null}
        {offerMore ? (
          <div className="keep-watching" role="group" aria-label="Time running out">
            <span>Stops in {formatRemaining(info?.deadline ?? now, now)}</span>
            <button className="primary" onClick={extend} title="Watch 1 minute longer">
              Keep watching
            </button>
          </div>
        ) : null}
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
            {refused && !error ? (
              <div className="stage-actions">
                {/* Retrying would meet the same refusal: the password is what has to change. */}
                <button
                  className="primary"
                  onClick={() =>
                    void vigil()
                      .windows.editCamera(cameraId, { focus: 'password' })
                      .catch((e: unknown) => setError(messageOf(e)))
                  }
                >
                  {ENTER_PASSWORD_LABEL}
                </button>
                <button onClick={() => void vigil().windows.close()}>Close</button>
              </div>
            ) : timeUp && !error ? (
              <div className="stage-actions">
                <button className="primary" onClick={start}>
                  Watch again
                </button>
                <button onClick={() => void vigil().windows.close()}>Close</button>
              </div>
            ) : failed || error ? (
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
            <dt>Delivery</dt>
            <dd>{delivery.tag}</dd>
            <dt>Latency</dt>
            <dd>{player.stats.latency === null ? '—' : `${player.stats.latency.toFixed(1)} s`}</dd>
          </dl>
        ) : null}
        {/* On the picture, so it stays at hand in fullscreen; nothing for a fixed camera. */}
        <PtzPad cameraId={cameraId} />
        {showHealth ? (
          <LiveHealth
            cameraId={cameraId}
            camera={camera}
            playerStartMs={playerStartMs}
            onClose={() => setShowHealth(false)}
          />
        ) : null}
        {windowMode.mode.mini ? (
          <MiniControls windowMode={windowMode} onStop={stop} canStop={running} />
        ) : null}
      </div>
      <footer className="controls">
        {/* Two groups, so a narrow window wraps the buttons onto their own row, all reachable. */}
        <div className="controls-info">
          <span className={`dot dot-${showsPause ? 'paused' : state}`} aria-hidden="true" />
          <span className="live-status" role="status" aria-label="Stream status" title={shown}>
            {shown}
          </span>
          {state === 'live' ? (
            <span className="path-tag" title={delivery.detail}>
              {delivery.tag}
            </span>
          ) : null}
          {running && info?.deadline ? (
            <span className="countdown">
              Stops in <span aria-label="Time left">{formatRemaining(info.deadline, now)}</span>
            </span>
          ) : running && info?.timeLimitSec === null ? (
            <span className="countdown" title="Plays until you close the window">
              No time limit
            </span>
          ) : null}
        </div>
        <RecordControl cameraId={cameraId} live={state === 'live'} />
        <div className="controls-buttons">
          <button
            onClick={() => setMuted((m) => !m)}
            aria-pressed={!muted}
            title="Mute (M)"
            disabled={over}
          >
            {muted ? 'Unmute' : 'Mute'}
          </button>
          <button
            onClick={() => setLowLatency(!lowLatency)}
            aria-pressed={lowLatency}
            disabled={over}
            title="Low latency: the camera’s frames straight to the player, a fraction of a second behind, instead of HLS (about 1.5 s). The start may stutter for a moment."
          >
            Low latency
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
            disabled={state !== 'live'}
          >
            Stats
          </button>
          {/* Also once ended or failed: what went wrong is what the panel is for. */}
          <button
            onClick={() => setShowHealth((h) => !h)}
            aria-pressed={showHealth}
            title="Health: why the stream is slow or fails, and what to change (H)"
          >
            Health
          </button>
          <WindowModeButtons windowMode={windowMode} />
          <button onClick={toggleFullscreen} title="Fullscreen (F)" disabled={over}>
            Fullscreen
          </button>
          {/* Once ended or failed there is nothing to stop; Close is in the picture. */}
          <button className="danger" onClick={stop} title="Stop and close" disabled={!running}>
            Stop
          </button>
        </div>
      </footer>
      <ToastRegion toasts={toasts.toasts} onDismiss={toasts.dismiss} />
    </main>
  );
}
