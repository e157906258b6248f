import { contextBridge, ipcRenderer } from 'electron';
import type { IpcEnvelope } from '../shared/ipc-contract';
import { createVigilApi } from './api';

const api = createVigilApi({
  invoke: (channel, args) => ipcRenderer.invoke(channel, ...args) as Promise<IpcEnvelope<unknown>>,
  subscribe: (channel, listener) => {
    // Drop Electron's event object: pages only ever see plain data.
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void =>
      listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('vigil', api);
