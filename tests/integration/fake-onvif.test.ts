import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onvif from 'onvif';
import type { Cam, CamOptions, DiscoveryProbeOptions } from 'onvif';
import { afterEach, describe, expect, it } from 'vitest';
import { digestFetch } from '../fixtures/fake-onvif/digest-fetch';
import {
  canRunIsolatedDiscovery,
  assertLoopbackOnly,
  isolatedCommand,
  startDiscoveryResponder,
  type DiscoveryResponder,
} from '../fixtures/fake-onvif/discovery-responder';
import {
  DEVICE_PATH,
  HUGE_BYTES,
  MEDIA_PATH,
  startFakeOnvif,
  type FakeOnvif,
  type FakeOnvifOptions,
} from '../fixtures/fake-onvif/index';
import { passwordDigest } from '../fixtures/fake-onvif/ws-security';

// Proves the fake ONVIF device with the real `onvif` client (0.8.3). Only 127.0.0.1 is used;
// WS-Discovery runs in a re-exec of this file inside `unshare -n` (a namespace with just lo).

const USER = 'admin';
const PASS = 'onvif-pass';
const RTSP_MAIN = 'rtsp://127.0.0.1:8554/cam?profile=main&x=1';
const RTSP_SUB = 'rtsp://127.0.0.1:8554/cam?profile=sub';
/** Set in the re-exec inside the network namespace. */
const IN_NETNS = process.env['VIGIL_FAKE_ONVIF_NETNS'] === '1';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THIS_FILE = 'tests/integration/fake-onvif.test.ts';

// ---------------------------------------------------------------------------------------------
// Helpers: fixture lifecycle, the callback API of `onvif` as promises, narrowing of its `any`s.

const devices: FakeOnvif[] = [];
const responders: DiscoveryResponder[] = [];

async function device(opts: Partial<FakeOnvifOptions> = {}): Promise<FakeOnvif> {
  const dev = await startFakeOnvif({ rtspUrl: RTSP_MAIN, subRtspUrl: RTSP_SUB, ...opts });
  devices.push(dev);
  return dev;
}

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await Promise.all(responders.splice(0).map((r) => r.close()));
});

/** Walks plain objects/arrays; undefined when the path does not exist. */
function pick(value: unknown, ...path: Array<string | number>): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Connection {
  cam: Cam;
  /** `err` of the connect callback (null or false on success). */
  error: unknown;
  warnings: string[];
  ms: number;
}

/** new Cam(...) and its autoconnect; settles when the connect callback runs. */
function connect(dev: FakeOnvif, password: string, extra: Partial<CamOptions> = {}) {
  const t0 = Date.now();
  const warnings: string[] = [];
  return new Promise<Connection>((resolve) => {
    const cam: Cam = new onvif.Cam(
      { hostname: dev.hostname, port: dev.port, username: USER, password, ...extra },
      (err) => resolve({ cam, error: err, warnings, ms: Date.now() - t0 }),
    );
    cam.on('warning', (w: unknown) => warnings.push(errorMessage(w)));
  });
}

async function connectOk(dev: FakeOnvif, extra: Partial<CamOptions> = {}): Promise<Cam> {
  const c = await connect(dev, PASS, extra);
  expect(c.error).toBeFalsy();
  return c.cam;
}

/** The lib's typings claim `{ uri }`; it really yields the whole tt:MediaUri. */
function streamUri(cam: Cam, profileToken: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    cam.getStreamUri({ protocol: 'RTSP', profileToken }, (err, data) =>
      err ? reject(err) : resolve(data),
    );
  });
}

function snapshotUri(cam: Cam, profileToken: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    cam.getSnapshotUri({ profileToken }, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

function systemDate(cam: Cam): Promise<Date> {
  return new Promise((resolve, reject) => {
    cam.getSystemDateAndTime((err, date) =>
      err || !(date instanceof Date) ? reject(err ?? new Error('no date')) : resolve(date),
    );
  });
}

function hostname(cam: Cam): Promise<unknown> {
  return new Promise((resolve, reject) => {
    cam.getHostname((err, data) => (err ? reject(err) : resolve(data)));
  });
}

// Raw SOAP, to check the device without the client library in the way.

interface TokenOptions {
  password?: string;
  created?: string;
  nonce?: Buffer;
  type?: 'PasswordDigest' | 'PasswordText';
}

function securityHeader(o: TokenOptions = {}): string {
  const password = o.password ?? PASS;
  const created = o.created ?? new Date().toISOString();
  const nonce = (o.nonce ?? randomBytes(16)).toString('base64');
  const type = o.type ?? 'PasswordDigest';
  const value = type === 'PasswordDigest' ? passwordDigest(nonce, created, password) : password;
  return (
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"' +
    ' xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    `<wsse:UsernameToken><wsse:Username>${USER}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#${type}">${value}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

const TDS = 'http://www.onvif.org/ver10/device/wsdl';
const TRT = 'http://www.onvif.org/ver10/media/wsdl';

function soap(operation: string, ns: string, security = '', inner = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:op="${ns}">` +
    `<env:Header>${security}</env:Header>` +
    `<env:Body><op:${operation}>${inner}</op:${operation}></env:Body></env:Envelope>`
  );
}

interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Up to the first 64 KiB of the body. */
  head: string;
  bytes: number;
  /** The whole announced body arrived. */
  complete: boolean;
}

/** POSTs `body`; resolves when the response is over (complete or cut). */
function rawPost(
  url: string,
  body: string,
  opts: { signal?: AbortSignal; onData?: (bytes: number) => void } = {},
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' },
        signal: opts.signal,
      },
      (res) => {
        let head = '';
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          if (head.length < 65_536) head += c.toString('utf8', 0, Math.min(c.length, 65_536));
          bytes += c.length;
          opts.onData?.(bytes);
        });
        res.on('error', () => {
          // cut mid-body: reported through `complete`
        });
        res.once('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            head,
            bytes,
            complete: res.complete,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------

if (!IN_NETNS) {
  describe('fake ONVIF device, driven by the onvif package', () => {
    it('connect() with the right password finds the main and sub H.264 profiles', async () => {
      const dev = await device();
      const cam = await connectOk(dev);

      const profiles = cam.profiles ?? [];
      expect(profiles.map((p) => pick(p, '$', 'token'))).toEqual(['main', 'sub']);
      expect(profiles.map((p) => p.name)).toEqual(['MainStream', 'SubStream']);
      const encoders = profiles.map((p) => {
        const vec: unknown = p.videoEncoderConfiguration;
        return [
          pick(vec, 'encoding'),
          pick(vec, 'resolution', 'width'),
          pick(vec, 'resolution', 'height'),
        ];
      });
      expect(encoders).toEqual([
        ['H264', 1920, 1080],
        ['H264', 640, 360],
      ]);
      expect(cam.activeSource).toMatchObject({
        profileToken: 'main',
        sourceToken: 'vs0',
        encoding: 'H264',
        width: 1920,
        height: 1080,
      });
      expect(cam.media2Support).toBe(false);

      // What connect() sends: the clock unauthenticated, then GetServices, then GetProfiles
      // and GetVideoSources in parallel (their arrival order varies).
      const actions = dev.requests.map((r) => `${r.action}:${r.authorized}`);
      expect(actions.slice(0, 2)).toEqual(['GetSystemDateAndTime:false', 'GetServices:true']);
      expect(actions.slice(2).sort()).toEqual(['GetProfiles:true', 'GetVideoSources:true']);
    });

    it('getStreamUri answers per profile; the snapshot URI downloads through HTTP Digest', async () => {
      const dev = await device();
      const cam = await connectOk(dev);

      expect(await streamUri(cam, 'main')).toMatchObject({ uri: RTSP_MAIN });
      expect(await streamUri(cam, 'sub')).toMatchObject({ uri: RTSP_SUB });
      await expect(streamUri(cam, 'nope')).rejects.toThrow('ONVIF SOAP Fault: No such profile');

      const snap = await snapshotUri(cam, 'main');
      expect(snap).toMatchObject({ uri: `${dev.origin}/snapshot.jpg` });
      const url = String(pick(snap, 'uri'));

      const ok = await digestFetch(url, USER, PASS, { timeoutMs: 5_000 });
      expect(ok.status).toBe(200);
      expect(ok.contentType).toBe('image/jpeg');
      expect([...ok.body.subarray(0, 2)]).toEqual([0xff, 0xd8]);
      expect(ok.body.length).toBeGreaterThan(1_000);

      expect((await digestFetch(url, USER, 'wrong', { timeoutMs: 5_000 })).status).toBe(401);
      const noAuth = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      expect(noAuth.status).toBe(401);
      expect(noAuth.headers.get('www-authenticate')).toMatch(/^Digest realm="FakeOnvif"/);
    });

    it('getDeviceInformation reports the configured identity', async () => {
      const dev = await device({ manufacturer: 'Acme & Co', model: 'X<1>', serial: 'S-42' });
      const cam = await connectOk(dev);
      const info = await new Promise<unknown>((resolve, reject) => {
        cam.getDeviceInformation((err, data) => (err ? reject(err) : resolve(data)));
      });
      expect(info).toMatchObject({
        manufacturer: 'Acme & Co',
        model: 'X<1>',
        serialNumber: 'S-42',
        firmwareVersion: '1.0.0-fake',
      });
    });

    it('a wrong password: connect() fails with the ter:NotAuthorized fault (HTTP 400)', async () => {
      const dev = await device();
      const c = await connect(dev, 'wrong');
      expect(errorMessage(c.error)).toBe('ONVIF SOAP Fault: Sender not Authorized');
      // GetServices is refused, the lib falls back to GetCapabilities, refused too.
      expect(dev.requests).toEqual([
        { action: 'GetSystemDateAndTime', authorized: false },
        { action: 'GetServices', authorized: false },
        { action: 'GetCapabilities', authorized: false },
      ]);

      const raw = await rawPost(dev.origin + DEVICE_PATH, soap('GetServices', TDS));
      expect(raw.status).toBe(400);
      expect(raw.head).toContain('<SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value>');
    });

    it("'ws-security' (default) refuses a client that only speaks HTTP Digest", async () => {
      const dev = await device();
      const c = await connect(dev, PASS, { useWSSecurity: false });
      expect(errorMessage(c.error)).toBe('ONVIF SOAP Fault: Sender not Authorized');
    });

    it("'digest': 401 challenges, the lib answers them; a wrong password fails", async () => {
      const dev = await device({ auth: 'digest' });
      const cam = await connectOk(dev, { useWSSecurity: false });
      expect(cam.profiles?.length).toBe(2);
      // Every call costs a 401 round trip: the lib does not keep the nonce.
      expect(dev.requests.slice(0, 3)).toEqual([
        { action: 'GetSystemDateAndTime', authorized: false },
        { action: 'GetServices', authorized: false },
        { action: 'GetServices', authorized: true },
      ]);

      const wrong = await connect(dev, 'wrong', { useWSSecurity: false });
      expect(errorMessage(wrong.error)).toBe('Digest authentication failed 401');
    });

    it("'both': WS-Security and Digest clients both get in", async () => {
      const dev = await device({ auth: 'both' });
      await connectOk(dev);
      await connectOk(dev, { useWSSecurity: false });
      const wrong = await connect(dev, 'wrong');
      expect(errorMessage(wrong.error)).toBe('ONVIF SOAP Fault: Sender not Authorized');
    });

    it('the UsernameToken PasswordDigest is checked exactly', async () => {
      const dev = await device({ password: 'pässwörd' });
      const url = dev.origin + DEVICE_PATH;
      const call = (security: string): Promise<number> =>
        rawPost(url, soap('GetDeviceInformation', TDS, security)).then((r) => r.status);

      expect(await call(securityHeader({ password: 'pässwörd' }))).toBe(200);
      // The digest is over the nonce *bytes*, Created and the UTF-8 password.
      const nonce = randomBytes(16);
      const created = new Date().toISOString();
      const good = securityHeader({ password: 'pässwörd', nonce, created });
      const digest = passwordDigest(nonce.toString('base64'), created, 'pässwörd');
      expect(good).toContain(digest);
      expect(
        await call(
          good.replace(
            digest,
            digest.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
          ),
        ),
      ).toBe(400);
      expect(
        await call(good.replace(created, new Date(Date.parse(created) + 1000).toISOString())),
      ).toBe(400);
      expect(await call(securityHeader({ password: 'passworD' }))).toBe(400);
      expect(await call(securityHeader({ password: 'pässwörd', type: 'PasswordText' }))).toBe(400);
      // Replay window: Created must be within 5 min of the device clock.
      const stale = new Date(Date.now() - 10 * 60_000).toISOString();
      expect(await call(securityHeader({ password: 'pässwörd', created: stale }))).toBe(400);
      expect(await call('')).toBe(400);
    });

    it('unknown actions: ter:ActionNotSupported with HTTP 500 (after authentication)', async () => {
      const dev = await device();
      const cam = await connectOk(dev);
      await expect(hostname(cam)).rejects.toThrow(
        'ONVIF SOAP Fault: Optional Action Not Implemented',
      );

      const raw = await rawPost(dev.origin + DEVICE_PATH, soap('GetScopes', TDS, securityHeader()));
      expect(raw.status).toBe(500);
      expect(raw.head).toContain('ter:ActionNotSupported');
      // Right name, wrong service (or namespace): not supported either.
      const wrongService = soap('GetProfiles', TRT, securityHeader());
      expect((await rawPost(dev.origin + DEVICE_PATH, wrongService)).status).toBe(500);
      expect((await rawPost(dev.origin + MEDIA_PATH, wrongService)).status).toBe(200);
      const media2 = soap('GetProfiles', 'http://www.onvif.org/ver20/media/wsdl', securityHeader());
      expect((await rawPost(dev.origin + MEDIA_PATH, media2)).status).toBe(500);
      // Unauthenticated: refused before anything is revealed.
      expect((await rawPost(dev.origin + DEVICE_PATH, soap('GetScopes', TDS))).status).toBe(400);
    });

    it("'clock-ahead' / 'clock-behind': the device clock is 1 h off; the lib compensates", async () => {
      for (const [fault, sign] of [
        ['clock-ahead', 1],
        ['clock-behind', -1],
      ] as const) {
        const dev = await device({ fault });
        const cam = await connectOk(dev);
        const skew = (await systemDate(cam)).getTime() - Date.now();
        expect(Math.abs(skew - sign * 3_600_000)).toBeLessThan(5_000);
        expect(cam.profiles?.length).toBe(2);
        // A client stamping Created with its own clock is refused (replay window).
        const raw = await rawPost(
          dev.origin + DEVICE_PATH,
          soap('GetDeviceInformation', TDS, securityHeader()),
        );
        expect(raw.status).toBe(400);
        const aligned = new Date(Date.now() + sign * 3_600_000).toISOString();
        const ok = soap('GetDeviceInformation', TDS, securityHeader({ created: aligned }));
        expect((await rawPost(dev.origin + DEVICE_PATH, ok)).status).toBe(200);
      }
    });

    it("'no-profiles-on-wrong-password': a wrong password 'connects' with zero profiles", async () => {
      const dev = await device({ fault: 'no-profiles-on-wrong-password' });
      const wrong = await connect(dev, 'wrong');
      expect(wrong.error).toBeNull();
      expect(wrong.cam.profiles).toEqual([]);
      expect(wrong.cam.activeSource).toBeUndefined();
      // The lib chokes on the empty GetProfilesResponse and only emits a warning.
      expect(wrong.warnings.length).toBe(1);
      expect(dev.requests.map((r) => r.action)).toContain('GetProfiles');
      expect(dev.requests.every((r) => !r.authorized)).toBe(true);

      const right = await connectOk(dev);
      expect(right.profiles?.length).toBe(2);
    });

    it("'garbage': HTTP 200 with a non-XML body; connect() fails with 'Wrong ONVIF SOAP response'", async () => {
      const dev = await device({ fault: 'garbage' });
      const raw = await rawPost(dev.origin + DEVICE_PATH, soap('GetSystemDateAndTime', TDS));
      expect(raw.status).toBe(200);
      expect(raw.head).not.toMatch(/^\s*</);
      const c = await connect(dev, PASS);
      expect(errorMessage(c.error)).toBe('Wrong ONVIF SOAP response');
    });

    it("'hang': no answer, ever; the lib waits for its idle timeout", async () => {
      const dev = await device({ fault: 'hang' });
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 1_000);
      const t0 = Date.now();
      await expect(
        rawPost(dev.origin + DEVICE_PATH, soap('GetSystemDateAndTime', TDS), {
          signal: abort.signal,
        }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      clearTimeout(timer);
      // Lower bounds on timers get slack: a timer can fire early by as much as the event
      // loop's cached clock lags, which grows on a busy machine. An answer would come in ms.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);

      const c = await connect(dev, PASS, { timeout: 1_500 });
      expect(errorMessage(c.error)).toBe('Network timeout');
      expect(c.ms).toBeGreaterThanOrEqual(1_400);
      expect(dev.requests.map((r) => r.action)).toEqual([
        'GetSystemDateAndTime',
        'GetSystemDateAndTime',
      ]);
    });

    it("'slow': every answer comes after slowMs", async () => {
      const dev = await device({ fault: 'slow', slowMs: 400 });
      const c = await connect(dev, PASS);
      expect(c.error).toBeNull();
      // Three sequential rounds: clock, GetServices, then GetProfiles + GetVideoSources
      // (less slack for timers that fire early on a busy machine).
      expect(c.ms).toBeGreaterThanOrEqual(3 * 400 - 100);
    });

    it("'huge': a 50 MiB HTTP 200 that close() can cut short", async () => {
      const dev = await device({ fault: 'huge' });
      const full = await rawPost(dev.origin + DEVICE_PATH, soap('GetSystemDateAndTime', TDS));
      expect(full.status).toBe(200);
      expect(full.headers['content-length']).toBe(String(HUGE_BYTES));
      expect(full.head).toMatch(/^<\?xml [^>]*\?>\s*<SOAP-ENV:Envelope /);
      expect(full.bytes).toBe(HUGE_BYTES);
      expect(full.complete).toBe(true);

      // The lib buffers all of it, then fails to parse the unterminated XML.
      const c = await connect(dev, PASS);
      expect(errorMessage(c.error)).toBe('Wrong ONVIF SOAP response');

      // close() in the middle of the stream ends it at once.
      let closing: Promise<void> | undefined;
      const t0 = Date.now();
      const cut = await rawPost(dev.origin + DEVICE_PATH, soap('GetServices', TDS), {
        onData: (bytes) => {
          if (bytes > 1024 * 1024) closing ??= dev.close();
        },
      });
      await closing;
      expect(cut.complete).toBe(false);
      expect(cut.bytes).toBeLessThan(HUGE_BYTES);
      expect(Date.now() - t0).toBeLessThan(5_000);
    });

    it('setFault() switches behaviour at runtime; close() refuses new connections', async () => {
      const dev = await device();
      const cam = await connectOk(dev);
      dev.setFault('garbage');
      await expect(streamUri(cam, 'main')).rejects.toThrow('Wrong ONVIF SOAP response');
      dev.setFault('none');
      expect(await streamUri(cam, 'main')).toMatchObject({ uri: RTSP_MAIN });

      await dev.close();
      await expect(
        rawPost(dev.origin + DEVICE_PATH, soap('GetSystemDateAndTime', TDS)),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// WS-Discovery: the real tests run only inside a network namespace that has nothing but lo.

const discovery = onvif.Discovery;
const discoveryErrors: unknown[] = [];
// An unlistened 'error' on the Discovery singleton would kill the process.
discovery.on('error', (err: unknown) => discoveryErrors.push(err));

interface ProbeResult {
  errors: unknown;
  devices: unknown[];
}

function probe(opts: DiscoveryProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    discovery.probe(opts, (err, found) => resolve({ errors: err, devices: found ?? [] }));
  });
}

if (IN_NETNS) {
  describe('WS-Discovery inside an isolated network namespace', () => {
    it('the namespace has only lo', () => {
      expect(() => assertLoopbackOnly()).not.toThrow();
    });

    it('a Probe gets one ProbeMatch with RelatesTo, XAddrs, Scopes, Types and a urn:uuid', async () => {
      const xaddr = 'http://127.0.0.1:8080/onvif/device_service';
      responders.push(await startDiscoveryResponder({ xaddr }));
      const xmls: string[] = [];
      const onDevice = (_cam: unknown, _rinfo: unknown, xml: string): void => {
        xmls.push(xml);
      };
      discovery.on('device', onDevice);
      const messageId = randomUUID();
      const res = await probe({ timeout: 1_000, resolve: false, messageId }).finally(() =>
        discovery.removeListener('device', onDevice),
      );

      expect(res.errors).toBeNull();
      expect(res.devices).toHaveLength(1);
      const match = pick(res.devices[0], 'probeMatches', 'probeMatch');
      expect(pick(match, 'XAddrs')).toBe(xaddr);
      expect(String(pick(match, 'types')).split(' ')).toContain('dn:NetworkVideoTransmitter');
      expect(String(pick(match, 'scopes')).split(' ')).toContain(
        'onvif://www.onvif.org/name/FakeCam',
      );
      expect(pick(match, 'endpointReference', 'address')).toMatch(
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(responders[0]?.probes).toEqual([`urn:uuid:${messageId}`]);
      expect(xmls[0]).toContain(`<wsa:RelatesTo>urn:uuid:${messageId}</wsa:RelatesTo>`);
    });

    it('discovery → Cam → connect() against the fake device', async () => {
      const dev = await device();
      responders.push(await startDiscoveryResponder({ xaddr: dev.origin + DEVICE_PATH }));
      const connected = new Promise<Cam>((resolve) => {
        discovery.once('device', (found: unknown) => {
          if (!(found instanceof onvif.Cam)) return;
          // Before its autoconnect runs (next tick), as the onvif README does it.
          found.username = USER;
          found.password = PASS;
          found.once('connect', () => resolve(found));
        });
      });
      const res = await probe({ timeout: 1_000 });
      expect(res.devices).toHaveLength(1);
      const cam = await connected;
      expect(cam.profiles?.map((p) => p.name)).toEqual(['MainStream', 'SubStream']);
      expect(await streamUri(cam, 'sub')).toMatchObject({ uri: RTSP_SUB });
    });

    it("'garbage' answers become 'error' events, not devices and not a crash", async () => {
      responders.push(
        await startDiscoveryResponder({ xaddr: 'http://127.0.0.1:1/x', mode: 'garbage' }),
      );
      const before = discoveryErrors.length;
      const res = await probe({ timeout: 1_000, resolve: false });
      expect(res.devices).toEqual([]);
      expect(Array.isArray(res.errors)).toBe(true);
      expect(discoveryErrors.length - before).toBe(2);
      expect(
        discoveryErrors.slice(before).every((e) => /^Wrong SOAP message/.test(String(e))),
      ).toBe(true);
    });

    it("'flood': 300 distinct ProbeMatches become 300 devices", async () => {
      responders.push(await startDiscoveryResponder({ xaddr: 'unused', mode: 'flood' }));
      // Parsing 300 replies in this process takes a while on a loaded machine: a wide window.
      const res = await probe({ timeout: 4_000, resolve: false });
      expect(res.errors).toBeNull();
      const ids = new Set(
        res.devices.map((d) =>
          pick(d, 'probeMatches', 'probeMatch', 'endpointReference', 'address'),
        ),
      );
      const xaddrs = new Set(
        res.devices.map((d) => pick(d, 'probeMatches', 'probeMatch', 'XAddrs')),
      );
      expect(ids.size).toBe(300);
      expect(xaddrs.size).toBe(300);
      expect(
        [...xaddrs].every((x) =>
          /^http:\/\/127\.0\.\d+\.\d+:80\/onvif\/device_service$/.test(String(x)),
        ),
      ).toBe(true);
    });
  });
} else {
  describe('WS-Discovery responder', () => {
    const otherInterfaces = Object.keys(networkInterfaces()).some((n) => n !== 'lo');

    it.runIf(otherInterfaces)('refuses to start outside a lo-only namespace', async () => {
      await expect(startDiscoveryResponder({ xaddr: 'http://127.0.0.1/' })).rejects.toThrow(
        /refusing WS-Discovery/,
      );
    });

    const isolated = canRunIsolatedDiscovery();
    if (!isolated) {
      console.warn('SKIP WS-Discovery tests: `unshare -n` + `ip` do not work here (need root)');
    }

    it.runIf(isolated)(
      'passes its tests in a re-exec of this file inside `unshare -n`',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'fake-onvif-netns-'));
        const report = join(dir, 'report.json');
        try {
          const cmd = isolatedCommand(process.execPath, [
            join(ROOT, 'node_modules/vitest/vitest.mjs'),
            'run',
            '--project',
            'integration',
            THIS_FILE,
            '--reporter=default',
            '--reporter=json',
            `--outputFile.json=${report}`,
          ]);
          // ~8 s idle (a second vitest starting, then the tests); room for a loaded machine.
          const { code, output } = await runIsolated(cmd, 80_000);
          let results: unknown;
          try {
            results = JSON.parse(readFileSync(report, 'utf8'));
          } catch {
            results = undefined;
          }
          const summary = {
            code,
            passed: pick(results, 'numPassedTests'),
            failed: pick(results, 'numFailedTests'),
            total: pick(results, 'numTotalTests'),
          };
          if (code !== 0 || summary.failed !== 0) console.error(output);
          expect(summary).toEqual({ code: 0, passed: 5, failed: 0, total: 5 });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      90_000,
    );
  });
}

/** Runs the namespaced command in its own process group; SIGKILLs the group after timeoutMs. */
function runIsolated(
  cmd: { command: string; args: string[] },
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, {
      cwd: ROOT,
      env: { ...process.env, VIGIL_FAKE_ONVIF_NETNS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
