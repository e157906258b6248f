import { app, BrowserWindow, dialog, screen } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedFile } from '../shared/ipc-contract';
import type { StreamInfo } from '../shared/streams';
import type { LiveWindowMode, ReadyHandOver } from '../shared/windows';
import type { WindowPort } from './ipc/window-handlers';
import { fitToDisplays, type Bounds, type WindowStateStore } from './window-state';
import {
  DASHBOARD_DEFAULT,
  DASHBOARD_MIN,
  LIVE_DEFAULT,
  LIVE_MIN,
  LIVE_MINI_DEFAULT,
  LIVE_MINI_MIN,
  READY_WINDOW_DELAY_MS,
  WALL_DEFAULT,
  WALL_MIN,
} from './window-sizes';
import { createSecureWindow, loadPage } from './windows';

type Size = { width: number; height: number };

/** Where a camera's live window is remembered: its normal bounds and mode, and its mini bounds. */
const liveKey = (cameraId: string) => `live:${cameraId}`;
const miniKey = (cameraId: string) => `live-mini:${cameraId}`;

/** A camera's live window, whether it is a mini player now, and its bounds as a normal window. */
interface LiveWindow {
  win: BrowserWindow;
  mini: boolean;
  /** Its bounds as a normal window: kept while it is mini, to go back to them. */
  normal: Bounds;
}

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
   * ffmpeg connects while the page loads. The page's own start then joins it. Returns the
   * camera's session when it is live already (handed to a ready window with its camera).
   */
  onLiveWindow?: (cameraId: string, viewer: string) => StreamInfo | null | void;
  /** How long after it is wanted, or after the last was handed out, the ready window is made. */
  readyDelayMs?: number;
}

/**
 * A live window made in advance, hidden, its page loaded and waiting for a camera (kept while
 * any camera is kept ready). Opening a camera hands it over: no window to create, no page to
 * load, so a kept-ready camera's picture follows the click at once.
 */
interface ReadyWindow {
  win: BrowserWindow;
  /** The page's pending windows:awaitCamera; null until the page has loaded and asked. */
  handTo: ((handOver: ReadyHandOver) => void) | null;
}

/** Windows keyed by role: the dashboard, one live window per camera, one window per wall. */
export class WindowManager implements Required<WindowPort> {
  private dashboard: BrowserWindow | null = null;
  private readonly live = new Map<string, LiveWindow>();
  private readonly walls = new Map<string, BrowserWindow>();
  private ready: ReadyWindow | null = null;
  private readyWanted = false;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: WindowManagerOptions) {}

  async openDashboard(): Promise<void> {
    if (this.dashboard && !this.dashboard.isDestroyed()) {
      this.reveal(this.dashboard);
      return;
    }
    const win = this.create(
      'Vigil',
      this.placed('dashboard', DASHBOARD_DEFAULT, DASHBOARD_MIN),
      DASHBOARD_MIN,
      false,
    );
    this.dashboard = win;
    this.track(
      win,
      () => this.remember('dashboard', win),
      () => (this.dashboard = null),
    );
    await loadPage(win, 'index.html');
  }

  /**
   * Opens a camera's live window, or focuses it when it is open already. It comes back as it
   * was last closed: a mini player where the mini player was, kept on top if it was.
   */
  async openLive(cameraId: string): Promise<void> {
    const existing = this.liveWindow(cameraId);
    if (existing) {
      this.reveal(existing);
      return;
    }
    const saved = this.opts.bounds.get(liveKey(cameraId));
    const normal = this.placed(liveKey(cameraId), LIVE_DEFAULT, LIVE_MIN);
    const mini = saved?.mini === true;
    const title = this.opts.cameraName(cameraId);
    const [bounds, min] = mini
      ? [this.miniBounds(cameraId, normal), LIVE_MINI_MIN]
      : [normal, LIVE_MIN];
    const ready = this.takeReady();
    const win = ready?.win ?? this.create(title, bounds, min, true);
    if (ready) {
      win.setTitle(title);
      // The minimum first: Electron snaps a setBounds below the minimum up to it.
      win.setMinimumSize(min.width, min.height);
      win.setBounds(bounds);
    }
    // The same call (and level) as Keep on top, so a restored window floats like a pinned one.
    if (saved?.pinned === true) win.setAlwaysOnTop(true, 'floating');
    const entry: LiveWindow = { win, mini, normal };
    this.live.set(cameraId, entry);
    this.track(
      win,
      () => this.rememberLive(cameraId, entry),
      () => this.live.delete(cameraId),
    );
    const stream = this.opts.onLiveWindow?.(cameraId, viewerOf(win)) ?? null;
    if (ready) {
      ready.handTo({ cameraId, stream });
      this.reveal(win);
      this.scheduleReady();
      return;
    }
    await loadPage(win, 'live.html', { camera: cameraId });
  }

  /**
   * Keeps a ready window while `on` (Vigil has a kept-ready camera), made READY_WINDOW_DELAY_MS
   * later; off closes it. It costs one renderer process (about 60 MB) and no CPU while it waits.
   */
  setReadyWindow(on: boolean): void {
    this.readyWanted = on;
    if (on) {
      this.scheduleReady();
      return;
    }
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
    const ready = this.ready;
    this.ready = null;
    if (ready && !ready.win.isDestroyed()) ready.win.close();
  }

  /** The ready window's page asking for its camera; undefined for any other window. */
  awaitCamera(viewer: string): Promise<ReadyHandOver> | undefined {
    const ready = this.ready;
    if (!ready || ready.win.isDestroyed() || viewerOf(ready.win) !== viewer) return undefined;
    // A reload asks again: the newest question is the one answered.
    return new Promise((resolve) => (ready.handTo = resolve));
  }

  /** The ready window, taken out of the pool, if its page is loaded and waiting. */
  private takeReady(): (ReadyWindow & { handTo: (handOver: ReadyHandOver) => void }) | undefined {
    const ready = this.ready;
    if (!ready || ready.win.isDestroyed() || !ready.handTo) return undefined;
    this.ready = null;
    return { win: ready.win, handTo: ready.handTo };
  }

  private scheduleReady(): void {
    if (!this.readyWanted || this.ready || this.readyTimer) return;
    this.readyTimer = setTimeout(() => {
      this.readyTimer = null;
      this.makeReady();
    }, this.opts.readyDelayMs ?? READY_WINDOW_DELAY_MS);
  }

  private makeReady(): void {
    if (!this.readyWanted || this.ready) return;
    const win = createSecureWindow({
      title: 'Vigil',
      ...this.fit(LIVE_DEFAULT, LIVE_MIN),
      minWidth: LIVE_MIN.width,
      minHeight: LIVE_MIN.height,
      keepRunningInBackground: true,
      showWhenReady: false,
    });
    const ready: ReadyWindow = { win, handTo: null };
    this.ready = ready;
    // Closed while waiting (its renderer gone, or quit): the next one comes with the next use.
    win.on('closed', () => {
      if (this.ready === ready) this.ready = null;
    });
    loadPage(win, 'live.html', { ready: '1' }).catch(() => {
      // A page that did not load never asks for a camera: closed, and made again after the
      // next live window opens.
      if (this.ready !== ready) return;
      this.ready = null;
      if (!win.isDestroyed()) win.close();
    });
  }

  liveMode(viewer: string): LiveWindowMode | undefined {
    const found = this.liveOf(viewer);
    return found && this.modeOf(found[1]);
  }

  /**
   * Makes the viewer's own live window a mini player or a normal window again, and keeps it on
   * top or not. Each change is remembered for the camera at once, so a crash keeps it too.
   */
  setLiveMode(viewer: string, change: Partial<LiveWindowMode>): LiveWindowMode | undefined {
    const found = this.liveOf(viewer);
    if (!found) return undefined;
    const [cameraId, entry] = found;
    const { win } = entry;
    if (change.pinned !== undefined && change.pinned !== win.isAlwaysOnTop()) {
      // Electron: level is macOS/Windows only and "floating" is the default when the flag is
      // true; with false the level goes back to "normal" (BaseWindow docs, setAlwaysOnTop).
      if (change.pinned) win.setAlwaysOnTop(true, 'floating');
      else win.setAlwaysOnTop(false);
    }
    if (change.mini === true && !entry.mini) {
      // Where it is as a normal window (not maximized: getNormalBounds), to come back to.
      entry.normal = win.getNormalBounds();
      if (win.isMaximized()) win.unmaximize();
      entry.mini = true;
      // The minimum first: Electron snaps a setBounds below the minimum up to it.
      win.setMinimumSize(LIVE_MINI_MIN.width, LIVE_MINI_MIN.height);
      win.setBounds(this.miniBounds(cameraId, entry.normal));
    } else if (change.mini === false && entry.mini) {
      this.opts.bounds.set(miniKey(cameraId), win.getNormalBounds());
      entry.mini = false;
      win.setMinimumSize(LIVE_MIN.width, LIVE_MIN.height);
      win.setBounds(this.fit(entry.normal, LIVE_MIN));
    }
    this.rememberLive(cameraId, entry);
    return this.modeOf(entry);
  }

  /** Opens a wall's window (its tiles start their streams), or focuses it when it is open. */
  async openWall(wallId: string): Promise<void> {
    const existing = this.walls.get(wallId);
    if (existing && !existing.isDestroyed()) {
      this.reveal(existing);
      return;
    }
    const key = `wall:${wallId}`;
    const win = this.create(
      this.opts.wallName(wallId),
      this.placed(key, WALL_DEFAULT, WALL_MIN),
      WALL_MIN,
      true,
    );
    this.walls.set(wallId, win);
    this.track(
      win,
      () => this.remember(key, win),
      () => this.walls.delete(wallId),
    );
    await loadPage(win, 'wall.html', { wall: wallId });
  }

  /** The window of a wall, if open. */
  wallWindow(wallId: string): BrowserWindow | undefined {
    const win = this.walls.get(wallId);
    return win && !win.isDestroyed() ? win : undefined;
  }

  /** The live window of a camera, if open. */
  liveWindow(cameraId: string): BrowserWindow | undefined {
    const win = this.live.get(cameraId)?.win;
    return win && !win.isDestroyed() ? win : undefined;
  }

  /**
   * Gives every live window its camera's current name: the title is set once at creation,
   * and the page's own <title> is kept out (see track), so a rename is followed here.
   */
  retitleLive(): void {
    for (const [cameraId, { win }] of this.live) {
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

  /** Bounds made usable on today's displays, and at least `min` large. */
  private fit(bounds: Bounds, min: Size): Bounds {
    // Bounds saved before a minimum existed (or raised) come back at least that large.
    return fitToDisplays(
      bounds,
      screen.getAllDisplays().map((d) => d.workArea),
      min,
    );
  }

  /** Where a window remembered under `key` opens (the default size when it never was). */
  private placed(key: string, fallback: Size, min: Size): Bounds {
    return this.fit(this.opts.bounds.get(key) ?? fallback, min);
  }

  /**
   * A camera's mini player: where and how large it last was; the first time, the default size
   * at the window's top-left corner.
   */
  private miniBounds(cameraId: string, normal: Bounds): Bounds {
    const saved = this.opts.bounds.get(miniKey(cameraId));
    const fallback =
      normal.x === undefined || normal.y === undefined
        ? LIVE_MINI_DEFAULT
        : { x: normal.x, y: normal.y, ...LIVE_MINI_DEFAULT };
    return this.fit(saved ?? fallback, LIVE_MINI_MIN);
  }

  private create(title: string, bounds: Bounds, min: Size, live: boolean): BrowserWindow {
    return createSecureWindow({
      title,
      ...bounds,
      minWidth: min.width,
      minHeight: min.height,
      keepRunningInBackground: live,
    });
  }

  private liveOf(viewer: string): [string, LiveWindow] | undefined {
    for (const [cameraId, entry] of this.live)
      if (!entry.win.isDestroyed() && viewerOf(entry.win) === viewer) return [cameraId, entry];
    return undefined;
  }

  /** The window's own state is the truth for "on top" (nothing else in Vigil changes it). */
  private modeOf(entry: LiveWindow): LiveWindowMode {
    return { mini: entry.mini, pinned: entry.win.isAlwaysOnTop() };
  }

  private remember(key: string, win: BrowserWindow): void {
    this.opts.bounds.set(key, win.getNormalBounds());
  }

  /** A camera's window as it is now: normal bounds and mode, and the mini player's bounds. */
  private rememberLive(cameraId: string, entry: LiveWindow): void {
    const { win } = entry;
    if (entry.mini) this.opts.bounds.set(miniKey(cameraId), win.getNormalBounds());
    const normal = entry.mini ? entry.normal : win.getNormalBounds();
    this.opts.bounds.set(liveKey(cameraId), { ...normal, ...this.modeOf(entry) });
  }

  private reveal(win: BrowserWindow): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  private find(viewer: string): BrowserWindow | undefined {
    return BrowserWindow.getAllWindows().find((w) => !w.isDestroyed() && viewerOf(w) === viewer);
  }

  private track(win: BrowserWindow, remember: () => void, forget: () => void): void {
    const viewer = viewerOf(win);
    // Keep the page's <title> from replacing ours (the camera name).
    win.on('page-title-updated', (event) => event.preventDefault());
    win.on('close', remember);
    win.on('closed', () => {
      forget();
      this.opts.onClosed(viewer);
    });
  }
}
