// A camera's second, smaller stream (issue "The camera wall" §2): learned from an ONVIF
// device's sub profile, or given as a second RTSP URL; resolved with the camera's one login;
// told to pages as `hasSubStream`, never with credentials.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry, type CameraChange } from '../../src/main/services/cameras/camera-registry';
import type { OnvifInspection } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';

const device = (withSub: boolean): OnvifInspection => ({
  device: {
    manufacturer: 'Acme',
    model: 'Two streams',
    firmware: '1',
    serial: 's',
    profiles: [
      { token: 'p0', name: 'Main', role: 'main', width: 2560, height: 1440, encoding: 'H264' },
      ...(withSub
        ? [
            {
              token: 'p1',
              name: 'Sub',
              role: 'sub' as const,
              width: 640,
              height: 360,
              encoding: 'H264',
            },
          ]
        : []),
    ],
  },
  uris: {
    p0: { streamUrl: 'rtsp://192.168.0.9:554/main', snapshotUrl: null },
    p1: { streamUrl: 'rtsp://192.168.0.9:554/sub', snapshotUrl: null },
  },
  clockOffsetMs: 0,
});

describe('a camera’s sub stream', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function open(report = device(true)) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sub-'));
    dirs.push(dir);
    const changes: CameraChange[] = [];
    const registry = new CameraRegistry({
      file: new CameraFile(join(dir, 'cameras.json')),
      secrets: createMemorySecretStore(),
      emit: (_cameras, change) => changes.push(change),
      inspect: () => Promise.resolve(report),
    });
    await registry.load();
    return { registry, changes };
  }

  it('ONVIF, main profile: the sub profile’s stream is learned, pinned to the user’s host, and resolved with the camera’s login', async () => {
    const { registry } = await open();
    const camera = await registry.add({
      name: 'Drive',
      source: { kind: 'onvif', host: '10.0.0.5', port: 80, profile: 'main' },
      username: 'admin',
      password: 'pw',
    });
    expect(camera.hasSubStream).toBe(true);
    expect(registry.resolve(camera.id, 'sub')).toMatchObject({
      kind: 'rtsp',
      url: 'rtsp://10.0.0.5:554/sub',
      username: 'admin',
      password: 'pw',
    });
    // The main stream is still the main profile's.
    expect(registry.resolve(camera.id)).toMatchObject({ url: 'rtsp://10.0.0.5:554/main' });
  });

  it('ONVIF without a sub profile, or playing the sub profile itself: no sub stream, and asking for it says what to do', async () => {
    const { registry } = await open(device(false));
    const one = await registry.add({
      name: 'One',
      source: { kind: 'onvif', host: '10.0.0.5', port: 80, profile: 'main' },
    });
    expect(one.hasSubStream).toBe(false);
    expect(() => registry.resolve(one.id, 'sub')).toThrow(/has no sub stream.*Edit/);
    const { registry: other } = await open(device(true));
    const small = await other.add({
      name: 'Small',
      source: { kind: 'onvif', host: '10.0.0.5', port: 80, profile: 'sub' },
    });
    expect(small.hasSubStream).toBe(false);
  });

  it('RTSP: a second URL is the sub stream, its credentials split off like the main URL’s; other credentials in it are refused', async () => {
    const { registry } = await open();
    const camera = await registry.add({
      name: 'Gate',
      source: {
        kind: 'rtsp',
        url: 'rtsp://admin:pw@10.0.0.7/stream1',
        subUrl: 'rtsp://admin:pw@10.0.0.7/stream2',
      },
    });
    expect(camera.hasSubStream).toBe(true);
    expect(camera.source).toEqual({
      kind: 'rtsp',
      url: 'rtsp://10.0.0.7/stream1',
      subUrl: 'rtsp://10.0.0.7/stream2',
    });
    expect(JSON.stringify(registry.list())).not.toContain('pw@');
    expect(registry.resolve(camera.id, 'sub')).toMatchObject({
      url: 'rtsp://10.0.0.7/stream2',
      username: 'admin',
      password: 'pw',
    });
    await expect(
      registry.add({
        name: 'Other login',
        source: {
          kind: 'rtsp',
          url: 'rtsp://admin:pw@10.0.0.7/stream1',
          subUrl: 'rtsp://viewer:other@10.0.0.7/stream2',
        },
      }),
    ).rejects.toThrow(/own username or password.*remove them/);
    // An empty second URL is none.
    const plain = await registry.add({
      name: 'Plain',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.8/s', subUrl: '  ' },
    });
    expect(plain.hasSubStream).toBe(false);
    expect(plain.source).toEqual({ kind: 'rtsp', url: 'rtsp://10.0.0.8/s' });
  });

  it('editing only the sub stream address is a change of what is streamed (a running sub stream restarts)', async () => {
    const { registry, changes } = await open();
    const camera = await registry.add({
      name: 'Gate',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.7/stream1', subUrl: 'rtsp://10.0.0.7/stream2' },
    });
    await registry.update(camera.id, {
      name: 'Gate',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.7/stream1', subUrl: 'rtsp://10.0.0.7/stream3' },
    });
    expect(changes.at(-1)).toEqual({ kind: 'updated', id: camera.id, sourceChanged: true });
    await registry.update(camera.id, {
      name: 'Gate renamed',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.7/stream1', subUrl: 'rtsp://10.0.0.7/stream3' },
    });
    expect(changes.at(-1)).toEqual({ kind: 'updated', id: camera.id, sourceChanged: false });
  });

  it('the demo camera has no sub stream', async () => {
    const { registry } = await open();
    expect(registry.get('demo')?.hasSubStream).toBe(false);
    expect(() => registry.resolve('demo', 'sub')).toThrow(/has no sub stream/);
  });
});
