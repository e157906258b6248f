import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from '../../src/main/services/cameras/http-digest';
import { SnapshotService } from '../../src/main/services/cameras/snapshot-service';
import { UserFacingError } from '../../src/shared/errors';
import { DigestGuard, digestParams, type DigestAlgorithm } from '../fixtures/fake-onvif/digest';

const USER = 'admin';
const PASSWORD = 'snap-canary-7f3a';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A camera's snapshot endpoint on 127.0.0.1; `seen` is every Authorization header it got. */
interface FakeCamera {
  url: string;
  seen: Array<string | undefined>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(server: Server, scheme: 'http' | 'https'): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address !== 'string' ? address.port : 0;
  return `${scheme}://127.0.0.1:${String(port)}/snapshot.jpg?profile=1`;
}

async function camera(handle: Handler): Promise<FakeCamera> {
  const seen: Array<string | undefined> = [];
  const server = createHttpServer((req, res) => {
    seen.push(req.headers.authorization);
    handle(req, res);
  });
  return { url: await listen(server, 'http'), seen };
}

/** 200 + JPEG for a right Digest answer; otherwise 401 with `challenge()` as WWW-Authenticate. */
function digestCamera(guard: DigestGuard, challenge: () => string | string[]): Handler {
  return (req, res) => {
    if (guard.verify(req.headers.authorization, 'GET', req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(JPEG);
      return;
    }
    res.setHeader('WWW-Authenticate', challenge());
    res.writeHead(401).end();
  };
}

function noBasic(seen: Array<string | undefined>): void {
  for (const header of seen) expect(header ?? '').not.toMatch(/^\s*basic/i);
}

describe('snapshot over http: credentials only as Digest', () => {
  it.each([
    ['Basic first', true],
    ['Digest first', false],
  ])(
    '(a) Basic and Digest as two WWW-Authenticate headers (%s): answers Digest, never sends Basic',
    async (_name, basicFirst) => {
      const guard = new DigestGuard('cam', USER, PASSWORD);
      const basic = 'Basic realm="cam"';
      const cam = await camera(
        digestCamera(guard, () =>
          basicFirst ? [basic, guard.challenge()] : [guard.challenge(), basic],
        ),
      );
      const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
      expect(result.status).toBe(200);
      expect(result.body).toEqual(JPEG);
      expect(cam.seen).toHaveLength(2);
      expect(cam.seen[1]).toMatch(/^Digest /);
      noBasic(cam.seen);
    },
  );

  it('(b) Basic and Digest in one WWW-Authenticate header: answers Digest, never sends Basic', async () => {
    const guard = new DigestGuard('cam', USER, PASSWORD);
    const cam = await camera(digestCamera(guard, () => `Basic realm="cam", ${guard.challenge()}`));
    const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
    expect(result.status).toBe(200);
    expect(cam.seen[1]).toMatch(/^Digest /);
    noBasic(cam.seen);
  });

  it('(c) a quoted realm with a comma (and an escaped quote) is answered with that exact realm', async () => {
    const realm = 'Porch "east", gate 2';
    const guard = new DigestGuard(realm, USER, PASSWORD);
    const cam = await camera(digestCamera(guard, () => `Basic realm="x", ${guard.challenge()}`));
    const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
    expect(result.status).toBe(200);
    expect(digestParams(cam.seen[1])?.get('realm')).toBe(realm);
  });

  it.each([
    ['Basic only', ['Basic realm="cam"']],
    [
      'Basic and a Digest it cannot answer',
      ['Basic realm="cam"', 'Digest realm="cam", nonce="n", algorithm=SHA-512-256'],
    ],
  ])(
    '(d) %s over http: no Authorization header is ever sent, and the error says what to do',
    async (_name, challenge) => {
      const cam = await camera((_req, res) => {
        res.setHeader('WWW-Authenticate', challenge);
        res.writeHead(401).end();
      });
      const error: unknown = await httpGet(cam.url, { username: USER, password: PASSWORD }).catch(
        (e: unknown) => e,
      );
      expect(cam.seen).toEqual([undefined]);
      expect(error).toBeInstanceOf(UserFacingError);
      expect(error).toMatchObject({ code: 'basic-over-http' });
      const message = (error as Error).message;
      expect(message).toMatch(/plain http/i);
      expect(message).toMatch(/Digest/);
      expect(message).toMatch(/HTTPS/);
      expect(message).not.toContain(PASSWORD);
    },
  );

  it.each<[string, DigestAlgorithm[], boolean]>([
    ['MD5 first, two headers', ['MD5', 'SHA-256'], false],
    ['SHA-256 first, two headers', ['SHA-256', 'MD5'], false],
    ['MD5 first, one header', ['MD5', 'SHA-256'], true],
  ])('(e) SHA-256 is preferred when offered (%s)', async (_name, algorithms, oneHeader) => {
    const guard = new DigestGuard('cam', USER, PASSWORD, { algorithms });
    const cam = await camera(
      digestCamera(guard, () => (oneHeader ? guard.challenges().join(', ') : guard.challenges())),
    );
    const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
    expect(result.status).toBe(200);
    expect(digestParams(cam.seen[1])?.get('algorithm')).toBe('SHA-256');
  });

  it('(f) stale=true: answers the fresh nonce once and gets the picture', async () => {
    const guard = new DigestGuard('cam', USER, PASSWORD);
    let expired = false;
    const cam = await camera((req, res) => {
      const verdict = guard.check(req.headers.authorization, 'GET', req.url ?? '');
      if (verdict === 'ok' && !expired) {
        // The nonce timed out between the challenge and the answer.
        expired = true;
        guard.expire();
      }
      if (guard.verify(req.headers.authorization, 'GET', req.url ?? '')) {
        res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(JPEG);
        return;
      }
      const stale = guard.check(req.headers.authorization, 'GET', req.url ?? '') === 'stale';
      res.writeHead(401, { 'WWW-Authenticate': guard.challenge('MD5', { stale }) }).end();
    });
    const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
    expect(result.status).toBe(200);
    expect(cam.seen).toHaveLength(3);
    const nonces = cam.seen.slice(1).map((h) => digestParams(h)?.get('nonce'));
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('(f) stale=true again after the retry: gives up with the 401 instead of looping', async () => {
    const guard = new DigestGuard('cam', USER, PASSWORD);
    const cam = await camera((req, res) => {
      const stale = guard.check(req.headers.authorization, 'GET', req.url ?? '') === 'ok';
      if (stale) guard.expire();
      res.writeHead(401, { 'WWW-Authenticate': guard.challenge('MD5', { stale }) }).end();
    });
    const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
    expect(result.status).toBe(401);
    expect(cam.seen).toHaveLength(3);
  });

  it('a wrong password (no stale) is tried once, not again', async () => {
    const guard = new DigestGuard('cam', USER, 'the-real-one');
    const cam = await camera(digestCamera(guard, () => guard.challenge()));
    const result = await httpGet(cam.url, { username: USER, password: PASSWORD });
    expect(result.status).toBe(401);
    expect(cam.seen).toHaveLength(2);
  });

  it('the snapshot service falls back to the stream and logs why when the camera offers only Basic', async () => {
    const cam = await camera((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cam"' }).end();
    });
    const logs: string[] = [];
    let grabbed = 0;
    const service = new SnapshotService({
      plan: () =>
        Promise.resolve({
          http: { url: cam.url, username: USER, password: PASSWORD },
          stream: { kind: 'rtsp', url: 'rtsp://127.0.0.1:1/none' },
        }),
      grab: () => {
        grabbed++;
        return Promise.reject(new Error('no stream frame in this test'));
      },
      log: (line) => logs.push(line),
    });
    await expect(service.take('cam-1')).rejects.toThrow('no stream frame in this test');
    expect(cam.seen).toEqual([undefined]);
    expect(grabbed).toBe(1);
    expect(logs.join('\n')).toMatch(/plain http.*Digest.*HTTPS/is);
  });
});

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasOpenssl) console.warn('SKIP https Basic test: openssl is not installed');

describe.runIf(hasOpenssl)('snapshot over https: Basic only behind the pinned certificate', () => {
  it('sends Basic to a Basic-only camera once its certificate is pinned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-basic-https-'));
    try {
      const key = join(dir, 'cam.key');
      const crt = join(dir, 'cam.crt');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
        ].concat(['-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=camera']),
        { stdio: 'ignore' },
      );
      const cert = readFileSync(crt, 'utf8');
      const order: string[] = [];
      const server = createHttpsServer({ key: readFileSync(key, 'utf8'), cert }, (req, res) => {
        order.push(req.headers.authorization ?? 'none');
        if (req.headers.authorization === BASIC) {
          res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(JPEG);
          return;
        }
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cam"' }).end();
      });
      const url = await listen(server, 'https');
      const result = await httpGet(url, {
        username: USER,
        password: PASSWORD,
        tls: { onFirstUse: (sha256) => void order.push(`pinned ${sha256}`) },
      });
      expect(result.status).toBe(200);
      expect(order).toEqual([`pinned ${new X509Certificate(cert).fingerprint256}`, 'none', BASIC]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
