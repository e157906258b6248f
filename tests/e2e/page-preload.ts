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

// Electron routes the Fullscreen API through the session's permission handler; a denial
// makes requestFullscreen fail ("Permissions check failed"). Ask the app's own rule.
declare global {
  interface Window {
    __vigilPermission: (permission: string) => Promise<boolean>;
  }
}
const nativeRequestFullscreen = Object.getOwnPropertyDescriptor(
  Element.prototype,
  'requestFullscreen',
)?.value as (this: Element, options?: FullscreenOptions) => Promise<void>;
Element.prototype.requestFullscreen = async function (this: Element, options?: FullscreenOptions) {
  if (!(await window.__vigilPermission('fullscreen')))
    throw new TypeError('Permissions check failed');
  return nativeRequestFullscreen.call(this, options);
};
