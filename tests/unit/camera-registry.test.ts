import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import type { OnvifInspection } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import type { Camera } from '../../src/shared/cameras';

const CANARY = 'Canary-9d1e:p@ss%41';

const inspection: OnvifInspection = {
  device: {
    manufacturer: 'Acme',
    model: 'X100',
    firmware: '1.0',
    serial: 'S1',
    profiles: [
      {
        token: 'main',
        name: 'MainStream',
        role: 'main',
        width: 1920,
        height: 1080,
        encoding: 'H264',
      },
      { token: 'sub', name: 'SubStream', role: 'sub', width: 640, height: 360, encoding: 'H265' },
    ],
  },
  uris: {
    main: { streamUrl: 'rtsp://10.0.0.5:554/main', snapshotUrl: 'http://10.0.0.5/snap.jpg' },
    sub: { streamUrl: 'rtsp://10.0.0.5:554/sub', snapshotUrl: null },
  },
  clockOffsetMs: 0,
};

describe('CameraRegistry', () => {
  let dir: string;
  let registry: CameraRegistry;
  let emitted: Camera[][];
  let inspected: Array<{ host: string; password?: string }>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-reg-'));
    emitted = [];
    inspected = [];
    let n = 0;
    registry = new CameraRegistry({
      file: new CameraFile(join(dir, 'cameras.json')),
      secrets: createMemorySecretStore(),
      emit: (list) => emitted.push(list),
      inspect: (target) => {
        inspected.push(target);
        return Promise.resolve(inspection);
      },
      newId: () => `cam-${String(++n)}`,
    });
    await registry.load();
  });

  it('lists the demo camera while the list is empty, and not after', async () => {
    expect(registry.list().map((c) => [c.id, c.builtIn])).toEqual([['demo', true]]);
    await registry.add({ name: 'Door', source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' } });
    expect(registry.list().map((c) => c.id)).toEqual(['cam-1']);
    // The demo camera can still be streamed and added on purpose.
    expect(registry.resolve('demo')).toEqual({ kind: 'demo' });
    const demo = await registry.add({ name: 'Demo', source: { kind: 'demo' } });
    expect(demo.source).toEqual({ kind: 'demo' });
  });

  it('takes credentials out of a pasted RTSP URL, and keeps the password only encrypted', async () => {
    const url = `rtsp://admin:${encodeURIComponent(CANARY)}@10.0.0.9:554/stream1`;
    const camera = await registry.add({ name: ' Garage ', source: { kind: 'rtsp', url } });
    expect(camera).toMatchObject({
      name: 'Garage',
      username: 'admin',
      hasPassword: true,
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9:554/stream1' },
      rtspUrl: 'rtsp://admin:****@10.0.0.9:554/stream1',
    });
    expect(registry.resolve(camera.id)).toMatchObject({ username: 'admin', password: CANARY });

    const onDisk =
      readFileSync(join(dir, 'cameras.json'), 'utf8') +
      readFileSync(join(dir, 'cameras.json.bak'), 'utf8');
    const dtos = JSON.stringify([registry.list(), emitted]);
    for (const spelling of [CANARY, encodeURIComponent(CANARY), 'Canary-9d1e']) {
      expect(onDisk).not.toContain(spelling);
      expect(dtos).not.toContain(spelling);
    }
  });

  it('update: no password keeps it, a new one replaces it, an empty one removes it', async () => {
    const camera = await registry.add({
      name: 'Yard',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
      username: 'u',
      password: 'first',
    });
    await registry.update(camera.id, {
      name: 'Yard 2',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
      username: 'u',
    });
    expect(registry.resolve(camera.id)).toMatchObject({ password: 'first' });
    await registry.update(camera.id, {
      name: 'Yard 2',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
      username: 'u',
      password: 'second',
    });
    expect(registry.resolve(camera.id)).toMatchObject({ password: 'second' });
    const cleared = await registry.update(camera.id, {
      name: 'Yard 2',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
      password: '',
    });
    expect(cleared.hasPassword).toBe(false);
    expect(registry.resolve(camera.id)).not.toHaveProperty('password');
  });

  it('adds an ONVIF camera by host: profile, stream and snapshot URIs, codec', async () => {
    const main = await registry.add({
      name: 'Porch',
      source: {
        kind: 'onvif',
        host: 'http://10.0.0.5:8000/onvif/device_service',
        port: 80,
        profile: 'main',
      },
      username: 'admin',
      password: 'pw',
    });
    expect(inspected[0]).toMatchObject({
      host: '10.0.0.5',
      port: 8000,
      username: 'admin',
      password: 'pw',
    });
    expect(main.source).toMatchObject({
      kind: 'onvif',
      profileToken: 'main',
      streamUrl: 'rtsp://10.0.0.5:554/main',
      videoCodec: 'h264',
    });
    expect(registry.snapshotPlan(main.id).http).toEqual({
      url: 'http://10.0.0.5/snap.jpg',
      username: 'admin',
      password: 'pw',
    });
    const sub = await registry.add({
      name: 'Porch sub',
      source: { kind: 'onvif', host: '10.0.0.5', port: 80, profile: 'sub' },
    });
    expect(sub.source).toMatchObject({ profileToken: 'sub', videoCodec: 'h265' });
    expect(registry.resolve(sub.id)).toMatchObject({
      url: 'rtsp://10.0.0.5:554/sub',
      videoCodec: 'h265',
    });
  });

  it('battery cameras wake before streaming and get a longer start timeout', async () => {
    const camera = await registry.add({
      name: 'Battery',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
      options: { battery: true, durationSec: 0, transport: 'udp' },
    });
    expect(registry.resolve(camera.id)).toMatchObject({
      wake: true,
      startTimeoutMs: 30_000,
      transport: 'udp',
    });
    expect(registry.durationSec(camera.id)).toBe(0);
    expect(registry.statusTargets()).toEqual([
      { id: camera.id, battery: true, probeUrl: 'rtsp://10.0.0.9/s' },
    ]);
  });

  it.each([
    [{ name: '', source: { kind: 'rtsp', url: 'rtsp://h/x' } }, /name of 1 to 80 characters/],
    [{ name: 'x'.repeat(81), source: { kind: 'rtsp', url: 'rtsp://h/x' } }, /name of 1 to 80/],
    [{ name: 'A', source: { kind: 'rtsp', url: 'http://h/x' } }, /must start with rtsp:\/\//],
    [{ name: 'A', source: { kind: 'rtsp', url: 'not a url' } }, /not a valid address/],
    [
      { name: 'A', source: { kind: 'onvif', host: '  ', port: 80, profile: 'main' } },
      /IP address or host name/,
    ],
    [
      { name: 'A', source: { kind: 'onvif', host: 'bad host!', port: 80, profile: 'main' } },
      /not an IP address or host name/,
    ],
    [
      { name: 'A', source: { kind: 'onvif', host: 'h', port: 70000, profile: 'main' } },
      /port must be a number from 1 to 65535/,
    ],
    [
      { name: 'A', source: { kind: 'rtsp', url: 'rtsp://h/x' }, options: { durationSec: -5 } },
      /0 \(no limit\)/,
    ],
  ] as const)('refuses bad input %j with advice, and changes nothing', async (input, message) => {
    await expect(registry.add(input)).rejects.toThrow(message);
    expect(emitted).toEqual([]);
    expect(registry.list().map((c) => c.id)).toEqual(['demo']);
  });

  it('a failed save leaves memory and disk as they were, and says what to do', async () => {
    class FullDisk extends CameraFile {
      full = false;
      override save(list: Parameters<CameraFile['save']>[0]): Promise<void> {
        if (!this.full) return super.save(list);
        return Promise.reject(
          Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }),
        );
      }
    }
    const file = new FullDisk(join(dir, 'cameras.json'));
    const reg = new CameraRegistry({
      file,
      secrets: createMemorySecretStore(),
      emit: (l) => emitted.push(l),
    });
    await reg.add({ name: 'Kept', source: { kind: 'rtsp', url: 'rtsp://h/x' } });
    const before = readFileSync(join(dir, 'cameras.json'), 'utf8');
    const events = emitted.length;
    file.full = true;
    await expect(
      reg.add({ name: 'Lost', source: { kind: 'rtsp', url: 'rtsp://h/y' } }),
    ).rejects.toThrow(/could not save your camera list \(ENOSPC\)\. Check free disk space/);
    expect(reg.list().map((c) => c.name)).toEqual(['Kept']);
    expect(emitted.length).toBe(events);
    expect(readFileSync(join(dir, 'cameras.json'), 'utf8')).toBe(before);
  });

  it('remove: gone from the list and the file; unknown ids are a clear error', async () => {
    const camera = await registry.add({
      name: 'Gone',
      source: { kind: 'rtsp', url: 'rtsp://h/x' },
    });
    await registry.remove(camera.id);
    expect(registry.list().map((c) => c.id)).toEqual(['demo']);
    await expect(registry.remove(camera.id)).rejects.toThrow(/no longer in your list/);
    expect(() => registry.resolve(camera.id)).toThrow(/no longer in your list/);
  });

  it('a password the keyring can no longer read is a clear error naming the fix', async () => {
    const camera = await registry.add({
      name: 'K',
      source: { kind: 'rtsp', url: 'rtsp://h/x' },
      password: 'p',
    });
    const reloaded = new CameraRegistry({
      file: new CameraFile(join(dir, 'cameras.json')),
      secrets: createMemorySecretStore(),
      emit: () => undefined,
    });
    await reloaded.load();
    expect(() => reloaded.resolve(camera.id)).toThrow(
      /cannot read the saved password.*enter its password again/,
    );
  });
});
