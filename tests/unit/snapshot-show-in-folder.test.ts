import { describe, expect, it } from 'vitest';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { registerWindowHandlers, type WindowPort } from '../../src/main/ipc/window-handlers';
import type { IpcEnvelope, SavedFile } from '../../src/shared/ipc-contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function setup(savedAs: (suggestedName: string) => string | null) {
  const handlers = new Map<string, Listener>();
  const router = createIpcRouter({
    ipcMain: {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
    },
    isTrustedSender: () => true,
  });
  const port: WindowPort = {
    openLive: () => undefined,
    openWall: () => undefined,
    openDashboard: () => undefined,
    close: () => undefined,
    savePng: (_viewer, suggestedName) => Promise.resolve({ path: savedAs(suggestedName) }),
  };
  const shown: string[] = [];
  registerWindowHandlers(
    router,
    port,
    () => 'Porch',
    () => undefined,
    { showItemInFolder: (path) => void shown.push(path) },
  );
  const call = <T>(channel: string, ...args: unknown[]) =>
    handlers.get(channel)?.(
      { sender: { id: 1 }, senderFrame: { url: 'app://renderer/live.html' } },
      ...args,
    ) as Promise<IpcEnvelope<T>>;
  return {
    shown,
    save: () => call<SavedFile>('snapshots:save', 'c1', PNG),
    showInFolder: (path: unknown) => call<void>('snapshots:showInFolder', path),
  };
}

describe('snapshots:showInFolder', () => {
  it('shows a snapshot main saved in this run, in the file manager', async () => {
    const app = setup((name) => `/home/u/Pictures/${name}`);
    const saved = await app.save();
    if (!saved.ok || saved.value.path === null) throw new Error('not saved');
    expect(await app.showInFolder(saved.value.path)).toEqual({ ok: true, value: undefined });
    expect(app.shown).toEqual([saved.value.path]);
  });

  it('refuses any path main did not save, and shows nothing', async () => {
    const app = setup((name) => `/home/u/Pictures/${name}`);
    await app.save();
    for (const path of ['/etc/passwd', '/home/u/Pictures', '/home/u/Pictures/other.png']) {
      expect(await app.showInFolder(path)).toEqual({
        ok: false,
        error: {
          code: 'not-saved-here',
          message: expect.stringMatching(/only snapshots it saved/) as string,
        },
      });
    }
    expect(app.shown).toEqual([]);
  });

  it('a cancelled save adds nothing that could be shown', async () => {
    const app = setup(() => null);
    const saved = await app.save();
    expect(saved).toEqual({ ok: true, value: { path: null } });
    expect((await app.showInFolder('null')).ok).toBe(false);
    expect(app.shown).toEqual([]);
  });
});
