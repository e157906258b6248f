// Source resolution pins every device-reported URI to the host the user gave (issue "Streams
// that survive the real world" §4): behind NAT a camera reports addresses the user cannot
// reach, and a hostile one reports another machine; credentials go only to the user's host.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CameraFile, type StoredCamera } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import { pinToHost } from '../../src/main/services/cameras/camera-source';
import type { OnvifInspection } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';

describe('pinToHost', () => {
  it.each([
    [
      'rtsp://192.168.0.99:554/Streaming/101?transport=tcp',
      '10.0.0.5',
      'rtsp://10.0.0.5:554/Streaming/101?transport=tcp',
    ],
    ['rtsp://camera.internal/live', '10.0.0.5', 'rtsp://10.0.0.5/live'],
    ['rtsp://0.0.0.0:8554/main', 'cam.example.net', 'rtsp://cam.example.net:8554/main'],
    ['http://192.168.0.99:8080/snap.jpg?ch=1', 'fe80::1', 'http://[fe80::1]:8080/snap.jpg?ch=1'],
    ['https://192.168.0.99/snap.jpg', '[::1]', 'https://[::1]/snap.jpg'],
    ['rtsps://10.0.0.5:322/s', '10.0.0.5', 'rtsps://10.0.0.5:322/s'],
    ['rtsp://admin:secret@192.168.0.99/live', '10.0.0.5', 'rtsp://10.0.0.5/live'],
  ])('%s with host %s → %s', (url, host, pinned) => {
    expect(pinToHost(url, host)).toBe(pinned);
  });

  it.each([
    ['rtsp://cam:notaport/live', '10.0.0.5'],
    ['not a url', '10.0.0.5'],
    // A host the URL cannot take is refused, never left as the device's.
    ['rtsp://192.168.0.99/live', '10.0.0.5:8000'],
    ['rtsp://192.168.0.99/live', 'bad host'],
  ])('%s with host %s → refused (null)', (url, host) => {
    expect(pinToHost(url, host)).toBeNull();
  });
});

describe('the registry pins what a device reports', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  const inspection = (streamUrl: string, snapshotUrl: string | null): OnvifInspection => ({
    device: {
      manufacturer: 'Acme',
      model: 'NAT',
      firmware: '1',
      serial: 's',
      profiles: [
        { token: 'p0', name: 'Main', role: 'main', width: 1920, height: 1080, encoding: 'H264' },
      ],
    },
    uris: { p0: { streamUrl, snapshotUrl } },
    clockOffsetMs: 0,
  });

  async function open(
    report: OnvifInspection = inspection('rtsp://x/', null),
  ): Promise<{ registry: CameraRegistry; file: CameraFile }> {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pin-'));
    dirs.push(dir);
    const file = new CameraFile(join(dir, 'cameras.json'));
    const registry = new CameraRegistry({
      file,
      secrets: createMemorySecretStore(),
      emit: () => undefined,
      inspect: () => Promise.resolve(report),
    });
    await registry.load();
    return { registry, file };
  }

  it('a stream and snapshot URI for an internal name are stored, streamed and shown at the user’s host', async () => {
    const { registry } = await open(
      inspection('rtsp://camera.internal:554/h264', 'http://192.168.0.99:80/onvif/snapshot?ch=1'),
    );
    const camera = await registry.add({
      name: 'Behind NAT',
      source: { kind: 'onvif', host: 'cam.example.net', port: 8000, profile: 'main' },
      username: 'admin',
      password: 'pw',
    });
    expect(camera.source).toMatchObject({
      streamUrl: 'rtsp://cam.example.net:554/h264',
      snapshotUrl: 'http://cam.example.net/onvif/snapshot?ch=1',
    });
    expect(camera.rtspUrl).toBe('rtsp://admin:****@cam.example.net:554/h264');
    expect(registry.resolve(camera.id)).toMatchObject({
      url: 'rtsp://cam.example.net:554/h264',
      password: 'pw',
    });
    expect(registry.snapshotPlan(camera.id).http).toMatchObject({
      url: 'http://cam.example.net/onvif/snapshot?ch=1',
      password: 'pw',
    });
  });

  it('an entry an older Vigil saved with the reported host is pinned wherever it is used', async () => {
    const { registry, file } = await open();
    const old: StoredCamera = {
      id: 'old',
      name: 'Old porch',
      source: {
        kind: 'onvif',
        host: '10.0.0.5',
        port: 80,
        profile: 'main',
        profileToken: 'p0',
        streamUrl: 'rtsp://127.0.0.2:554/main',
        snapshotUrl: 'http://127.0.0.2/snap.jpg',
        videoCodec: 'h264',
      },
      options: { transport: 'tcp', durationSec: 60, battery: false, audio: true },
      username: 'admin',
      passwordCipher: null,
    };
    await file.save([old]);
    await registry.load();
    expect(registry.resolve('old')).toMatchObject({ url: 'rtsp://10.0.0.5:554/main' });
    expect(registry.snapshotPlan('old').http?.url).toBe('http://10.0.0.5/snap.jpg');
    expect(registry.statusTargets()).toEqual([
      { id: 'old', battery: false, probeUrl: 'rtsp://10.0.0.5:554/main' },
    ]);
    expect(JSON.stringify(registry.list())).not.toContain('127.0.0.2');
  });

  it('a stream URI that cannot be pointed at the user’s host is refused at add, with what to do', async () => {
    const { registry } = await open(inspection('rtsp://192.168.0.99/live', null));
    await expect(
      registry.add({
        name: 'Porch',
        source: { kind: 'onvif', host: '10.0.0.5:8000', port: 80, profile: 'main' },
      }),
    ).rejects.toMatchObject({
      code: 'onvif-bad-uri',
      message: expect.stringMatching(/RTSP URL instead/) as string,
    });
  });
});
