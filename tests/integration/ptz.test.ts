import { afterEach, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../src/shared/errors';
import { openOnvifPtz, readPresets } from '../../src/main/services/ptz/onvif-ptz';
import { PtzService, type PtzDevice } from '../../src/main/services/ptz/ptz-service';
import {
  startFakeOnvif,
  type FakeOnvif,
  type FakeOnvifOptions,
  type PtzCall,
} from '../fixtures/fake-onvif';

// The PTZ service and its ONVIF adapter against the fake device, through the real `onvif`
// client and WS-Security: what the "camera" records is what a real one would have been told.

const devices: FakeOnvif[] = [];
const services: PtzService[] = [];

async function device(opts: Partial<FakeOnvifOptions> = {}): Promise<FakeOnvif> {
  const dev = await startFakeOnvif({
    rtspUrl: 'rtsp://127.0.0.1:9/cam',
    // A snapshot URL of our own: the device then makes no JPEG (no ffmpeg needed here).
    snapshotUrl: 'http://127.0.0.1:9/snap.jpg',
    ptz: true,
    ...opts,
  });
  devices.push(dev);
  return dev;
}

const target = (dev: FakeOnvif, password = 'onvif-pass') => ({
  host: dev.hostname,
  port: dev.port,
  username: 'admin',
  password,
  profileToken: 'main',
});

/** A service for one camera, "cam", on the fake device. */
function service(dev: FakeOnvif, opts: { deadManMs?: number; password?: string } = {}) {
  const ptz = new PtzService({
    connect: (id) =>
      id === 'cam' ? openOnvifPtz(target(dev, opts.password)) : Promise.resolve(null),
    ...(opts.deadManMs ? { deadManMs: opts.deadManMs } : {}),
  });
  services.push(ptz);
  return ptz;
}

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.shutdown()));
  await Promise.all(devices.splice(0).map((d) => d.close()));
});

const moves = (dev: FakeOnvif) => dev.ptzCalls.filter((c) => c.action === 'ContinuousMove');
const isStop = (c: PtzCall) => c.action === 'Stop';

describe('PTZ through the onvif client, against the fake device', () => {
  it('a PTZ camera says so; a camera without PTZ is asked nothing about moving', async () => {
    const withPtz = await device();
    const without = await device({ ptz: false });
    expect(await service(withPtz).capabilities('cam')).toEqual({ supported: true });
    expect(await service(without).capabilities('cam')).toEqual({ supported: false });
    // The fixed camera was connected to, and no PTZ request reached it.
    expect(without.requests.map((r) => r.action)).toContain('GetProfiles');
    expect(without.ptzCalls).toEqual([]);
    // A camera that is no ONVIF camera at all (connect answers null) cannot move either.
    expect(await service(withPtz).capabilities('rtsp-cam')).toEqual({ supported: false });
  });

  it('a move reaches the device with its velocities and a Timeout; release sends Stop', async () => {
    const dev = await device();
    const ptz = service(dev);
    await ptz.move('cam', { x: -0.5, y: 0, zoom: 0 });
    expect(dev.ptzMoving()).toEqual({ x: -0.5, y: 0, zoom: 0 });
    await ptz.move('cam', { x: 0, y: 0.25, zoom: 0 });
    expect(dev.ptzMoving()).toEqual({ x: 0, y: 0.25, zoom: 0 });
    await ptz.move('cam', { x: 0, y: 0, zoom: -1 });
    expect(moves(dev)).toMatchObject([
      { profileToken: 'main', velocity: { x: -0.5, y: 0, zoom: 0 }, timeout: 'PT2S' },
      { profileToken: 'main', velocity: { x: 0, y: 0.25, zoom: 0 }, timeout: 'PT2S' },
      { profileToken: 'main', velocity: { x: 0, y: 0, zoom: -1 }, timeout: 'PT2S' },
    ]);
    await ptz.stop('cam');
    expect(dev.ptzCalls.at(-1)).toMatchObject({ action: 'Stop', panTilt: true, zoom: true });
    expect(dev.ptzMoving()).toBeNull();
    // Every PTZ request carried a valid WS-Security token.
    const ptzRequests = dev.requests.filter((r) => /Move|Stop|Preset/.test(r.action));
    expect(ptzRequests.length).toBe(4);
    expect(ptzRequests.every((r) => r.authorized)).toBe(true);
  });

  it('a press released at once: Stop still comes after the move, never before it', async () => {
    const dev = await device();
    const ptz = service(dev);
    const move = ptz.move('cam', { x: 1, y: 0, zoom: 0 });
    const stop = ptz.stop('cam');
    await Promise.all([move, stop]);
    expect(dev.ptzCalls.map((c) => c.action)).toEqual(['ContinuousMove', 'Stop']);
    expect(dev.ptzMoving()).toBeNull();
  });

  it('a held move (repeated) keeps going past the dead-man time and is refreshed; silence stops it', async () => {
    const dev = await device();
    const ptz = new PtzService({
      connect: () => openOnvifPtz(target(dev)),
      deadManMs: 600,
      refreshMs: 400,
    });
    services.push(ptz);
    const velocity = { x: 0.5, y: 0.5, zoom: 0 };
    const started = Date.now();
    // The window's heartbeat: the same move every 150 ms for 1.5 s.
    while (Date.now() - started < 1_500) {
      await ptz.move('cam', velocity);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(dev.ptzCalls.some(isStop)).toBe(false);
    // Sent again while held (the device's own Timeout never lapses), not on every repeat.
    expect(moves(dev).length).toBeGreaterThanOrEqual(2);
    expect(moves(dev).length).toBeLessThan(10);
    expect(moves(dev).every((c) => c.action === 'ContinuousMove' && c.velocity.x === 0.5)).toBe(
      true,
    );
    // The window goes silent (crashed): the service stops the camera itself.
    const silentAt = Date.now();
    const stop = await dev.waitForPtzCall(isStop, 0, 5_000);
    expect(stop.at - silentAt).toBeGreaterThanOrEqual(400);
    expect(dev.ptzMoving()).toBeNull();
  });

  it('presets: listed, saved under a new token (names with XML characters intact), gone to', async () => {
    const dev = await device();
    const ptz = service(dev);
    expect(await ptz.presets('cam')).toEqual([{ token: 'preset-1', name: 'Gate' }]);
    const saved = await ptz.savePreset('cam', 'Drive & <porch>');
    expect(saved).toEqual({ token: 'preset-2', name: 'Drive & <porch>' });
    expect(dev.ptzPresets()).toContainEqual({ token: 'preset-2', name: 'Drive & <porch>' });
    expect(await ptz.presets('cam')).toEqual([
      { token: 'preset-1', name: 'Gate' },
      { token: 'preset-2', name: 'Drive & <porch>' },
    ]);
    await ptz.gotoPreset('cam', 'preset-2');
    expect(dev.ptzCalls.at(-1)).toMatchObject({
      action: 'GotoPreset',
      profileToken: 'main',
      presetToken: 'preset-2',
    });
  });

  it('the device refusing a call is said in its words, and the connection is kept', async () => {
    const dev = await device();
    const ptz = service(dev);
    await ptz.presets('cam');
    const connects = () => dev.requests.filter((r) => r.action === 'GetSystemDateAndTime').length;
    const before = connects();
    const error = await ptz.savePreset('cam', 'Gate').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error).toMatchObject({ code: 'ptz-refused' });
    expect((error as Error).message).toMatch(/^The camera refused: .*preset with this name/);
    await ptz.gotoPreset('cam', 'preset-1');
    expect(connects()).toBe(before);
  });

  it('a wrong password: the login error, and nothing moves', async () => {
    const dev = await device();
    const ptz = service(dev, { password: 'wrong' });
    const error = await ptz.capabilities('cam').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'onvif-unauthorized' });
    await expect(ptz.move('cam', { x: 1, y: 0, zoom: 0 })).rejects.toMatchObject({
      code: 'onvif-unauthorized',
    });
    expect(dev.ptzCalls).toEqual([]);
  });

  it('forget() (the camera was edited) stops a move through the old connection', async () => {
    const dev = await device();
    const ptz = service(dev);
    await ptz.move('cam', { x: 0, y: -1, zoom: 0 });
    await ptz.forget('cam');
    expect(dev.ptzCalls.map((c) => c.action)).toEqual(['ContinuousMove', 'Stop']);
    expect(ptz.moving('cam')).toBe(false);
  });

  it('shutdown() stops every camera still moving', async () => {
    const dev = await device();
    const ptz = service(dev);
    await ptz.move('cam', { x: 0.3, y: 0, zoom: 0.3 });
    await ptz.shutdown();
    expect(dev.ptzMoving()).toBeNull();
    expect(dev.ptzCalls.at(-1)?.action).toBe('Stop');
  });
});

describe('PTZ service rules, with a recording device', () => {
  function recorder() {
    const calls: string[] = [];
    const device: PtzDevice = {
      continuousMove: (v) => Promise.resolve(void calls.push(`move ${v.x},${v.y},${v.zoom}`)),
      stop: () => Promise.resolve(void calls.push('stop')),
      presets: () => Promise.resolve([]),
      gotoPreset: (t) => Promise.resolve(void calls.push(`goto ${t}`)),
      savePreset: (name) => Promise.resolve({ token: 't', name }),
      close: () => void calls.push('close'),
    };
    return { calls, device };
  }

  it('a zero velocity is a stop; a stop with nothing moving sends nothing', async () => {
    const { calls, device } = recorder();
    const ptz = new PtzService({ connect: () => Promise.resolve(device) });
    await ptz.stop('cam');
    await ptz.move('cam', { x: 0.5, y: 0, zoom: 0 });
    await ptz.move('cam', { x: 0, y: 0, zoom: 0 });
    await ptz.stop('cam');
    expect(calls).toEqual(['move 0.5,0,0', 'stop']);
    await ptz.shutdown();
  });

  it('a connect still running when the camera is edited is not kept: the next call asks again', async () => {
    const first = recorder();
    const second = recorder();
    let connects = 0;
    let release: () => void = () => undefined;
    const ptz = new PtzService({
      connect: () => {
        connects++;
        if (connects === 1)
          return new Promise<PtzDevice>((resolve) => (release = () => resolve(first.device)));
        return Promise.resolve(second.device);
      },
    });
    const asked = ptz.capabilities('cam');
    const forgotten = ptz.forget('cam');
    release();
    await forgotten;
    expect(await asked).toEqual({ supported: true });
    await ptz.move('cam', { x: 1, y: 0, zoom: 0 });
    expect(first.calls).toEqual(['close']);
    expect(second.calls).toEqual(['move 1,0,0']);
    await ptz.shutdown();
  });
});

it('readPresets keeps presets the library would lose (same names, "__proto__")', async () => {
  const answer =
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"' +
    ' xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema">' +
    '<s:Body><tptz:GetPresetsResponse>' +
    '<tptz:Preset token="1"><tt:Name>Door</tt:Name></tptz:Preset>' +
    '<tptz:Preset token="2"><tt:Name>Door</tt:Name></tptz:Preset>' +
    '<tptz:Preset token="__proto__"><tt:Name>__proto__</tt:Name></tptz:Preset>' +
    '<tptz:Preset token="4"></tptz:Preset>' +
    '</tptz:GetPresetsResponse></s:Body></s:Envelope>';
  expect(await readPresets(answer)).toEqual([
    { token: '1', name: 'Door' },
    { token: '2', name: 'Door' },
    { token: '__proto__', name: '__proto__' },
    { token: '4', name: '4' },
  ]);
});
