import { app, Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import { buildTrayMenu, menuSignature, type TrayActions, type TrayState } from './tray-menu';

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
 * The tray. Its menu is rebuilt only when what it shows changes (cameras, statuses, streams),
 * never on a timer, and never while it is open: Electron replaces an open context menu when
 * setContextMenu is called, closing it under the user's pointer. A change that arrives while
 * it is open is applied when it closes. (Menu emits menu-will-show / menu-will-close; where a
 * platform's tray does not, the content check alone keeps rebuilds to real changes.)
 */
export class AppTray {
  private readonly tray: Tray;
  private shown = '';
  private open = false;
  private pending = false;

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
    if (this.open) {
      this.pending = true;
      return;
    }
    this.pending = false;
    const items = buildTrayMenu(this.state(), this.actions);
    const signature = menuSignature(items);
    if (signature === this.shown) return;
    this.shown = signature;
    const menu = Menu.buildFromTemplate(items);
    menu.on('menu-will-show', () => (this.open = true));
    menu.on('menu-will-close', () => {
      this.open = false;
      if (this.pending) this.refresh();
    });
    this.tray.setContextMenu(menu);
  }

  destroy(): void {
    this.tray.destroy();
  }
}
