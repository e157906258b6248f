// The camera list and ONVIF devices (issue "Streams that survive the real world" §3, §4):
// URIs a device reports for another host are pinned to the host the user gave, so the
// credentials never go anywhere else; and a device that takes its time asking holds up no
// change to another camera.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import {
  CameraRegistry,
  type CameraRegistryOptions,
} from '../../src/main/services/cameras/camera-registry';
import { inspectOnvif } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { SnapshotService } from '../../src/main/services/cameras/snapshot-service';
import { grabFrame } from '../../src/main/services/streaming/frame-grab';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';
import { DigestGuard } from '../fixtures/fake-onvif/digest';
import { createHarness } from '../helpers/stream-harness';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const USER = 'admin';
const PASS = 'Pinned-canary-4b7d';
const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP ONVIF host pinning: GStreamer RTSP server is not installed');

/** The other host: it asks every visitor for credentials (RTSP or HTTP Digest) and keeps all it gets. */
interface Trap {
  connections: number;
  received: () => string;
  close: () => Promise<void>;
}

function startTrap(host: string, port: number): Promise<Trap> {
  let received = '';
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      received += text;
      if (!text.includes('\r\n\r\n')) return;
      const challenge = 'WWW-Authenticate: Digest realm="trap", nonce="7a3f0c", qop="auth"';
      socket.write(
        text.startsWith('GET ')
          ? `HTTP/1.1 401 Unauthorized\r\n${challenge}\r\nContent-Length: 0\r\n\r\n`
          : `RTSP/1.0 401 Unauthorized\r\nCSeq: ${/CSeq: *(\d+)/i.exec(text)?.[1] ?? '1'}\r\n${challenge}\r\n\r\n`,
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        get connections() {
          return connections;
        },
        received: () => received,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

function expectNothingSent(trap: Trap): void {
  const seen = trap.received();
  expect(seen).not.toContain(PASS);
  expect(seen).not.toMatch(/Authorization/i);
  expect(trap.connections).toBe(0);
}

describe('ONVIF and the camera list', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const registry = async (options: Partial<CameraRegistryOptions> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-onvif-registry-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const r = new CameraRegistry({
      file: new CameraFile(join(dir, 'cameras.json')),
      secrets: createMemorySecretStore(),
      emit: () => undefined,
      ...options,
    });
    await r.load();
    return r;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => stopAllFakeCameras());

  describe.runIf(gst)('a device that reports another host for its stream and snapshot', () => {
    let cam: FakeCamera;
    let device: FakeOnvif;
    let snapshotPort: number;
    /** Whether each request to the real snapshot endpoint carried the right credentials. */
    const snapshotRequests: boolean[] = [];
    let closeSnapshots: () => Promise<void>;
    let streamTrap: Trap;
    let snapshotTrap: Trap;

    beforeAll(async () => {
      cam = await startFakeCamera({ user: USER, password: PASS, audio: 'none' });
      // The real snapshot endpoint, on the user's host: HTTP Digest, a JPEG.
      const guard = new DigestGuard('cam', USER, PASS);
      const server = createHttpServer((req, res) => {
        const authorized = guard.verify(req.headers.authorization, 'GET', req.url ?? '');
        snapshotRequests.push(authorized);
        if (!authorized) {
          res.writeHead(401, { 'WWW-Authenticate': guard.challenge() }).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'image/jpeg' });
        res.end(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      snapshotPort = (server.address() as AddressInfo).port;
      closeSnapshots = () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
      // 127.0.0.2 is another host as far as ffmpeg, the relay and Node can tell (all of
      // 127/8 is lo): what a camera behind NAT, or a hostile one, reports. Same ports, so a
      // URI pinned to 127.0.0.1 reaches the real endpoints.
      streamTrap = await startTrap('127.0.0.2', cam.port);
      snapshotTrap = await startTrap('127.0.0.2', snapshotPort);
      device = await startFakeOnvif({
        username: USER,
        password: PASS,
        rtspUrl: cam.url.replace('127.0.0.1', '127.0.0.2'),
        snapshotUrl: `http://127.0.0.2:${String(snapshotPort)}/snapshot.jpg`,
      });
    });
    afterAll(async () => {
      await device?.close();
      await streamTrap?.close();
      await snapshotTrap?.close();
      await closeSnapshots?.();
    });

    const addPorch = async (r: CameraRegistry) =>
      r.add({
        name: 'Porch',
        source: { kind: 'onvif', host: '127.0.0.1', port: device.port, profile: 'main' },
        username: USER,
        password: PASS,
      });

    it('the stream plays from the host the user gave; the reported host gets nothing', async () => {
      const r = await registry();
      const camera = await addPorch(r);
      const h = createHarness({ sources: r });
      cleanups.push(() => h.dispose());
      await h.service.init();
      await h.service.start(camera.id, { viewer: 't' });
      const reached = await h.waitFor(camera.id, ['live', 'failed'], 20_000);
      expectNothingSent(streamTrap);
      expect(reached.state).toBe('live');
      expect(camera.source).toMatchObject({ streamUrl: cam.url });
    });

    it('the snapshot comes from the host the user gave, with the credentials; the reported host gets nothing', async () => {
      const r = await registry();
      const camera = await addPorch(r);
      const logs: string[] = [];
      const snapshots = new SnapshotService({
        plan: (id) => Promise.resolve(r.snapshotPlan(id)),
        grab: (source) => grabFrame(FFMPEG, source),
        log: (line) => logs.push(line),
      });
      snapshotRequests.length = 0;
      const picture = await snapshots.take(camera.id).catch((e: unknown) => e);
      expectNothingSent(snapshotTrap);
      expect((picture as { dataUrl?: string }).dataUrl).toMatch(/^data:image\/jpeg;base64,\/9j\//);
      // Over HTTP from the user's host, not a frame of the stream.
      expect(logs).toEqual([]);
      expect(snapshotRequests).toContain(true);
    });
  });

  it('an edit of one camera is saved while another camera’s ONVIF device has not answered', async () => {
    const hanging = await startFakeOnvif({ rtspUrl: 'rtsp://127.0.0.1:1/cam', fault: 'hang' });
    cleanups.push(() => hanging.close());
    // A shorter deadline than the 8 s default keeps the test short; the point is the order.
    const r = await registry({
      inspect: (target) => inspectOnvif({ ...target, timeoutMs: 4_000 }),
    });
    const gate = await r.add({ name: 'Gate', source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/a' } });
    let settled = false;
    const porch = r
      .add({
        name: 'Porch',
        source: { kind: 'onvif', host: '127.0.0.1', port: hanging.port, profile: 'main' },
      })
      .finally(() => (settled = true));
    await expect
      .poll(() => hanging.requests.length, { timeout: 2_000, interval: 10 })
      .toBeGreaterThan(0);
    const t0 = Date.now();
    const edited = await r.update(gate.id, {
      name: 'Gate',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/b' },
    });
    const took = Date.now() - t0;
    console.log(`edit saved after ${String(took)} ms while a device hung`);
    expect(settled).toBe(false);
    expect(edited.address).toBe('rtsp://10.0.0.9/b');
    // A write of a few ms; room for a loaded machine, far below the device's 4 s deadline.
    expect(took).toBeLessThan(2_000);
    await expect(porch).rejects.toMatchObject({ code: 'onvif-timeout' });
    expect(r.list().map((c) => c.name)).toEqual(['Gate']);
  });
});
