import { app, BrowserWindow, dialog } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedFile } from '../shared/ipc-contract';
import type { WindowPort } from './ipc/window-handlers';
import { createSecureWindow, loadPage } from './windows';

/** The viewer id main uses for a window's stream references. */
export function viewerOf(win: BrowserWindow): string {
  return `window:${String(win.webContents.id)}`;
}

export interface WindowManagerOptions {
  cameraName: (cameraId: string) => string;
  /** A window closed: drop its hold on streams. */
  onClosed: (viewer: string) => void;
}

/** Windows keyed by role: the dashboard, and one live window per camera. */
export class WindowManager implements WindowPort {
  private dashboard: BrowserWindow | null = null;
  private readonly live = new Map<string, BrowserWindow>();

  constructor(private readonly opts: WindowManagerOptions) {}

  async openDashboard(): Promise<void> {
    if (this.dashboard && !this.dashboard.isDestroyed()) {
      this.dashboard.show();
      this.dashboard.focus();
      return;
    }
    const win = createSecureWindow({ title: 'Vigil', width: 1180, height: 780 });
    this.dashboard = win;
    this.track(win, () => (this.dashboard = null));
    await loadPage(win, 'index.html');
  }

  async openLive(cameraId: string): Promise<void> {
    const existing = this.live.get(cameraId);
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.focus();
      return;
    }
    const win = createSecureWindow({
      title: this.opts.cameraName(cameraId),
      width: 800,
      height: 600,
    });
    this.live.set(cameraId, win);
    this.track(win, () => this.live.delete(cameraId));
    await loadPage(win, 'live.html', { camera: cameraId });
  }

  close(viewer: string): void {
    this.find(viewer)?.close();
  }

  async savePng(viewer: string, suggestedName: string, png: Buffer): Promise<SavedFile> {
    const parent = this.find(viewer);
    const options = {
      title: 'Save snapshot',
      defaultPath: join(app.getPath('pictures'), suggestedName),
      filters: [{ name: 'PNG image', extensions: ['png'] }],
    };
    const result = parent
      ? await dialog.showSaveDialog(parent, options)
      : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return { path: null };
    await writeFile(result.filePath, png);
    return { path: result.filePath };
  }

  private find(viewer: string): BrowserWindow | undefined {
    return BrowserWindow.getAllWindows().find((w) => !w.isDestroyed() && viewerOf(w) === viewer);
  }

  private track(win: BrowserWindow, forget: () => void): void {
    const viewer = viewerOf(win);
    win.on('closed', () => {
      forget();
      this.opts.onClosed(viewer);
    });
  }
}
