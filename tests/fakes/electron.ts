// One shared stand-in for the `electron` module: enough of the API for main's adapters
// and the built main bundle to run in plain Node, recording what they asked for.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Listener = (...args: never[]) => unknown;

/** An event object whose preventDefault can be observed. */
export function fakeEvent(): { defaultPrevented: boolean; preventDefault: () => void } {
  const event = {
    defaultPrevented: false,
    preventDefault: () => {
      event.defaultPrevented = true;
    },
  };
  return event;
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  url = '';
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    this.emit('sent', channel, payload);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

export interface FakeBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }

  readonly webContents = new FakeWebContents();
  readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> };
  bounds: FakeBounds;
  loaded: { file?: string; url?: string; query?: Record<string, string> } = {};
  focused = 0;
  shown = 0;
  minimized = false;
  private destroyed = false;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    this.bounds = {
      x: typeof options.x === 'number' ? options.x : 100,
      y: typeof options.y === 'number' ? options.y : 100,
      width: Number(options.width),
      height: Number(options.height),
    };
    BrowserWindow.all.push(this);
    fake.events.emit('window-created', this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.url = url;
    fake.events.emit('window-loaded', this);
    return Promise.resolve();
  }
  loadFile(file: string, options?: { query?: Record<string, string> }): Promise<void> {
    this.loaded = { file, ...(options?.query ? { query: options.query } : {}) };
    this.webContents.url = `file://${file}`;
    fake.events.emit('window-loaded', this);
    return Promise.resolve();
  }
  show(): void {
    this.shown++;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  getNormalBounds(): FakeBounds {
    return { ...this.bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    if (this.destroyed) return;
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  quitCalls = 0;
  exitCode: number | null = null;
  singleInstance = true;
  private readonly dirs = new Map<string, string>();
  private readyResolve: (() => void) | null = null;
  private readonly ready = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });
  getPath(name: string): string {
    let dir = this.dirs.get(name);
    if (!dir) {
      dir = mkdtempSync(join(tmpdir(), `vigil-fake-${name}-`));
      this.dirs.set(name, dir);
    }
    return dir;
  }
  getAppPath(): string {
    return process.cwd();
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Test control: the app becomes ready. */
  becomeReady(): void {
    this.readyResolve?.();
    this.emit('ready');
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  quit(): void {
    this.quitCalls++;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.emit('will-quit', fakeEvent());
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
}

export class Tray {
  static readonly all: Tray[] = [];
  tooltip = '';
  menu: unknown = null;
  destroyed = false;
  constructor(readonly icon: unknown) {
    Tray.all.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const permissionHandlers: { request: Listener | null; check: Listener | null } = {
  request: null,
  check: null,
};
const headerHandlers: Listener[] = [];

export const app = new FakeApp();
export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, listener: Listener) {
    this.handlers.set(channel, listener);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};
export const protocol = {
  privileged: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(
    schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>,
  ) {
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>) {
    this.handlers.set(scheme, handler);
  },
};
export const session = {
  defaultSession: {
    permissionHandlers,
    headerHandlers,
    setPermissionRequestHandler(handler: Listener) {
      permissionHandlers.request = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      permissionHandlers.check = handler;
    },
    webRequest: {
      onHeadersReceived(handler: Listener) {
        headerHandlers.push(handler);
      },
    },
  },
};
export const shell = {
  opened: [] as string[],
  openExternal(url: string) {
    this.opened.push(url);
    return Promise.resolve();
  },
};
export const dialog = {
  nextPath: null as string | null,
  showSaveDialog(..._args: unknown[]) {
    return Promise.resolve({
      canceled: dialog.nextPath === null,
      filePath: dialog.nextPath ?? undefined,
    });
  },
};
export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays() {
    return this.displays;
  },
};
export const Menu = {
  buildFromTemplate: (template: unknown) => ({ template }),
};
export const nativeImage = {
  createFromPath: (path: string) => ({
    path,
    template: false,
    setTemplateImage(this: { template: boolean }, on: boolean) {
      this.template = on;
    },
  }),
};
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (plain: string) => Buffer.from(`enc:${plain}`),
  decryptString: (cipher: Buffer) => cipher.toString().replace(/^enc:/, ''),
};
export const contextBridge = { exposeInMainWorld: () => undefined };
export const ipcRenderer = {
  invoke: () => Promise.resolve(),
  on: () => undefined,
  removeListener: () => undefined,
};

/** Test helpers: what the code under test created. */
export const fake = {
  events: new EventEmitter(),
  windows: () => BrowserWindow.getAllWindows(),
  trays: () => Tray.all,
};

const electron = {
  app,
  BrowserWindow,
  Tray,
  Menu,
  nativeImage,
  ipcMain,
  protocol,
  session,
  shell,
  dialog,
  screen,
  safeStorage,
  contextBridge,
  ipcRenderer,
};
export default electron;
