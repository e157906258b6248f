// Runs in every test page before the renderer: builds window.vigil with the app's own
// createVigilApi; only the transport differs (a Playwright binding instead of ipcRenderer).
import { createVigilApi } from '../../src/preload/api';
import type { EventChannel, InvokeChannel, IpcEnvelope } from '../../src/shared/ipc-contract';

declare global {
  interface Window {
    /** Exposed by the harness with context.exposeBinding. */
    __vigilInvoke: (channel: InvokeChannel, args: unknown[]) => Promise<IpcEnvelope<unknown>>;
    /** Called by the harness to deliver main's events. */
    __vigilEmit: (channel: EventChannel, payload: unknown) => void;
  }
}

const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
window.__vigilEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};
window.vigil = createVigilApi({
  invoke: (channel, args) => window.__vigilInvoke(channel, args),
  subscribe: (channel, listener) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  },
});
