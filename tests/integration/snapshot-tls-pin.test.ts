import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import type { OnvifInspection } from '../../src/main/services/cameras/onvif-client';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { SnapshotService } from '../../src/main/services/cameras/snapshot-service';
import { DigestGuard } from '../fixtures/fake-onvif/digest';

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasOpenssl) console.warn('SKIP TLS pin tests: openssl is not installed');

const USER = 'admin';
const PASSWORD = 'tls-pin-canary-41d2';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

interface Cert {
  key: string;
  cert: string;
  sha256: string;
}

/** A fresh self-signed certificate, as cameras ship them (node:crypto cannot make X.509). */
function selfSigned(dir: string, name: string): Cert {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=camera-${name}`,
    ]),
    { stdio: 'ignore' },
  );
  const pem = readFileSync(cert, 'utf8');
  return {
    key: readFileSync(key, 'utf8'),
    cert: pem,
    sha256: new X509Certificate(pem).fingerprint256,
  };
}

describe.runIf(hasOpenssl)('HTTPS snapshots: the camera certificate is pinned on first use', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-pin-'));
  let first: Cert;
  let second: Cert;
  let server: Server;
  let port = 0;
  /** What reached the camera, in order (handshakes without a request are not requests). */
  const seen: Array<{ authorized: boolean; authorization: boolean }> = [];
  const order: string[] = [];

  beforeAll(async () => {
    first = selfSigned(dir, 'first');
    second = selfSigned(dir, 'second');
    const guard = new DigestGuard('cam', USER, PASSWORD);
    server = createServer({ key: first.key, cert: first.cert }, (req, res) => {
      const header = req.headers.authorization;
      const authorized = guard.verify(header, 'GET', req.url ?? '');
      seen.push({ authorized, authorization: header !== undefined });
      if (header !== undefined) order.push('credentials sent');
      if (!authorized) {
        res.writeHead(401, { 'WWW-Authenticate': guard.challenge() }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(JPEG);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = address !== null && typeof address !== 'string' ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pins the first certificate before any password goes out, and refuses a changed one with a clear error', async () => {
    const snapshotUrl = `https://127.0.0.1:${String(port)}/snapshot.jpg`;
    const inspection: OnvifInspection = {
      device: {
        manufacturer: 'Acme',
        model: 'TLS',
        firmware: '1',
        serial: 's',
        profiles: [
          { token: 'p0', name: 'Main', role: 'main', width: 1920, height: 1080, encoding: 'H264' },
        ],
      },
      uris: { p0: { streamUrl: 'rtsp://127.0.0.1:1/cam', snapshotUrl } },
      clockOffsetMs: 0,
    };
    const file = join(dir, 'cameras.json');
    const secrets = createMemorySecretStore();
    const open = async (): Promise<CameraRegistry> => {
      const registry = new CameraRegistry({
        file: new CameraFile(file),
        secrets,
        emit: () => undefined,
        inspect: () => Promise.resolve(inspection),
      });
      await registry.load();
      return registry;
    };
    const registry = await open();
    const camera = await registry.add({
      name: 'Porch',
      source: { kind: 'onvif', host: '127.0.0.1', port: 80, profile: 'main' },
      username: USER,
      password: PASSWORD,
    });
    let grabbed = 0;
    const service = (r: CameraRegistry) =>
      new SnapshotService({
        plan: (id) => Promise.resolve(r.snapshotPlan(id)),
        // The RTSP fallback must never be what hides a changed certificate.
        grab: () => {
          grabbed++;
          return Promise.reject(new Error('no RTSP fallback here'));
        },
        pinCertificate: async (id, endpoint, sha256) => {
          await r.pinCertificate(id, endpoint, sha256);
          order.push('pinned');
        },
      });

    // First use: the certificate is pinned (and on disk) before the credentials are sent.
    const picture = await service(registry).take(camera.id);
    expect(picture.dataUrl).toMatch(/^data:image\/jpeg;base64,/);
    expect(order).toEqual(['pinned', 'credentials sent']);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      cameras: Array<{ tlsPins?: Array<{ endpoint: string; sha256: string }> }>;
    };
    expect(stored.cameras[0]?.tlsPins).toEqual([
      { endpoint: `127.0.0.1:${String(port)}`, sha256: first.sha256 },
    ]);

    // Same certificate, after a restart: accepted.
    const reopened = await open();
    await expect(service(reopened).take(camera.id)).resolves.toMatchObject({ cameraId: camera.id });

    // The camera (or someone in between) now shows another certificate.
    server.setSecureContext({ key: second.key, cert: second.cert });
    seen.length = 0;
    const error: unknown = await service(reopened)
      .take(camera.id)
      .catch((e: unknown) => e);
    expect(seen).toEqual([]); // not even the unauthenticated request: refused at the handshake
    expect(error).toMatchObject({ code: 'certificate-changed' });
    const message = (error as Error).message;
    expect(message).toContain('certificate changed');
    expect(message).toContain(`127.0.0.1:${String(port)}`);
    expect(message).toContain(second.sha256.slice(0, 23));
    expect(message).toContain(first.sha256.slice(0, 23));
    expect(message).toMatch(/remove the camera and add it again/);
    expect(message).not.toContain(PASSWORD);
    expect(grabbed).toBe(0);
    // The pin is never replaced silently.
    expect(readFileSync(file, 'utf8')).toContain(first.sha256);
    expect(readFileSync(file, 'utf8')).not.toContain(second.sha256);
  });
});
