import { useCallback, useEffect, useState } from 'react';
import type { RecordingFolder, RecordingInfo } from '../../../shared/recordings';
import { messageOf } from '../common/format';
import { useRecording } from '../common/recording-store';
import { vigil } from '../common/vigil';

/** `m:ss` (or `h:mm:ss`) of recorded picture. */
export function formatLength(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  return h > 0 ? `${String(h)}:${String(m).padStart(2, '0')}:${s}` : `${String(m)}:${s}`;
}

/** Bytes as the file manager shows them (decimal units). */
export function formatSize(bytes: number): string {
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** What the window says once a recording is over: where it went, or why it stopped. */
function endLine(info: RecordingInfo): string {
  if (info.state === 'failed') return info.error ?? 'The recording stopped.';
  const names = info.files.map(fileName).join(', ');
  return `Recorded ${formatLength(info.durationSec)} to ${names}`;
}

/**
 * Record / Stop recording (and R) in a live window: length and size while it runs, the file
 * when it ends. Main records from the window's own stream; this only asks and shows.
 */
export function RecordControl({ cameraId, live }: { cameraId: string; live: boolean }) {
  const recording = useRecording(cameraId);
  const [keep, setKeep] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [folder, setFolder] = useState<RecordingFolder | null>(null);

  useEffect(() => {
    const api = vigil().recording;
    void api.folder().then(setFolder);
    return api.onState((info) => {
      if (info.cameraId !== cameraId || info.state === 'recording') return;
      setNotice({ text: endLine(info), error: info.state === 'failed' });
    });
  }, [cameraId]);

  const toggle = useCallback(() => {
    if (busy) return;
    const api = vigil().recording;
    setBusy(true);
    setNotice(null);
    const request = recording
      ? api.stop(cameraId)
      : api.start(cameraId, { keepAfterCountdown: keep });
    request
      .catch((e: unknown) => setNotice({ text: messageOf(e), error: true }))
      .finally(() => setBusy(false));
  }, [busy, cameraId, keep, recording]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'r' && event.key !== 'R') return;
      if (event.metaKey || event.ctrlKey || event.altKey || event.repeat) return;
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement)
        return;
      if (!recording && !live) return;
      event.preventDefault();
      toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [live, recording, toggle]);

  const chooseFolder = () => {
    vigil()
      .recording.chooseFolder()
      .then(setFolder)
      .catch((e: unknown) => setNotice({ text: messageOf(e), error: true }));
  };

  return (
    <div className="record-control" role="group" aria-label="Recording">
      <button
        className={recording ? 'danger' : undefined}
        onClick={toggle}
        disabled={busy || (!recording && !live)}
        aria-pressed={recording !== undefined}
        title={recording ? 'Stop recording (R)' : 'Record to an MP4 file (R)'}
      >
        {recording ? 'Stop recording' : 'Record'}
      </button>
      {recording ? (
        <span className="rec-status" role="status" aria-label="Recording length and size">
          <span className="rec-dot" aria-hidden="true" />
          {formatLength(recording.durationSec)} · {formatSize(recording.bytes)}
          {recording.keepAfterCountdown ? ' · continues after the countdown' : ''}
        </span>
      ) : (
        <>
          <label className="rec-keep" title="Keep the camera streaming until you stop recording">
            <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} />
            Keep recording after the countdown
          </label>
          <button onClick={chooseFolder} title={folder ? `Recordings go to ${folder.path}` : ''}>
            Choose folder…
          </button>
        </>
      )}
      {notice ? (
        <span
          className={`hint rec-notice${notice.error ? ' rec-error' : ''}`}
          role={notice.error ? 'alert' : 'status'}
          title={notice.text}
        >
          {notice.text}
        </span>
      ) : null}
    </div>
  );
}
