import { describe, expect, it } from 'vitest';
import { digestAuthorization } from '../../src/main/services/cameras/http-digest';
import { codecOf, mapOnvifError, readProfiles } from '../../src/main/services/cameras/onvif-client';
import { listInterfaces, readProbeMatch } from '../../src/main/services/cameras/onvif-discovery';
import {
  CameraStatusMonitor,
  type StatusTarget,
} from '../../src/main/services/cameras/status-monitor';
import type { CameraStatus } from '../../src/shared/cameras';

describe('digestAuthorization', () => {
  it('matches the worked example of RFC 2617 §3.5', () => {
    const header = digestAuthorization(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
      'GET',
      '/dir/index.html',
      'Mufasa',
      'Circle Of Life',
      '0a4f113b',
    );
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="0a4f113b"');
  });
});

describe('ONVIF helpers', () => {
  const target = { host: '10.0.0.5', port: 80 };

  it.each([
    [new Error('Digest authentication failed 401'), /Wrong username or password/],
    [new Error('ter:NotAuthorized Sender not Authorized'), /Wrong username or password/],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:80'), { code: 'ECONNREFUSED' }),
      /Nothing answers at 10\.0\.0\.5:80.*ONVIF port/,
    ],
    [
      Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }),
      /cannot reach 10\.0\.0\.5/,
    ],
    [new Error('Wrong ONVIF SOAP response'), /did not answer like an ONVIF camera/],
    [new Error('socket hang up ETIMEDOUT'), /did not answer in time/],
  ])('maps %s to advice', (error, message) => {
    expect(mapOnvifError(error, target, 0).message).toMatch(message);
  });

  it('blames the camera clock when the login fails and the clock is far off', () => {
    const error = mapOnvifError(new Error('NotAuthorized'), target, 62 * 60 * 1000);
    expect(error.code).toBe('onvif-clock');
    expect(error.message).toMatch(/clock is 62 minutes off.*NTP/);
  });

  it('reads profiles defensively and calls the largest one main', () => {
    const profiles = readProfiles([
      {
        $: { token: 's' },
        name: 'Sub',
        videoEncoderConfiguration: {
          encoding: 'H264',
          resolution: { width: '640', height: '360' },
        },
      },
      {
        $: { token: 'm' },
        name: 'Main',
        videoEncoderConfiguration: { encoding: 'H265', resolution: { width: 2560, height: 1440 } },
      },
      { name: 'no token' },
      'garbage',
    ]);
    expect(profiles.map((p) => [p.token, p.role, p.width])).toEqual([
      ['m', 'main', 2560],
      ['s', 'sub', 640],
    ]);
    expect(readProfiles(undefined)).toEqual([]);
  });

  it.each([
    ['H264', 'h264'],
    ['H265', 'h265'],
    ['JPEG', 'mjpeg'],
    ['MPEG4', 'other'],
    [null, 'h264'],
  ] as const)('codecOf(%s) = %s', (encoding, codec) => {
    expect(codecOf(encoding)).toBe(codec);
  });
});

describe('discovery parsing', () => {
  const match = (overrides: Record<string, unknown> = {}) => ({
    probeMatches: {
      probeMatch: {
        endpointReference: { address: 'urn:uuid:1234' },
        XAddrs:
          'http://192.168.1.20:8000/onvif/device_service http://[fe80::1]/onvif/device_service',
        scopes: 'onvif://www.onvif.org/name/Front_Door onvif://www.onvif.org/hardware/X%20100',
        ...overrides,
      },
    },
  });

  it('reads endpoint, address, name and hardware', () => {
    expect(readProbeMatch(match())).toEqual({
      id: 'urn:uuid:1234',
      host: '192.168.1.20',
      port: 8000,
      name: 'Front Door',
      hardware: 'X 100',
      xaddr: 'http://192.168.1.20:8000/onvif/device_service',
    });
  });

  it.each([
    ['no endpoint', match({ endpointReference: {} })],
    ['no http XAddr', match({ XAddrs: 'ftp://x' })],
    ['not an object', 'garbage'],
    ['null', null],
  ])('ignores a reply with %s', (_name, data) => {
    expect(readProbeMatch(data)).toBeNull();
  });

  it('strips control and bidi characters and bounds the length of device strings', () => {
    const device = readProbeMatch(
      match({
        scopes: `onvif://www.onvif.org/name/${encodeURIComponent('Evil\u202e\u0007Cam' + 'x'.repeat(500))}`,
      }),
    );
    expect(device?.name?.startsWith('EvilCam')).toBe(true);
    expect(device?.name?.length).toBeLessThanOrEqual(120);
  });

  it('lists only interfaces with an external IPv4 address', () => {
    const ipv4 = { family: 'IPv4', internal: false, address: '192.168.1.2' } as const;
    expect(
      listInterfaces({
        lo: [{ ...ipv4, internal: true, address: '127.0.0.1' }],
        eth0: [ipv4],
        wlan0: [{ ...ipv4, family: 'IPv6', address: 'fe80::1' }],
      } as never),
    ).toEqual(['eth0']);
  });
});

describe('CameraStatusMonitor', () => {
  function setup(targets: StatusTarget[], answers: Map<string, boolean>) {
    const events: CameraStatus[] = [];
    let now = 1000;
    const monitor = new CameraStatusMonitor({
      targets: () => targets,
      probe: (url) =>
        Promise.resolve(
          answers.get(url)
            ? { ok: true as const }
            : { ok: false as const, detail: 'No answer from the camera.' },
        ),
      emit: (s) => events.push(s),
      now: () => now,
    });
    return { monitor, events, tick: () => (now += 1000) };
  }

  it('reports checking, then online/offline/asleep, and only changes after that', async () => {
    const answers = new Map([
      ['rtsp://a', true],
      ['rtsp://b', false],
      ['rtsp://c', false],
    ]);
    const { monitor, events, tick } = setup(
      [
        { id: 'a', battery: false, probeUrl: 'rtsp://a' },
        { id: 'b', battery: false, probeUrl: 'rtsp://b' },
        { id: 'c', battery: true, probeUrl: 'rtsp://c' },
        { id: 'demo', battery: false, probeUrl: null },
      ],
      answers,
    );
    await monitor.checkAll();
    const seen = events.map((e) => `${e.cameraId}:${e.state}`);
    expect(seen.slice(0, 4)).toEqual(['a:checking', 'b:checking', 'c:checking', 'demo:checking']);
    // The checks run concurrently: results arrive in any order.
    expect(seen.slice(4).sort()).toEqual(['a:online', 'b:offline', 'c:asleep', 'demo:online']);
    expect(monitor.get('b')?.detail).toBe('No answer from the camera.');
    expect(monitor.get('c')?.detail).toMatch(/wakes when you start it/);
    events.length = 0;
    tick();
    await monitor.checkAll();
    expect(events).toEqual([]); // nothing changed, nothing sent
    answers.set('rtsp://a', false);
    tick();
    const a = await monitor.checkNow('a');
    expect(a).toMatchObject({ state: 'offline', lastSeen: 2000, checkedAt: 3000 });
    expect(events.map((e) => `${e.cameraId}:${e.state}`)).toEqual(['a:offline']);
  });
});
