import { app, BrowserWindow, dialog, screen } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedFile } from '../shared/ipc-contract';
import type { WindowPort } from './ipc/window-handlers';
import { fitToDisplays, type WindowStateStore } from './window-state';
import {
  DASHBOARD_DEFAULT,
  DASHBOARD_MIN,
  LIVE_DEFAULT,
  LIVE_MIN,
  WALL_DEFAULT,
  WALL_MIN,
} from './window-sizes';
import { createSecureWindow, loadPage } from './windows';

/** The viewer id main uses for a window's stream references. */
export function viewerOf(win: BrowserWindow): string {
  return `window:${String(win.webContents.id)}`;
}

export interface WindowManagerOptions {
  cameraName: (cameraId: string) => string;
  wallName: (wallId: string) => string;
  /** A window closed: drop its hold on streams. */
  onClosed: (viewer: string) => void;
  bounds: WindowStateStore;
  /**
   * A live window was just created (its page not loaded yet): start the stream now, so
   * ffmpeg connects while the page loads. The page's own start then joins it.
   */
  onLiveWindow?: (cameraId: string, viewer: string) => void;
}

/** Windows keyed by role: the dashboard, one live window per camera, one window per wall. */
export class WindowManager implements WindowPort {
  private dashboard: BrowserWindow | null = null;
  private readonly live = new Map<string, BrowserWindow>();
  private readonly walls = new Map<string, BrowserWindow>();

  constructor(private readonly opts: WindowManagerOptions) {}

  async openDashboard(): Promise<void> {
    if (this.dashboard && !this.dashboard.isDestroyed()) {
      this.reveal(this.dashboard);
      return;
    }
    const win = this.create('dashboard', 'Vigil', DASHBOARD_DEFAULT, DASHBOARD_MIN, false);
    this.dashboard = win;
    this.track(win, 'dashboard', () => (this.dashboard = null));
    await loadPage(win, 'index.html');
  }

  /** Opens a camera's live window, or focuses it when it is open already. */
  async openLive(cameraId: string): Promise<void> {
    const existing = this.live.get(cameraId);
    if (existing && !existing.isDestroyed()) {
      this.reveal(existing);
      return;
    }
    const key = `live:${cameraId}`;
    const win = this.create(key, this.opts.cameraName(cameraId), LIVE_DEFAULT, LIVE_MIN, true);
    this.live.set(cameraId, win);
    this.track(win, key, () => this.live.delete(cameraId));
    this.opts.onLiveWindow?.(cameraId, viewerOf(win));
    await loadPage(win, 'live.html', { camera: cameraId });
  }

  /** Opens a wall's window (its tiles start their streams), or focuses it when it is open. */
  async openWall(wallId: string): Promise<void> {
    const existing = this.walls.get(wallId);
    if (existing && !existing.isDestroyed()) {
      this.reveal(existing);
      return;
    }
    const key = `wall:${wallId}`;
    const win = this.create(key, this.opts.wallName(wallId), WALL_DEFAULT, WALL_MIN, true);
    this.walls.set(wallId, win);
    this.track(win, key, () => this.walls.delete(wallId));
    await loadPage(win, 'wall.html', { wall: wallId });
  }

  /** The window of a wall, if open. */
  wallWindow(wallId: string): BrowserWindow | undefined {
    const win = this.walls.get(wallId);
    return win && !win.isDestroyed() ? win : undefined;
  }

  /** The live window of a camera, if open. */
  liveWindow(cameraId: string): BrowserWindow | undefined {
    const win = this.live.get(cameraId);
    return win && !win.isDestroyed() ? win : undefined;
  }

  /**
   * Gives every live window its camera's current name: the title is set once at creation,
   * and the page's own <title> is kept out (see track), so a rename is followed here.
   */
  retitleLive(): void {
    for (const [cameraId, win] of this.live) {
      if (win.isDestroyed()) continue;
      const title = this.opts.cameraName(cameraId);
      if (win.getTitle() !== title) win.setTitle(title);
    }
    for (const [wallId, win] of this.walls) {
      if (win.isDestroyed()) continue;
      const title = this.opts.wallName(wallId);
      if (win.getTitle() !== title) win.setTitle(title);
    }
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

  private create(
    key: string,
    title: string,
    fallback: { width: number; height: number },
    min: { width: number; height: number },
    live: boolean,
  ): BrowserWindow {
    const saved = this.opts.bounds.get(key);
    const bounds = fitToDisplays(
      saved ?? fallback,
      screen.getAllDisplays().map((d) => d.workArea),
    );
    return createSecureWindow({
      title,
      ...bounds,
      // Bounds saved before a minimum existed (or raised) come back at least that large.
      width: Math.max(bounds.width, min.width),
      height: Math.max(bounds.height, min.height),
      minWidth: min.width,
      minHeight: min.height,
      keepRunningInBackground: live,
    });
  }

  private reveal(win: BrowserWindow): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  private find(viewer: string): BrowserWindow | undefined {
    return BrowserWindow.getAllWindows().find((w) => !w.isDestroyed() && viewerOf(w) === viewer);
  }

  private track(win: BrowserWindow, key: string, forget: () => void): void {
    const viewer = viewerOf(win);
    // Keep the page's <title> from replacing ours (the camera name).
    win.on('page-title-updated', (event) => event.preventDefault());
    win.on('close', () => this.opts.bounds.set(key, win.getNormalBounds()));
    win.on('closed', () => {
      forget();
      this.opts.onClosed(viewer);
    });
  }
}
