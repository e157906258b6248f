import { useRecording } from './recording-store';

/** "Recording" on a camera's card while main records it (also past its live window). */
export function RecordingBadge({ cameraId }: { cameraId: string }) {
  const recording = useRecording(cameraId);
  if (!recording) return null;
  return (
    <span className="rec-badge" role="status" title={`Recording to ${recording.path}`}>
      <span className="rec-dot" aria-hidden="true" />
      Recording
    </span>
  );
}
