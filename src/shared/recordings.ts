/** One camera's recording as renderers see it (no other path than the file the user chose). */
export interface RecordingInfo {
  cameraId: string;
  /** `recording` while segments are appended; `ended` and `failed` are final. */
  state: 'recording' | 'ended' | 'failed';
  /** The file being written (a reconnect with other codec settings starts a new one). */
  path: string;
  /** Every file of this recording so far, oldest first (one unless the camera's format changed). */
  files: string[];
  startedAt: number;
  /** Seconds of picture written so far. */
  durationSec: number;
  /** Bytes written so far, across every file. */
  bytes: number;
  /** True when the recording keeps the stream running past its countdown. */
  keepAfterCountdown: boolean;
  /** Why it failed (disk full, folder unwritable): a sentence for the user. */
  error: string | null;
}

export interface StartRecordingOptions {
  /** Keep the camera streaming (and recording) after the live window's countdown. */
  keepAfterCountdown?: boolean;
}

/** Where recordings go. */
export interface RecordingFolder {
  path: string;
  /** True while it is the system's Videos folder (the user never chose one). */
  isDefault: boolean;
}
