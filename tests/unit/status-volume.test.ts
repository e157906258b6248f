// Volume (issue "Security and data safety" §4): status checks in a sliding window, one full
// pass at a time, and a burst of camera additions is one list event and one check of the
// new cameras, not a full re-check per addition.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVigilCore } from '../../src/main/core';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import {
  CameraStatusMonitor,
  type StatusTarget,
} from '../../src/main/services/cameras/status-monitor';
import type { ProbeResult } from '../../src/main/services/streaming/rtsp-probe';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('status checks', () => {
  it('run in a sliding window: one slow camera does not hold up the cameras after it', async () => {
    const targets: StatusTarget[] = Array.from({ length: 16 }, (_, i) => ({
      id: `c${String(i)}`,
      battery: false,
      probeUrl: `rtsp://127.0.0.1:9/${String(i)}`,
    }));
    const done = new Map<string, number>();
    const t0 = Date.now();
    const monitor = new CameraStatusMonitor({
      targets: () => targets,
      probe: async (url): Promise<ProbeResult> => {
        await sleep(url.endsWith('/0') ? 3_000 : 20);
        return { ok: true };
      },
      emit: (s) => void (s.state === 'online' && done.set(s.cameraId, Date.now() - t0)),
    });
    const pass = monitor.checkAll();
    // Lock-step batches of 8 would make cameras 8-15 wait for the slow camera 0 (3 s).
    await expect.poll(() => done.size, { timeout: 2_500, interval: 50 }).toBe(15);
    expect(done.has('c0')).toBe(false);
    await pass;
    expect(done.size).toBe(16);
  });

  it('one full pass at a time: ten calls during a pass make one more pass, not ten', async () => {
    const targets: StatusTarget[] = [{ id: 'a', battery: false, probeUrl: 'rtsp://127.0.0.1:9/a' }];
    let probes = 0;
    const monitor = new CameraStatusMonitor({
      targets: () => targets,
      probe: async (): Promise<ProbeResult> => {
        probes++;
        await sleep(100);
        return { ok: true };
      },
      emit: () => undefined,
    });
    await Promise.all(Array.from({ length: 10 }, () => monitor.checkAll()));
    await sleep(400);
    expect(probes).toBe(2);
  });
});

describe('a burst of 300 camera additions', () => {
  it('reaches the pages as a handful of list events, and every camera gets a status', async () => {
    // A port that refuses at once: an unreachable camera.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-volume-'));
    const events = { lists: 0, bytes: 0 };
    const core = createVigilCore({
      dataDir,
      tempRoot: join(dataDir, 'streams'),
      secrets: createMemorySecretStore(),
      ffmpeg: () => Promise.reject(new Error('no ffmpeg needed')),
      broadcast: (channel, payload) => {
        if (channel !== 'cameras:changed') return;
        events.lists++;
        events.bytes += JSON.stringify(payload).length;
      },
    });
    try {
      await core.init();
      const ids: string[] = [];
      const adds = Array.from({ length: 300 }, (_, i) =>
        core.registry
          .add({
            name: `Camera ${String(i)}`,
            source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(port)}/cam${String(i)}` },
          })
          .then((c) => ids.push(c.id)),
      );
      await Promise.all(adds);
      await expect
        .poll(() => ids.filter((id) => core.monitor.get(id)?.state === 'offline').length, {
          timeout: 30_000,
          interval: 200,
        })
        .toBe(300);
      console.log(
        `300 adds: ${String(events.lists)} list events, ${String(Math.round(events.bytes / 1024))} KiB`,
      );
      // One event per add was 300 events and 14.9 MB here (each carries the whole list so far).
      expect(events.lists).toBeLessThan(150);
      expect(events.bytes).toBeLessThan(4 * 1024 * 1024);
    } finally {
      await core.shutdown();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
