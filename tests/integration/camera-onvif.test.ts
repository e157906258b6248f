import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectOnvif, type OnvifTarget } from '../../src/main/services/cameras/onvif-client';
import { SnapshotService } from '../../src/main/services/cameras/snapshot-service';
import { grabFrame } from '../../src/main/services/streaming/frame-grab';
import { hasGstreamerRtsp, startFakeCamera, type FakeCamera } from '../fixtures/fake-camera';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';
import { createTempRegistry } from '../helpers/temp-registry';
import { createHarness } from '../helpers/stream-harness';

/**
 * The ONVIF checks, against the simulator by default or against your own device:
 * VIGIL_TEST_ONVIF=http://user:pass@host:port npm run test:camera
 */
const external = process.env.VIGIL_TEST_ONVIF;
const runnable = Boolean(external) || hasGstreamerRtsp();
if (!runnable)
  console.warn('SKIP ONVIF camera tests: no VIGIL_TEST_ONVIF and no GStreamer RTSP server');

function targetFrom(raw: string): Required<Omit<OnvifTarget, 'timeoutMs'>> {
  const url = new URL(raw);
  return {
    host: url.hostname,
    port: Number(url.port) || 80,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

describe.runIf(runnable)(
  `ONVIF device under test (${external ? 'VIGIL_TEST_ONVIF' : 'simulator'})`,
  () => {
    let target: ReturnType<typeof targetFrom>;
    let cam: FakeCamera | undefined;
    let device: FakeOnvif | undefined;

    beforeAll(async () => {
      if (external) {
        target = targetFrom(external);
        return;
      }
      cam = await startFakeCamera({ user: 'admin', password: 'pw', audio: 'pcma' });
      device = await startFakeOnvif({ username: 'admin', password: 'pw', rtspUrl: cam.url });
      target = { host: '127.0.0.1', port: device.port, username: 'admin', password: 'pw' };
    });
    afterAll(async () => {
      await device?.close();
      await cam?.stop();
    });

    it('logs in and lists profiles with stream URIs', async () => {
      const inspection = await inspectOnvif(target);
      console.log(
        `ONVIF: ${inspection.device.manufacturer} ${inspection.device.model}, profiles ${inspection.device.profiles.map((p) => `${p.name} ${String(p.width)}x${String(p.height)} ${p.encoding ?? ''}`).join('; ')}`,
      );
      expect(inspection.device.profiles.length).toBeGreaterThan(0);
      expect(Object.values(inspection.uris).every((u) => u.streamUrl.startsWith('rtsp'))).toBe(
        true,
      );
    });

    it('adds the camera and plays its main profile through the pipeline', async () => {
      const reg = await createTempRegistry();
      const camera = await reg.add({
        name: 'Under test',
        source: { kind: 'onvif', host: target.host, port: target.port, profile: 'main' },
        username: target.username,
        password: target.password,
      });
      const h = createHarness({ sources: reg });
      await h.service.init();
      try {
        await h.service.start(camera.id, { viewer: 't' });
        const end = await h.waitFor(camera.id, ['live', 'failed'], 20_000);
        expect(end.failure).toBeNull();
      } finally {
        await h.dispose();
      }
    });

    it('takes a snapshot', async () => {
      const reg = await createTempRegistry();
      const camera = await reg.add({
        name: 'Snap',
        source: { kind: 'onvif', host: target.host, port: target.port, profile: 'sub' },
        username: target.username,
        password: target.password,
      });
      const snapshots = new SnapshotService({
        plan: (id) => Promise.resolve(reg.snapshotPlan(id)),
        grab: (source) => grabFrame(process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg', source),
      });
      expect((await snapshots.take(camera.id)).dataUrl).toMatch(/^data:image\/(jpeg|png);base64,/);
    });

    it('a wrong password is reported as such', async () => {
      await expect(
        inspectOnvif({ ...target, password: `${target.password}-wrong` }),
      ).rejects.toThrow(/Wrong username or password|clock/);
    });
  },
);
