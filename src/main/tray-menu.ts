import type { Camera, CameraStatus } from '../shared/cameras';
import { SHOW_WINDOW_LABEL } from '../shared/labels';
import type { StreamInfo } from '../shared/streams';
import type { Wall } from '../shared/walls';

/** A menu item as plain data (Electron's MenuItemConstructorOptions fits it). */
export interface TrayItem {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
  submenu?: TrayItem[];
}

export interface TrayState {
  cameras: Camera[];
  /** Saved walls, each opened in one click. */
  walls: Wall[];
  statuses: (cameraId: string) => CameraStatus | undefined;
  streams: StreamInfo[];
  /** How a deadline is shown ("14:27"); the menu names the end time, so it needs no ticking. */
  formatTime: (epochMs: number) => string;
}

export interface TrayActions {
  /** Opens the camera's live window, which starts the stream. */
  watch: (cameraId: string) => void;
  openWall: (wallId: string) => void;
  stop: (cameraId: string) => void;
  stopAll: () => void;
  openDashboard: () => void;
  quit: () => void;
}

const ACTIVE = new Set(['waking', 'starting', 'live', 'reconnecting', 'stopping']);

// The end time, not a countdown: a label that changed every second would rebuild the
// menu every second, and a rebuilt menu closes under the user's pointer on some platforms.
function untilWhen(stream: StreamInfo, formatTime: (epochMs: number) => string): string {
  if (stream.state === 'waking') return 'waking…';
  if (stream.state === 'starting') return 'connecting…';
  if (stream.state === 'stopping') return 'stopping…';
  if (stream.state === 'reconnecting') return 'reconnecting…';
  if (stream.deadline === null) return 'live';
  return `until ${formatTime(stream.deadline)}`;
}

/**
 * The tray menu: every camera (one click watches it; offline ones disabled), each saved wall
 * ("Open wall: Front of house"), the active
 * streams with their end time, Show and Stop, Stop all, the dashboard, Quit.
 */
export function buildTrayMenu(state: TrayState, actions: TrayActions): TrayItem[] {
  // One line per camera: its main stream (a wall's sub stream stands in when it is the only one).
  // A kept-ready camera's session nobody watches is not "streaming" to the user: no Stop for it.
  const active = state.streams
    .filter((s) => ACTIVE.has(s.state) && !(s.warm === true && s.viewers === 0))
    .filter(
      (s, _i, all) =>
        s.variant === 'main' || !all.some((o) => o.cameraId === s.cameraId && o.variant === 'main'),
    );
  const name = (id: string) => state.cameras.find((c) => c.id === id)?.name ?? 'Camera';
  const items: TrayItem[] = [{ label: 'Watch a camera', enabled: false }];
  for (const camera of state.cameras) {
    const status = state.statuses(camera.id)?.state;
    const streaming = active.some((s) => s.cameraId === camera.id);
    const suffix = streaming
      ? ' — streaming'
      : status === 'offline'
        ? ' — offline'
        : status === 'asleep'
          ? ' — asleep'
          : '';
    items.push({
      label: `${camera.name}${suffix}`,
      enabled: status !== 'offline' || streaming,
      click: () => actions.watch(camera.id),
    });
  }
  if (state.walls.length) {
    items.push({ type: 'separator' });
    for (const wall of state.walls) {
      items.push({ label: `Open wall: ${wall.name}`, click: () => actions.openWall(wall.id) });
    }
  }
  if (active.length) {
    items.push({ type: 'separator' }, { label: 'Streaming now', enabled: false });
    for (const stream of active) {
      items.push({
        label: `${name(stream.cameraId)} · ${untilWhen(stream, state.formatTime)}`,
        submenu: [
          { label: SHOW_WINDOW_LABEL, click: () => actions.watch(stream.cameraId) },
          { label: 'Stop', click: () => actions.stop(stream.cameraId) },
        ],
      });
    }
  }
  items.push(
    { type: 'separator' },
    { label: 'Stop all streams', enabled: active.length > 0, click: () => actions.stopAll() },
    { label: 'Open dashboard', click: () => actions.openDashboard() },
    { type: 'separator' },
    { label: 'Quit Vigil', click: () => actions.quit() },
  );
  return items;
}

/** What a menu shows (labels, kinds, enabled states), without its click handlers. */
export function menuSignature(items: TrayItem[]): string {
  return JSON.stringify(items, (key, value: unknown) => (key === 'click' ? undefined : value));
}
