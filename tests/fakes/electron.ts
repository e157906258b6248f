// One shared stand-in for the `electron` module: enough of the API for main's adapters
// and the built main bundle to run in plain Node, recording what they asked for. Where
// Electron refuses something, so does this fake (checked against Electron 45's docs, source
// and tracker): schemes are registered once, before ready; a cross-origin request to a custom
// scheme without `corsEnabled` fails before its handler runs (electron/electron#51152);
// permission requests go through the session's handler (Electron grants when there is none);
// `send` on destroyed web contents throws; replacing a tray menu while it is open is counted.
//
// Window geometry follows Electron's BaseWindow docs and native_window.cc: setSize(width,
// height[, animate]) "will snap to its minimum size" below the minimum, and setSize is
// SetBounds(Rect(GetPosition(), size)), so setBounds(bounds[, animate]) snaps too; setBounds takes
// a Partial<Rectangle> whose missing properties "default to their current values"; Rectangle
// values must be integers ("Error processing argument at index 0, conversion failure",
// electron/electron#9552). setMinimumSize(width, height) only sets the constraint (it does not
// resize the window here, so code must not count on it). setAlwaysOnTop(flag[, level]
// [, relativeLevel]) takes a level among normal, floating, torn-off-menu, modal-panel,
// main-menu, status, pop-up-menu, screen-saver (a typo throws here); isAlwaysOnTop() answers the
// flag. setAspectRatio is not used by Vigil (main does not know a camera's shape) and not faked.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Listener = (...args: never[]) => unknown;

/** BaseWindow.setAlwaysOnTop's documented levels (`dock` is deprecated and left out). */
const ALWAYS_ON_TOP_LEVELS = [
  'normal',
  'floating',
  'torn-off-menu',
  'modal-panel',
  'main-menu',
  'status',
  'pop-up-menu',
  'screen-saver',
] as const;

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
  private destroyed = false;
  send(channel: string, payload: unknown): void {
    // Electron: "TypeError: Object has been destroyed".
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    this.sent.push({ channel, payload });
    this.emit('sent', channel, payload);
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Test control (and window close): the contents go away. */
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
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
  loaded: {
    file?: string;
    url?: string;
    query?: Record<string, string>;
    response?: { status: number; headers: Record<string, string> };
  } = {};
  focused = 0;
  shown = 0;
  minimized = false;
  maximized = false;
  /** [width, height], from the minWidth/minHeight options, then setMinimumSize. */
  minimumSize: [number, number];
  /** Every setAlwaysOnTop call, its arguments as given. */
  readonly alwaysOnTopCalls: unknown[][] = [];
  private alwaysOnTop: boolean;
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
    this.minimumSize = [
      typeof options.minWidth === 'number' ? options.minWidth : 0,
      typeof options.minHeight === 'number' ? options.minHeight : 0,
    ];
    this.alwaysOnTop = options.alwaysOnTop === true;
    BrowserWindow.all.push(this);
    fake.events.emit('window-created', this);
  }
  /**
   * Loads a page. A custom scheme is served by its protocol.handle handler (none → the load
   * fails, as in Electron); the response is kept so tests can read its status and headers.
   */
  async loadURL(url: string): Promise<void> {
    const parsed = new URL(url);
    const scheme = parsed.protocol.slice(0, -1);
    let response: { status: number; headers: Record<string, string> } | undefined;
    if (!['http', 'https', 'file', 'data', 'about'].includes(scheme)) {
      const handler = protocol.handlers.get(scheme);
      if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
      const reply = await handler(new Request(url));
      response = { status: reply.status, headers: Object.fromEntries(reply.headers.entries()) };
    }
    this.loaded = {
      url,
      query: Object.fromEntries(parsed.searchParams.entries()),
      ...(response ? { response } : {}),
    };
    this.webContents.url = url;
    fake.events.emit('window-loaded', this);
    // Electron emits it once, when the first page has been rendered (a window made with
    // show: false is shown by whoever listens; see createSecureWindow).
    if (!this.readyToShow) {
      this.readyToShow = true;
      this.emit('ready-to-show');
    }
  }
  private readyToShow = false;
  loadFile(file: string, options?: { query?: Record<string, string> }): Promise<void> {
    this.loaded = { file, ...(options?.query ? { query: options.query } : {}) };
    this.webContents.url = `file://${file}`;
    fake.events.emit('window-loaded', this);
    return Promise.resolve();
  }
  show(): void {
    this.shown++;
  }
  /** Shown at least once (the fake has no hide()). */
  isVisible(): boolean {
    return this.shown > 0 || this.options.show !== false;
  }
  getTitle(): string {
    return typeof this.options.title === 'string' ? this.options.title : '';
  }
  /** Electron's setTitle; the fake keeps it where the constructor's title is read from. */
  setTitle(title: string): void {
    this.options.title = title;
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
  getBounds(): FakeBounds {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<FakeBounds>, animate?: boolean): void {
    if (animate !== undefined && typeof animate !== 'boolean')
      throw new TypeError('animate must be a boolean');
    for (const [name, value] of Object.entries(bounds))
      if (value !== undefined && !Number.isInteger(value))
        throw new TypeError(`Error processing argument at index 0, conversion failure (${name})`);
    const next = { ...this.bounds, ...bounds };
    this.bounds = {
      ...next,
      width: Math.max(next.width, this.minimumSize[0]),
      height: Math.max(next.height, this.minimumSize[1]),
    };
  }
  setSize(width: number, height: number, animate?: boolean): void {
    this.setBounds({ width, height }, animate);
  }
  getSize(): [number, number] {
    return [this.bounds.width, this.bounds.height];
  }
  setMinimumSize(width: number, height: number): void {
    if (!Number.isInteger(width) || !Number.isInteger(height))
      throw new TypeError('Error processing argument: width and height must be integers');
    this.minimumSize = [width, height];
  }
  getMinimumSize(): [number, number] {
    return [...this.minimumSize];
  }
  setAlwaysOnTop(flag: boolean, level?: string, relativeLevel?: number): void {
    this.alwaysOnTopCalls.push(
      [flag, level, relativeLevel].slice(
        0,
        relativeLevel !== undefined ? 3 : level !== undefined ? 2 : 1,
      ),
    );
    if (typeof flag !== 'boolean') throw new TypeError('flag must be a boolean');
    if (level !== undefined && !(ALWAYS_ON_TOP_LEVELS as readonly string[]).includes(level))
      throw new TypeError(`unknown always-on-top level: ${level}`);
    this.alwaysOnTop = flag;
  }
  isAlwaysOnTop(): boolean {
    return this.alwaysOnTop;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  unmaximize(): void {
    this.maximized = false;
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
    this.webContents.destroy();
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  isReadyFlag = false;
  isReady(): boolean {
    return this.isReadyFlag;
  }
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
    this.isReadyFlag = true;
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

export class FakeMenu extends EventEmitter {
  constructor(readonly template: unknown) {
    super();
  }
}

export class Tray {
  static readonly all: Tray[] = [];
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  /** setContextMenu calls that replaced a menu the user had open. */
  replacedWhileOpen = 0;
  private menuOpen = false;
  constructor(readonly icon: unknown) {
    Tray.all.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  /** How many times a menu was set. */
  menusSet = 0;
  setContextMenu(menu: FakeMenu): void {
    this.menusSet++;
    if (this.menuOpen) {
      // Electron swaps the menu under the pointer (it closes on some platforms).
      this.replacedWhileOpen++;
      this.menuOpen = false;
      this.menu?.emit('menu-will-close');
    }
    this.menu = menu;
  }
  /** Test control: the user opens / closes the tray menu. */
  openMenu(): void {
    this.menuOpen = true;
    this.menu?.emit('menu-will-show');
  }
  closeMenu(): void {
    if (!this.menuOpen) return;
    this.menuOpen = false;
    this.menu?.emit('menu-will-close');
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
type Privileges = Record<string, boolean>;
type FetchHandler = (request: Request) => Promise<Response>;

/** The origin Chromium gives a URL (standard custom schemes get scheme://host). */
function originOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return 'null';
  return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
}

export const protocol = {
  privileged: [] as Array<{ scheme: string; privileges: Privileges }>,
  handlers: new Map<string, FetchHandler>(),
  registered: false,
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Privileges }>) {
    // Electron: only before ready, and only once.
    if (app.isReady()) throw new Error('registerSchemesAsPrivileged must be called before ready');
    if (this.registered) throw new Error('registerSchemesAsPrivileged can be called only once');
    this.registered = true;
    this.privileged.push(
      ...schemes.map((s) => ({ scheme: s.scheme, privileges: { ...s.privileges } })),
    );
  },
  handle(scheme: string, handler: FetchHandler) {
    if (!app.isReady()) throw new Error('protocol.handle must be called after ready');
    if (this.handlers.has(scheme)) throw new Error(`The scheme "${scheme}" is already handled`);
    this.handlers.set(scheme, handler);
  },
  privilegesOf(scheme: string): Privileges {
    return this.privileged.find((p) => p.scheme === scheme)?.privileges ?? {};
  },
};

/**
 * A page's fetch/XHR (CORS mode) to a URL, as Electron's renderer would make it: a custom
 * scheme needs a handler; a cross-origin request needs the scheme's `corsEnabled` or it is
 * refused before the handler runs; `fetch` needs `supportFetchAPI`. Electron does not check
 * Access-Control-Allow-Origin on custom-scheme responses, so neither does this.
 */
export async function pageRequest(
  pageUrl: string,
  url: string,
  init: { api?: 'fetch' | 'xhr' } = {},
): Promise<Response> {
  const scheme = new URL(url).protocol.slice(0, -1);
  const handler = protocol.handlers.get(scheme);
  if (!handler) throw new TypeError(`net::ERR_UNKNOWN_URL_SCHEME (${scheme})`);
  const privileges = protocol.privilegesOf(scheme);
  if ((init.api ?? 'xhr') === 'fetch' && !privileges.supportFetchAPI)
    throw new TypeError(`Fetch API cannot load ${url}. URL scheme "${scheme}" is not supported.`);
  const pageOrigin = originOf(pageUrl);
  const crossOrigin = pageOrigin !== originOf(url);
  if (crossOrigin && !privileges.corsEnabled)
    throw new TypeError(`net::ERR_FAILED: cross-origin request to ${scheme}: without corsEnabled`);
  return handler(new Request(url, { headers: crossOrigin ? { origin: pageOrigin } : {} }));
}

export const session = {
  defaultSession: {
    permissionHandlers,
    headerHandlers,
    headerFilters: [] as Array<{ urls: string[] } | null>,
    setPermissionRequestHandler(handler: Listener) {
      permissionHandlers.request = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      permissionHandlers.check = handler;
    },
    webRequest: {
      onHeadersReceived(filterOrHandler: { urls: string[] } | Listener, handler?: Listener) {
        if (typeof filterOrHandler === 'function') {
          session.defaultSession.headerFilters.push(null);
          headerHandlers.push(filterOrHandler);
        } else if (handler) {
          session.defaultSession.headerFilters.push(filterOrHandler);
          headerHandlers.push(handler);
        }
      },
    },
  },
};

/**
 * A page asks for a permission (e.g. the Fullscreen API asks for 'fullscreen'): Electron asks
 * the session's request handler, and grants when none is set.
 */
export function requestPermission(
  contents: FakeWebContents,
  permission: string,
  requestingUrl = contents.url,
): Promise<boolean> {
  const handler = permissionHandlers.request as unknown as
    | ((
        wc: FakeWebContents,
        p: string,
        cb: (granted: boolean) => void,
        details: { requestingUrl: string; isMainFrame: boolean },
      ) => void)
    | null;
  if (!handler) return Promise.resolve(true);
  return new Promise((resolve) =>
    handler(contents, permission, resolve, { requestingUrl, isMainFrame: true }),
  );
}

/** The synchronous permission check Chromium makes (e.g. before fullscreen). */
export function checkPermission(
  contents: FakeWebContents,
  permission: string,
  requestingUrl = contents.url,
): boolean {
  const handler = permissionHandlers.check as unknown as
    | ((
        wc: FakeWebContents,
        p: string,
        origin: string,
        details: { requestingUrl: string },
      ) => boolean)
    | null;
  if (!handler) return true;
  return handler(contents, permission, originOf(requestingUrl), { requestingUrl });
}

export const shell = {
  opened: [] as string[],
  openExternal(url: string) {
    this.opened.push(url);
    return Promise.resolve();
  },
  /** Every path main asked the file manager to show. */
  shownInFolder: [] as string[],
  // Electron's returns void and takes one path (docs: shell.showItemInFolder(fullPath)).
  showItemInFolder(fullPath: string): void {
    shell.shownInFolder.push(String(fullPath));
  },
};
/** Electron's clipboard (text only): what main wrote, readable by tests. */
export const clipboard = {
  text: '',
  writeText(text: string): void {
    clipboard.text = String(text);
  },
  readText(): string {
    return clipboard.text;
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
  /** Every error box shown, as [title, content]; Electron's blocks until dismissed. */
  errorBoxes: [] as Array<[string, string]>,
  showErrorBox(title: string, content: string): void {
    dialog.errorBoxes.push([title, content]);
  },
};
export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays() {
    return this.displays;
  },
};
export const Menu = {
  buildFromTemplate: (template: unknown) => new FakeMenu(template),
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
  clipboard,
  dialog,
  screen,
  safeStorage,
  contextBridge,
  ipcRenderer,
};
export default electron;
