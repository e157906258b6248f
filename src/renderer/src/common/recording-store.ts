import { useSyncExternalStore } from 'react';
import type { RecordingInfo } from '../../../shared/recordings';

/**
 * Which cameras are recording, from main's facts: one subscription per page, shared by every
 * badge and control (a dashboard of 500 cards asks once). Outside the app (a component test
 * without window.vigil) nothing is recording.
 */
const running = new Map<string, RecordingInfo>();
const listeners = new Set<() => void>();
let started = false;
let version = 0;

function changed(): void {
  version++;
  for (const listener of listeners) listener();
}

function apply(info: RecordingInfo): void {
  if (info.state === 'recording') running.set(info.cameraId, info);
  else running.delete(info.cameraId);
  changed();
}

function start(): void {
  if (started) return;
  const api = (window as Partial<Window>).vigil?.recording;
  if (!api) return;
  started = true;
  api.onState(apply);
  void api.list().then((list) => {
    // Events that came meanwhile are newer than the list.
    for (const info of list) if (!running.has(info.cameraId)) running.set(info.cameraId, info);
    changed();
  });
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The camera's running recording, or undefined. */
export function useRecording(cameraId: string): RecordingInfo | undefined {
  useSyncExternalStore(subscribe, () => version);
  return running.get(cameraId);
}
