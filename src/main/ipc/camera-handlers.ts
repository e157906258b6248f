import { networkInterfaces } from 'node:os';
import type { CameraRegistry } from '../services/cameras/camera-registry';
import { testCamera, type CameraTestDeps } from '../services/cameras/camera-test';
import { discoverOnvif, listInterfaces } from '../services/cameras/onvif-discovery';
import type { SnapshotService } from '../services/cameras/snapshot-service';
import type { CameraStatusMonitor } from '../services/cameras/status-monitor';
import type { CamerasNotice } from '../../shared/cameras';
import type { createIpcRouter } from './handle';

/**
 * Where "Copy RTSP URL" writes: Electron's `clipboard` in the app (index.ts passes it as is),
 * a readable stand-in in the browser harness. The copy happens here in main rather than with
 * the page's navigator.clipboard for two reasons: the password then never reaches a renderer,
 * and a page's clipboard write needs the `clipboard-sanitized-write` permission
 * (electron/electron#37158, PR #37173), which web/policy.ts deliberately does not grant.
 */
export interface ClipboardPort {
  writeText(text: string): void;
}

export interface CameraHandlerDeps {
  registry: CameraRegistry;
  monitor: CameraStatusMonitor;
  snapshots: SnapshotService;
  tester: Omit<CameraTestDeps, 'registry'>;
  notices: () => CamerasNotice[];
  clipboard: ClipboardPort;
}

/** Wires the cameras channels of the contract to the cameras services. */
export function registerCameraHandlers(
  router: ReturnType<typeof createIpcRouter>,
  deps: CameraHandlerDeps,
): void {
  const { registry, monitor, snapshots } = deps;
  router.handle('cameras:list', () => registry.list());
  router.handle('cameras:add', (_c, input) => registry.add(input));
  router.handle('cameras:update', (_c, id, input) => registry.update(id, input));
  router.handle('cameras:remove', (_c, id) => registry.remove(id));
  router.handle('cameras:undoRemove', (_c, id) => registry.undoRemove(id));
  router.handle('cameras:copyRtspUrl', (_c, id, options) => {
    deps.clipboard.writeText(registry.copyUrl(id, options?.withPassword === true));
  });
  router.handle('cameras:test', (_c, input) => testCamera(input, { registry, ...deps.tester }));
  router.handle('cameras:discover', (_c, options) =>
    discoverOnvif(options?.networkInterface ? { device: options.networkInterface } : {}),
  );
  router.handle('cameras:interfaces', () => listInterfaces(networkInterfaces()));
  router.handle('cameras:snapshot', async (_c, id, options) =>
    options?.cachedOnly ? (snapshots.cached(id) ?? null) : snapshots.take(id),
  );
  router.handle('cameras:status', () => monitor.all());
  router.handle('cameras:checkStatus', async (_c, id) => (await monitor.checkNow(id)) ?? null);
  router.handle('cameras:notices', () => deps.notices());
  router.handle('cameras:demo', () => registry.demoState());
  router.handle('cameras:setDemo', (_c, change) => registry.setDemo(change));
}
