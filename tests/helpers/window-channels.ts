import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { registerWindowHandlers, type WindowPort } from '../../src/main/ipc/window-handlers';
import type { IpcEnvelope } from '../../src/shared/ipc-contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/**
 * Main's real window channels (registerWindowHandlers behind the IPC router) over a fake
 * ipcMain: `call(senderId, channel, ...args)` asks as a live page of ours in the window with
 * that webContents id would.
 */
export function windowChannels(port: WindowPort, cameraName: (id: string) => string) {
  const handlers = new Map<string, Listener>();
  registerWindowHandlers(
    createIpcRouter({
      ipcMain: {
        handle: (channel, listener) => void handlers.set(channel, listener),
        removeHandler: (channel) => void handlers.delete(channel),
      },
      isTrustedSender: () => true,
    }),
    port,
    cameraName,
    () => undefined,
  );
  return <T>(senderId: number, channel: string, ...args: unknown[]) =>
    handlers.get(channel)?.(
      { sender: { id: senderId }, senderFrame: { url: 'vigil-app://renderer/live.html' } },
      ...args,
    ) as Promise<IpcEnvelope<T>>;
}
