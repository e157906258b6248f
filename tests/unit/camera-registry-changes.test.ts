// The registry's writes and change events (issue "Streams that survive the real world" §3, §6):
// an ONVIF inspection runs before the write queue, an overtaken edit never writes over a newer
// one, and each change says whether what is streamed changed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry, type CameraChange } from '../../src/main/services/cameras/camera-registry';
import { DemoSetting } from '../../src/main/services/cameras/demo-setting';
import type { OnvifInspection, OnvifTarget } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import type { CameraInput } from '../../src/shared/cameras';

const SHA = Array.from({ length: 32 }, () => 'AB').join(':');

function inspection(host: string, snapshotUrl: string | null = null): OnvifInspection {
  return {
    device: {
      manufacturer: 'Acme',
      model: 'X',
      firmware: '1',
      serial: 's',
      profiles: [
        { token: 'p0', name: 'Main', role: 'main', width: 1920, height: 1080, encoding: 'H264' },
      ],
    },
    uris: { p0: { streamUrl: `rtsp://${host}:554/main`, snapshotUrl } },
    clockOffsetMs: 0,
  };
}

/** An inspection the test answers when it wants to. */
interface Pending {
  target: OnvifTarget;
  answer: (value: OnvifInspection) => void;
}

const onvif = (host: string): CameraInput => ({
  name: 'Porch',
  source: { kind: 'onvif', host, port: 80, profile: 'main' },
  username: 'admin',
  password: 'pw',
});
const rtsp = (url: string, extra: Partial<CameraInput> = {}): CameraInput => ({
  name: 'Gate',
  source: { kind: 'rtsp', url },
  ...extra,
});

describe('registry writes and change events', () => {
  let dir: string;
  let registry: CameraRegistry;
  let changes: CameraChange[];
  let pending: Pending[];
  let n: number;

  const open = async (demo?: DemoSetting): Promise<CameraRegistry> => {
    const r = new CameraRegistry({
      file: new CameraFile(join(dir, 'cameras.json')),
      secrets: createMemorySecretStore(),
      emit: (_list, change) => changes.push(change),
      inspect: (target) =>
        new Promise((answer) => {
          pending.push({ target, answer });
        }),
      newId: () => `cam-${String(++n)}`,
      ...(demo ? { demo } : {}),
    });
    await r.load();
    return r;
  };
  const inspecting = async (count: number): Promise<void> => {
    await expect.poll(() => pending.length, { timeout: 2_000, interval: 5 }).toBe(count);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-reg-changes-'));
    changes = [];
    pending = [];
    n = 0;
    registry = await open();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('an ONVIF inspection that has not answered does not hold up an edit of another camera', async () => {
    const gate = await registry.add(rtsp('rtsp://10.0.0.9/a'));
    const porch = registry.add(onvif('10.0.0.5'));
    await inspecting(1);
    // The edit is saved while the device is still being asked.
    const edited = await registry.update(gate.id, rtsp('rtsp://10.0.0.9/b'));
    expect(edited.source).toEqual({ kind: 'rtsp', url: 'rtsp://10.0.0.9/b' });
    pending[0]?.answer(inspection('10.0.0.5'));
    await porch;
    expect(registry.list().map((c) => c.name)).toEqual(['Gate', 'Porch']);
  });

  it('an edit overtaken by a later edit of the same camera is refused; the later one stays', async () => {
    const gate = await registry.add(rtsp('rtsp://10.0.0.9/a'));
    const older = registry.update(gate.id, { ...onvif('10.0.0.5'), name: 'Older' });
    await inspecting(1);
    await registry.update(gate.id, rtsp('rtsp://10.0.0.9/newer', { name: 'Newer' }));
    pending[0]?.answer(inspection('10.0.0.5'));
    await expect(older).rejects.toMatchObject({
      code: 'camera-changed',
      message: expect.stringMatching(/newer change to “Newer”.*not applied/) as string,
    });
    expect(registry.get(gate.id)).toMatchObject({
      name: 'Newer',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/newer' },
    });
    const onDisk = readFileSync(join(dir, 'cameras.json'), 'utf8');
    expect(onDisk).toContain('rtsp://10.0.0.9/newer');
    expect(onDisk).not.toContain('Older');
  });

  it('edits asked for one after another are all applied, in order', async () => {
    const gate = await registry.add(rtsp('rtsp://10.0.0.9/a'));
    const results = await Promise.all([
      registry.update(gate.id, rtsp('rtsp://10.0.0.9/1')),
      registry.update(gate.id, rtsp('rtsp://10.0.0.9/2')),
      registry.update(gate.id, rtsp('rtsp://10.0.0.9/3')),
    ]);
    expect(results.map((c) => c.address)).toEqual([
      'rtsp://10.0.0.9/1',
      'rtsp://10.0.0.9/2',
      'rtsp://10.0.0.9/3',
    ]);
    expect(registry.get(gate.id)?.address).toBe('rtsp://10.0.0.9/3');
  });

  it('a camera removed while its edit asked the device is not brought back', async () => {
    const gate = await registry.add(rtsp('rtsp://10.0.0.9/a'));
    const edit = registry.update(gate.id, onvif('10.0.0.5'));
    await inspecting(1);
    await registry.remove(gate.id);
    pending[0]?.answer(inspection('10.0.0.5'));
    await expect(edit).rejects.toMatchObject({ code: 'camera-not-found' });
    expect(registry.list().map((c) => c.id)).toEqual(['demo']);
    expect(readFileSync(join(dir, 'cameras.json'), 'utf8')).not.toContain(gate.id);
  });

  it('a certificate pinned while an edit asked the device is kept, as is the stored password', async () => {
    const snap = 'https://10.0.0.5:8443/snap.jpg';
    const porch = registry.add(onvif('10.0.0.5'));
    await inspecting(1);
    pending[0]?.answer(inspection('10.0.0.5', snap));
    const camera = await porch;
    // No password given: the stored one is kept (and the device is asked with it).
    const edit = registry.update(camera.id, {
      name: 'Renamed',
      source: { kind: 'onvif', host: '10.0.0.5', port: 80, profile: 'main' },
      username: 'admin',
    });
    await inspecting(2);
    await registry.pinCertificate(camera.id, '10.0.0.5:8443', SHA);
    pending[1]?.answer(inspection('10.0.0.5', snap));
    expect(await edit).toMatchObject({ name: 'Renamed', hasPassword: true });
    expect(pending[1]?.target).toMatchObject({ username: 'admin', password: 'pw' });
    expect(registry.snapshotPlan(camera.id).http).toEqual({
      url: snap,
      username: 'admin',
      password: 'pw',
      pinnedSha256: SHA,
    });
  });

  it('says whether an edit changed what is streamed: a rename does not, an address, a password or the transport does', async () => {
    const gate = await registry.add(rtsp('rtsp://10.0.0.9/a', { password: 'one' }));
    const updated = async (input: CameraInput) => {
      changes.length = 0;
      await registry.update(gate.id, input);
      return changes;
    };
    expect(await updated(rtsp('rtsp://10.0.0.9/a', { name: 'Renamed' }))).toEqual([
      { kind: 'updated', id: gate.id, sourceChanged: false },
    ]);
    expect(await updated(rtsp('rtsp://10.0.0.9/a', { options: { durationSec: 300 } }))).toEqual([
      { kind: 'updated', id: gate.id, sourceChanged: false },
    ]);
    for (const input of [
      rtsp('rtsp://10.0.0.9/b'),
      rtsp('rtsp://10.0.0.9/b', { password: 'two' }),
      rtsp('rtsp://10.0.0.9/b', { username: 'viewer' }),
      rtsp('rtsp://10.0.0.9/b', { username: 'viewer', options: { transport: 'udp' } }),
    ]) {
      expect(await updated(input)).toEqual([{ kind: 'updated', id: gate.id, sourceChanged: true }]);
    }
    changes.length = 0;
    await registry.remove(gate.id);
    expect(changes).toEqual([{ kind: 'removed', id: gate.id }]);
  });

  it('the first camera added hides the automatic demo camera and raises the notice, saved for the next start', async () => {
    const demoFile = join(dir, 'demo-camera.json');
    registry = await open(new DemoSetting(demoFile));
    expect(registry.list().map((c) => c.id)).toEqual(['demo']);
    const first = await registry.add(rtsp('rtsp://10.0.0.9/a'));
    expect(changes.at(-1)).toEqual({ kind: 'added', id: first.id, first: true });
    expect(registry.list().map((c) => c.id)).toEqual([first.id]);
    expect(registry.demoState()).toEqual({ mode: 'auto', notice: true });
    // Hidden, not gone: it can still be watched (a demo window keeps playing).
    expect(registry.resolve('demo')).toEqual({ kind: 'demo' });
    expect(registry.get('demo')?.builtIn).toBe(true);
    const second = await registry.add(rtsp('rtsp://10.0.0.9/b'));
    expect(changes.at(-1)).toEqual({ kind: 'added', id: second.id, first: false });

    const restarted = await open(new DemoSetting(demoFile));
    expect(restarted.demoState()).toEqual({ mode: 'auto', notice: true });

    await restarted.setDemo({ show: true });
    expect(changes.at(-1)).toEqual({ kind: 'demo' });
    expect(restarted.list().map((c) => c.id)).toEqual([first.id, second.id, 'demo']);
    expect(restarted.statusTargets().map((t) => t.id)).toEqual([first.id, second.id, 'demo']);
    await restarted.setDemo({ show: false });
    expect(restarted.list().map((c) => c.id)).toEqual([first.id, second.id]);
    expect(restarted.demoState()).toEqual({ mode: 'hidden', notice: false });
    expect(JSON.parse(readFileSync(demoFile, 'utf8'))).toEqual({
      version: 1,
      mode: 'hidden',
      notice: false,
    });
  });

  it('a dismissed notice stays dismissed; a damaged demo setting file is reported, not silently reset', async () => {
    const demoFile = join(dir, 'demo-camera.json');
    registry = await open(new DemoSetting(demoFile));
    await registry.add(rtsp('rtsp://10.0.0.9/a'));
    await registry.setDemo({ dismissNotice: true });
    expect((await open(new DemoSetting(demoFile))).demoState()).toEqual({
      mode: 'auto',
      notice: false,
    });

    writeFileSync(demoFile, '{"mode": "sometimes"');
    const setting = new DemoSetting(demoFile);
    const warnings = await setting.load();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not read its demo camera setting/);
    expect(setting.get()).toEqual({ mode: 'auto', notice: false });
  });
});
