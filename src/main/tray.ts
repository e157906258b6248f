import { app, Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import { buildTrayMenu, type TrayActions, type TrayState } from './tray-menu';

/** The tray icon for this platform: a template image on macOS, .ico on Windows, PNG on Linux. */
export function trayIconPath(platform: NodeJS.Platform, resourcesDir: string): string {
  if (platform === 'darwin') return join(resourcesDir, 'tray', 'trayTemplate.png');
  if (platform === 'win32') return join(resourcesDir, 'tray', 'tray.ico');
  return join(resourcesDir, 'tray', 'tray.png');
}

/** Where resources/ is: next to the app in development, in process.resourcesPath when packaged. */
export function resourcesDir(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'resources')
    : join(app.getAppPath(), 'resources');
}

/**
 * The tray: rebuilt whenever cameras or streams change, and each second while a stream
 * runs (its time left is in the menu).
 */
export class AppTray {
  private readonly tray: Tray;
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    private readonly state: () => TrayState,
    private readonly actions: TrayActions,
  ) {
    const icon = nativeImage.createFromPath(trayIconPath(process.platform, resourcesDir()));
    if (process.platform === 'darwin') icon.setTemplateImage(true);
    this.tray = new Tray(icon);
    this.tray.setToolTip('Vigil');
    this.refresh();
  }

  refresh(): void {
    const state = this.state();
    this.tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(state, this.actions)));
    const active = state.streams.some((s) => s.state !== 'ended' && s.state !== 'failed');
    if (active && !this.ticker) this.ticker = setInterval(() => this.refresh(), 1_000);
    if (!active && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  destroy(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.tray.destroy();
  }
}
