import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCamera } from '../../src/main/services/cameras/camera-test';
import { grabFrame } from '../../src/main/services/streaming/frame-grab';
import { inspectOnvif } from '../../src/main/services/cameras/onvif-client';
import { SnapshotService } from '../../src/main/services/cameras/snapshot-service';
import { CameraStatusMonitor } from '../../src/main/services/cameras/status-monitor';
import { probeRtsp } from '../../src/main/services/streaming/rtsp-probe';
import type { CameraStatus } from '../../src/shared/cameras';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  startSilentTcpServer,
  stopAllFakeCameras,
} from '../fixtures/fake-camera';
import { createTempRegistry } from '../helpers/temp-registry';
import { createHarness, type Harness } from '../helpers/stream-harness';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const gst = hasGstreamerRtsp();
if (!gst)
  console.warn('SKIP camera service tests: GStreamer RTSP server (python3-gi) is not installed');

describe.runIf(gst)('cameras against a real RTSP camera', () => {
  afterAll(() => stopAllFakeCameras());

  it('status: a camera that dies goes offline within one interval, and comes back', async () => {
    const port = await freePort();
    let cam = await startFakeCamera({ port, audio: 'none' });
    const statuses: CameraStatus[] = [];
    const waiters: Array<(s: CameraStatus) => void> = [];
    const monitor = new CameraStatusMonitor({
      targets: () => [{ id: 'cam', battery: false, probeUrl: cam.url }],
      probe: (url) => probeRtsp(url, 500),
      emit: (s) => {
        statuses.push(s);
        for (const w of waiters.splice(0)) w(s);
      },
      intervalMs: 700,
    });
    const next = (state: CameraStatus['state']) =>
      new Promise<CameraStatus>((resolve) => {
        const check = (s: CameraStatus) => (s.state === state ? resolve(s) : waiters.push(check));
        waiters.push(check);
      });
    try {
      const online = next('online');
      monitor.start();
      expect((await online).lastSeen).not.toBeNull();
      const offline = next('offline');
      const killedAt = Date.now();
      cam.kill();
      const down = await offline;
      const took = Date.now() - killedAt;
      console.log(`camera died → offline after ${String(took)} ms (interval 700 ms)`);
      // One interval and one probe timeout, plus room for a loaded machine; still far below
      // the 30 s default interval, so a monitor that ignores intervalMs fails here.
      expect(took).toBeLessThan(700 + 500 + 1_500);
      expect(down.detail).toMatch(/refused/);
      const back = next('online');
      cam = await startFakeCamera({ port, audio: 'none' });
      await back;
      expect(statuses.map((s) => s.state)).toEqual(['checking', 'online', 'offline', 'online']);
    } finally {
      monitor.stop();
      await cam.stop();
    }
  });

  it('a silent server is offline after the probe timeout, not a hang', async () => {
    const silent = await startSilentTcpServer();
    try {
      const t0 = Date.now();
      expect(await probeRtsp(silent.url, 500)).toEqual({
        ok: false,
        detail: 'No answer from the camera.',
        fault: 'timed-out',
      });
      // The 500 ms probe timeout plus room for a loaded machine; a probe that waits for the
      // server instead of its timeout never returns.
      expect(Date.now() - t0).toBeLessThan(500 + 1_500);
    } finally {
      await silent.close();
    }
  });

  it('snapshot: one RTSP frame as a JPEG, cached, one fetch per camera at a time', async () => {
    const cam = await startFakeCamera({ user: 'admin', password: 'pw', audio: 'none' });
    const registry = await createTempRegistry();
    const camera = await registry.add({
      name: 'Cam',
      source: { kind: 'rtsp', url: cam.urlWithCredentials },
    });
    const snapshots = new SnapshotService({
      plan: (id) => Promise.resolve(registry.snapshotPlan(id)),
      grab: (source) => grabFrame(FFMPEG, source),
    });
    const first = snapshots.take(camera.id);
    expect(snapshots.take(camera.id)).toBe(first);
    const snapshot = await first;
    expect(snapshot.dataUrl).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(snapshots.cached(camera.id)).toBe(snapshot);
    await cam.stop();
  });

  it('test connection: the right password → a picture; a wrong one → the reason', async () => {
    const cam = await startFakeCamera({ user: 'admin', password: 'pw', audio: 'none' });
    const registry = await createTempRegistry();
    const deps = {
      registry,
      inspect: inspectOnvif,
      grab: (s: Parameters<typeof grabFrame>[1]) => grabFrame(FFMPEG, s),
    };
    const ok = await testCamera(
      { source: { kind: 'rtsp', url: cam.url }, username: 'admin', password: 'pw' },
      deps,
    );
    expect(ok.message).toMatch(/sent a picture/);
    await expect(
      testCamera(
        { source: { kind: 'rtsp', url: cam.url }, username: 'admin', password: 'nope' },
        deps,
      ),
    ).rejects.toThrow(/refused the username or password/);
    await expect(
      testCamera(
        {
          source: { kind: 'rtsp', url: cam.url.replace('/cam', '/missing') },
          username: 'admin',
          password: 'pw',
        },
        deps,
      ),
    ).rejects.toThrow(/no stream at this address/);
    await cam.stop();
  });
});

describe.runIf(gst)('battery camera', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness();
    await h.service.init();
  });
  afterEach(async () => {
    await h.dispose();
    await stopAllFakeCameras();
  });

  it('shows "waking" until the camera answers, then plays', async () => {
    const port = await freePort();
    h.cameras.set('battery', {
      kind: 'rtsp',
      url: `rtsp://127.0.0.1:${String(port)}/cam`,
      wake: true,
      startTimeoutMs: 20_000,
    });
    const first = await h.service.start('battery', { viewer: 't' });
    expect(first.state).toBe('waking');
    // The camera "wakes" a moment later.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.service.list()[0]?.state).toBe('waking');
    expect(h.spawned).toEqual([]);
    await startFakeCamera({ port, audio: 'none' });
    await h.waitFor('battery', 'live', 15_000);
    expect(h.events.map((e) => e.state)).toEqual(['waking', 'starting', 'live']);
  });

  it('a battery camera that never wakes fails with "timed out", having started no ffmpeg', async () => {
    const port = await freePort();
    h.cameras.set('battery', {
      kind: 'rtsp',
      url: `rtsp://127.0.0.1:${String(port)}/cam`,
      wake: true,
      startTimeoutMs: 2_000,
    });
    await h.service.start('battery', { viewer: 't' });
    const failed = await h.waitFor('battery', 'failed', 10_000);
    expect(failed.failure?.reason).toBe('timed-out');
    expect(h.spawned).toEqual([]);
    expect(h.sessionDirs()).toEqual([]);
  });
});
