import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CameraFile, storedCameraSchema } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import { testCamera } from '../../src/main/services/cameras/camera-test';
import { inspectOnvif } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';

// Device data against the ONVIF simulator: nothing here streams, so no RTSP camera runs.
const USER = 'admin';
const PASS = 'onvif-Pa55';
const RTSP = 'rtsp://127.0.0.1:8554/main';
const secrets = createMemorySecretStore();

function registryIn(dir: string): CameraRegistry {
  let n = 0;
  return new CameraRegistry({
    file: new CameraFile(join(dir, 'cameras.json')),
    secrets,
    emit: () => undefined,
    newId: () => `cam-${String(++n)}-${String(Date.now())}`,
  });
}

describe('camera list safety against the ONVIF simulator', () => {
  const devices: FakeOnvif[] = [];
  const device = async (options: Partial<Parameters<typeof startFakeOnvif>[0]> = {}) => {
    const d = await startFakeOnvif({
      username: USER,
      password: PASS,
      rtspUrl: RTSP,
      // No JPEG to make: these tests never fetch a snapshot.
      snapshotUrl: 'http://127.0.0.1:1/snapshot.jpg',
      ...options,
    });
    devices.push(d);
    return d;
  };
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'a profile token "%s" without a stream URI never reaches the file, and every camera survives a restart',
    async (token) => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-proto-'));
      const registry = registryIn(dir);
      await registry.load();
      const good = await registry.add({
        name: 'Garage',
        source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
      });
      // The device's sub profile is called `token` and answers an empty stream URI.
      const d = await device({ profileTokens: { sub: token }, subRtspUrl: '' });
      const added = await registry.add({
        name: 'Porch',
        source: { kind: 'onvif', host: '127.0.0.1', port: d.port, profile: 'sub' },
        username: USER,
        password: PASS,
      });
      // A restart loads both cameras, with nothing to report.
      const restarted = registryIn(dir);
      expect(await restarted.load()).toEqual([]);
      expect(restarted.list().map((c) => c.id)).toEqual([good.id, added.id]);
      for (const path of ['cameras.json', 'cameras.json.bak']) {
        const onDisk = JSON.parse(readFileSync(join(dir, path), 'utf8')) as { cameras: unknown[] };
        expect(onDisk.cameras).toHaveLength(2);
        for (const entry of onDisk.cameras)
          expect(storedCameraSchema.safeParse(entry).success).toBe(true);
      }
      // The only playable profile is taken, with its real stream URI.
      expect(added.source).toMatchObject({ kind: 'onvif', profileToken: 'main', streamUrl: RTSP });
    },
  );

  it('device strings with controls, bidi overrides, line breaks and huge text reach the connection test cleaned and capped', async () => {
    const d = await device({
      manufacturer: 'Ev\u202eil\u2066 Corp\u0085\u009b',
      model: `X\r\n100\u2028Pro\t${'W'.repeat(100_000)}`,
      firmware: '\u200f1.0\u202c\u00a0\u00a0beta',
      serial: `S\u001b[31m1`,
    });
    const result = await testCamera(
      {
        source: { kind: 'onvif', host: '127.0.0.1', port: d.port, profile: 'main' },
        username: USER,
        password: PASS,
      },
      {
        registry: registryIn(mkdtempSync(join(tmpdir(), 'vigil-strings-'))),
        inspect: inspectOnvif,
        grab: () => Promise.reject(new Error('unused')),
      },
    );
    const info = result.device;
    expect(info).toMatchObject({
      manufacturer: 'Evil Corp',
      firmware: '1.0 beta',
      serial: 'S[31m1',
    });
    expect(info?.model.startsWith('X 100 Pro WWW')).toBe(true);
    expect(info?.model.length).toBeLessThanOrEqual(120);
    expect(result.message.length).toBeLessThan(400);
    // Nothing unsafe anywhere the renderer receives (JSON escapes controls as \uXXXX).
    const sent = JSON.stringify(result);
    expect(sent).not.toMatch(/\p{Cc}|[\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/u);
    expect(sent).not.toMatch(/\\u00|\\r|\\n|\\t/);
  });

  it('a stream URI that does not parse is refused, never stored or sent with its credentials', async () => {
    const secret = 'Leak3dS3cret';
    const bad = `rtsp://admin:${secret}@cam:notaport/live`;
    const d = await device({ rtspUrl: bad });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-baduri-'));
    const registry = registryIn(dir);
    await registry.load();
    await expect(
      registry.add({
        name: 'Porch',
        source: { kind: 'onvif', host: '127.0.0.1', port: d.port, profile: 'main' },
        username: USER,
        password: PASS,
      }),
    ).rejects.toMatchObject({
      code: 'onvif-bad-uri',
      message: expect.stringMatching(/cannot read.*RTSP URL/) as string,
    });
    expect(JSON.stringify(registry.list())).not.toContain(secret);

    // A list written by an older Vigil may already hold such a URL: it is never sent on.
    const file = new CameraFile(join(dir, 'cameras.json'));
    await file.save([
      {
        id: 'old',
        name: 'Old porch',
        source: {
          kind: 'onvif',
          host: '127.0.0.1',
          port: d.port,
          profile: 'main',
          profileToken: 'main',
          streamUrl: bad,
          snapshotUrl: null,
          videoCodec: 'h264',
        },
        options: { transport: 'tcp', durationSec: 60, battery: false, audio: true },
        username: USER,
        passwordCipher: null,
      },
      {
        id: 'old-rtsp',
        name: 'Old gate',
        source: { kind: 'rtsp', url: `rtsp://u:${secret}@gate:x/1` },
        options: { transport: 'tcp', durationSec: 60, battery: false, audio: true },
        username: null,
        passwordCipher: null,
      },
    ]);
    const restarted = registryIn(dir);
    await restarted.load();
    expect(restarted.list().map((c) => c.id)).toEqual(['old', 'old-rtsp']);
    expect(JSON.stringify(restarted.list())).not.toContain(secret);
  });
});
