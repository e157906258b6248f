import { networkInterfaces } from 'node:os';
import type { CameraRegistry } from '../services/cameras/camera-registry';
import { testCamera, type CameraTestDeps } from '../services/cameras/camera-test';
import { discoverOnvif, listInterfaces } from '../services/cameras/onvif-discovery';
import type { SnapshotService } from '../services/cameras/snapshot-service';
import type { CameraStatusMonitor } from '../services/cameras/status-monitor';
import type { CamerasNotice } from '../../shared/cameras';
import type { createIpcRouter } from './handle';

export interface CameraHandlerDeps {
  registry: CameraRegistry;
  monitor: CameraStatusMonitor;
  snapshots: SnapshotService;
  tester: Omit<CameraTestDeps, 'registry'>;
  notices: () => CamerasNotice[];
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
