import { describe, expect, it, vi } from 'vitest';
import { buildTrayMenu, type TrayActions, type TrayItem } from '../../src/main/tray-menu';
import { DEFAULT_CAMERA_OPTIONS, type Camera, type CameraStatus } from '../../src/shared/cameras';
import type { StreamInfo } from '../../src/shared/streams';
import { streamInfo } from '../helpers/stream-info';

const cam = (id: string, name: string): Camera => ({
  id,
  name,
  source: { kind: 'rtsp', url: `rtsp://h/${id}` },
  options: DEFAULT_CAMERA_OPTIONS,
  username: null,
  hasPassword: false,
  address: `rtsp://h/${id}`,
  rtspUrl: `rtsp://h/${id}`,
  builtIn: false,
  hasSubStream: false,
});
const status = (id: string, state: CameraStatus['state']): CameraStatus => ({
  cameraId: id,
  state,
  lastSeen: null,
  checkedAt: 0,
  detail: null,
});
const stream = (cameraId: string, o: Partial<StreamInfo> = {}): StreamInfo =>
  streamInfo({ cameraId, sessionId: cameraId, url: 'x', deadline: 42_000, timeLimitSec: 60, ...o });

function actions(): TrayActions & Record<string, ReturnType<typeof vi.fn>> {
  return {
    watch: vi.fn(),
    openWall: vi.fn(),
    stop: vi.fn(),
    stopAll: vi.fn(),
    openDashboard: vi.fn(),
    quit: vi.fn(),
  };
}
const labels = (items: TrayItem[]) =>
  items.map((i) =>
    i.type === 'separator' ? '---' : `${i.label ?? ''}${i.enabled === false ? ' [disabled]' : ''}`,
  );
const byLabel = (items: TrayItem[], label: string) => items.find((i) => i.label === label);

describe('tray menu', () => {
  const cameras = [cam('a', 'Front door'), cam('b', 'Garage'), cam('c', 'Battery cam')];
  const statuses = new Map([
    ['a', status('a', 'online')],
    ['b', status('b', 'offline')],
    ['c', status('c', 'asleep')],
  ]);

  it('no streams: cameras (offline disabled, asleep allowed), Stop all disabled, dashboard, quit', () => {
    const a = actions();
    const items = buildTrayMenu(
      {
        cameras,
        walls: [],
        statuses: (id) => statuses.get(id),
        streams: [],
        formatTime: (ms) => `T+${String(ms)}`,
      },
      a,
    );
    expect(labels(items)).toEqual([
      'Watch a camera [disabled]',
      'Front door',
      'Garage — offline [disabled]',
      'Battery cam — asleep',
      '---',
      'Stop all streams [disabled]',
      'Open dashboard',
      '---',
      'Quit Vigil',
    ]);
    byLabel(items, 'Battery cam — asleep')?.click?.();
    expect(a.watch).toHaveBeenCalledWith('c');
    byLabel(items, 'Quit Vigil')?.click?.();
    expect(a.quit).toHaveBeenCalled();
  });

  it('active streams show their end time with Show window and Stop; Stop all is enabled', () => {
    const a = actions();
    const items = buildTrayMenu(
      {
        cameras,
        walls: [],
        statuses: (id) => statuses.get(id),
        streams: [
          stream('a'),
          stream('c', { state: 'waking', deadline: null }),
          stream('b', { state: 'ended' }),
        ],
        formatTime: (ms) => `T+${String(ms)}`,
      },
      a,
    );
    expect(labels(items)).toContain('Front door — streaming');
    expect(labels(items)).toContain('Streaming now [disabled]');
    const live = byLabel(items, `Front door · until T+${String(stream('a').deadline)}`);
    const waking = byLabel(items, 'Battery cam · waking…');
    expect(live && waking).toBeTruthy();
    expect(items.some((i) => i.label?.startsWith('Garage ·'))).toBe(false);
    // The card's name for bringing a streaming camera's window forward, not a second one.
    expect(live?.submenu?.map((i) => i.label)).toEqual(['Show window', 'Stop']);
    live?.submenu?.find((i) => i.label === 'Show window')?.click?.();
    expect(a.watch).toHaveBeenCalledWith('a');
    live?.submenu?.find((i) => i.label === 'Stop')?.click?.();
    expect(a.stop).toHaveBeenCalledWith('a');
    byLabel(items, 'Stop all streams')?.click?.();
    expect(a.stopAll).toHaveBeenCalled();
    expect(byLabel(items, 'Stop all streams')?.enabled).toBe(true);
  });

  it('a stream without a time limit says live; an offline camera that is streaming stays clickable', () => {
    const items = buildTrayMenu(
      {
        cameras,
        walls: [],
        statuses: (id) => statuses.get(id),
        streams: [stream('b', { deadline: null, timeLimitSec: null })],
        formatTime: (ms) => `T+${String(ms)}`,
      },
      actions(),
    );
    expect(labels(items)).toContain('Garage · live');
    expect(byLabel(items, 'Garage — streaming')?.enabled).toBe(true);
  });

  it('a kept-ready camera nobody watches is not listed as streaming; once watched it is', () => {
    const state = (viewers: number) => ({
      cameras,
      walls: [],
      statuses: (id: string) => statuses.get(id),
      streams: [stream('a', { warm: true, viewers, deadline: null, timeLimitSec: null })],
      formatTime: (ms: number) => `T+${String(ms)}`,
    });
    const idle = labels(buildTrayMenu(state(0), actions()));
    expect(idle).toContain('Front door');
    expect(idle).not.toContain('Front door — streaming');
    expect(idle).toContain('Stop all streams [disabled]');
    const watched = labels(buildTrayMenu(state(1), actions()));
    expect(watched).toContain('Front door — streaming');
  });

  it('saved walls: one "Open wall: <name>" each, after the cameras, which opens that wall', () => {
    const a = actions();
    const items = buildTrayMenu(
      {
        cameras,
        walls: [
          { id: 'w1', name: 'Front of house', layout: '2x2', cameraIds: ['a'], openAtStart: false },
          { id: 'w2', name: 'Back', layout: 'fit', cameraIds: [], openAtStart: true },
        ],
        statuses: (id) => statuses.get(id),
        streams: [],
        formatTime: (ms) => `T+${String(ms)}`,
      },
      a,
    );
    expect(labels(items).slice(4, 8)).toEqual([
      '---',
      'Open wall: Front of house',
      'Open wall: Back',
      '---',
    ]);
    byLabel(items, 'Open wall: Back')?.click?.();
    expect(a.openWall).toHaveBeenCalledWith('w2');
    expect(a.watch).not.toHaveBeenCalled();
  });
});
