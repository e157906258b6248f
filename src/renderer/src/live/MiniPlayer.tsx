import { useCallback, useEffect, useRef, useState } from 'react';
import { NORMAL_LIVE_MODE, type LiveWindowMode } from '../../../shared/windows';
import { vigil } from '../common/vigil';

/**
 * The live window's mode (mini player, kept on top) as main has it, and the way to change it.
 * Main owns the fact and remembers it per camera; the page shows what main answered. Keys:
 * P for the mini player, T for on top, Esc leaves the mini player (after fullscreen).
 */
export function useLiveWindowMode(onError: (error: unknown) => void) {
  const [mode, setMode] = useState<LiveWindowMode>(NORMAL_LIVE_MODE);
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  useEffect(() => {
    let live = true;
    // A window reopened as a mini player shows as one. If main cannot say, the page stays a
    // normal window: the buttons still ask, and say so when main refuses.
    vigil()
      .windows.liveMode()
      .then((m) => {
        if (live) setMode(m);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const setMini = useCallback(async (mini: boolean) => {
    try {
      // A fullscreen page would keep the fullscreen size until it left; the mini player is small.
      if (mini && document.fullscreenElement) await document.exitFullscreen();
      setMode(await vigil().windows.setMini(mini));
    } catch (error) {
      onErrorRef.current(error);
    }
  }, []);

  const setPinned = useCallback((pinned: boolean) => {
    vigil()
      .windows.setPinned(pinned)
      .then(setMode)
      .catch((error: unknown) => onErrorRef.current(error));
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.repeat) return;
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement)
        return;
      const key = event.key.toLowerCase();
      if (key === 'p') void setMini(!modeRef.current.mini);
      else if (key === 't') setPinned(!modeRef.current.pinned);
      // Esc leaves fullscreen first (the window's own handler); the next Esc leaves the mini player.
      else if (event.key === 'Escape' && modeRef.current.mini && !document.fullscreenElement)
        void setMini(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setMini, setPinned]);

  return { mode, setMini, setPinned };
}

type WindowMode = ReturnType<typeof useLiveWindowMode>;

const PIN_TITLE = 'Keep this window above other windows (T)';

/** The footer's Mini player and Keep on top buttons (a normal live window). */
export function WindowModeButtons({ windowMode }: { windowMode: WindowMode }) {
  const { mode, setMini, setPinned } = windowMode;
  return (
    <>
      <button onClick={() => void setMini(true)} title="Picture only, in a small window (P)">
        Mini player
      </button>
      <button
        className="pin-toggle"
        onClick={() => setPinned(!mode.pinned)}
        aria-pressed={mode.pinned}
        title={PIN_TITLE}
      >
        Keep on top
      </button>
    </>
  );
}

/**
 * The mini player's controls, over the picture: hidden until the pointer is over the window
 * or a control has focus (styles.css), so the picture is all a mini player shows.
 */
export function MiniControls(props: {
  windowMode: WindowMode;
  onStop: () => void;
  canStop: boolean;
}) {
  const { mode, setMini, setPinned } = props.windowMode;
  return (
    <div className="mini-controls" role="group" aria-label="Mini player controls">
      <button onClick={() => void setMini(false)} title="Back to the full window (Esc)">
        Exit mini
      </button>
      <button
        className="pin-toggle"
        onClick={() => setPinned(!mode.pinned)}
        aria-pressed={mode.pinned}
        title={PIN_TITLE}
      >
        Keep on top
      </button>
      <button
        className="danger"
        onClick={props.onStop}
        disabled={!props.canStop}
        title="Stop and close"
      >
        Stop
      </button>
    </div>
  );
}
