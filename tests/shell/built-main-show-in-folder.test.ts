import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IpcEnvelope, SavedFile } from '../../src/shared/ipc-contract';
import { app, dialog, fake, ipcMain, shell, type BrowserWindow } from '../fakes/electron';
import { loadBuiltMain } from './load-built-main';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('the built main: "Show in folder" for a saved snapshot', () => {
  const pictures = mkdtempSync(join(tmpdir(), 'vigil-pictures-'));
  afterAll(async () => {
    const exited = new Promise<void>((resolve) => app.once('will-quit', () => resolve()));
    app.quit();
    await exited;
    rmSync(pictures, { recursive: true, force: true });
  });

  it("opens Electron's file manager only for the snapshot main just saved, never for a path the page names", async () => {
    const loaded = new Promise<BrowserWindow>((resolve) =>
      fake.events.once('window-loaded', (win: BrowserWindow) => resolve(win)),
    );
    loadBuiltMain();
    app.becomeReady();
    const dashboard = await loaded;
    const event = {
      sender: dashboard.webContents,
      senderFrame: { url: dashboard.webContents.url },
    };
    const save = ipcMain.handlers.get('snapshots:save') as unknown as (
      e: unknown,
      ...args: unknown[]
    ) => Promise<IpcEnvelope<SavedFile>>;
    const showInFolder = ipcMain.handlers.get('snapshots:showInFolder') as unknown as (
      e: unknown,
      ...args: unknown[]
    ) => Promise<IpcEnvelope<void>>;

    // A path the page makes up (or one of another run) is refused; nothing is opened.
    const target = join(pictures, 'Porch.png');
    expect(await showInFolder(event, target)).toMatchObject({
      ok: false,
      error: { code: 'not-saved-here' },
    });
    expect(shell.shownInFolder).toEqual([]);

    // The user picks the file in the save dialog; main writes it and may then show it.
    dialog.nextPath = target;
    const saved = await save(event, 'demo', PNG);
    expect(saved).toEqual({ ok: true, value: { path: target } });
    expect(existsSync(target)).toBe(true);
    expect(await showInFolder(event, target)).toEqual({ ok: true, value: undefined });
    expect(shell.shownInFolder).toEqual([target]);
    expect((await showInFolder(event, pictures)).ok).toBe(false);
    expect(shell.shownInFolder).toEqual([target]);
  });
});
