import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RtspRelay } from '../../src/main/services/streaming/rtsp-relay';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { startScriptServer } from '../helpers/rtsp-script-server';
import { createHarness, type Harness } from '../helpers/stream-harness';

const gst = hasGstreamerRtsp();
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

/** Sends one request to `port` and resolves with the first answer (or '' when closed). */
function ask(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    setTimeout(() => socket.destroy(), 2_000);
  });
}

describe('the credential relay', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness();
    await h.service.init();
  });
  afterEach(() => h.dispose());
  afterAll(() => stopAllFakeCameras());

  it('another local program without the token gets 404 and never reaches the camera', async () => {
    const camera = await startScriptServer('127.0.0.1', () => ({ status: 200 }));
    const relay = await RtspRelay.start({
      url: `${camera.origin}/cam`,
      username: 'u',
      password: 'p',
    });
    try {
      const port = Number(new URL(relay.url).port);
      const guess = `OPTIONS rtsp://127.0.0.1:${String(port)}/cam RTSP/1.0\r\nCSeq: 1\r\n\r\n`;
      expect(await ask(port, guess)).toMatch(/^RTSP\/1.0 404/);
      expect(camera.connections).toBe(0);
      const right = `OPTIONS ${relay.url} RTSP/1.0\r\nCSeq: 7\r\n\r\n`;
      expect(await ask(port, right)).toMatch(/^RTSP\/1.0 200 OK\r\nCSeq: 7/);
      expect(camera.requests[0]?.uri).toBe(`${camera.origin}/cam`);
    } finally {
      await relay.close();
      await camera.close();
    }
  });

  it('a camera offering Basic and Digest in one header gets Digest (the strongest), never Basic', async () => {
    const offer =
      'Basic realm="cam, main", Digest realm="cam", nonce="n-md5", qop="auth", algorithm=MD5, ' +
      'Digest realm="cam", nonce="n-sha", qop="auth", algorithm=SHA-256';
    const camera = await startScriptServer('127.0.0.1', (request) =>
      request.headers.authorization
        ? { status: 200 }
        : { status: 401, reason: 'Unauthorized', headers: { 'WWW-Authenticate': offer } },
    );
    const relay = await RtspRelay.start({
      url: `${camera.origin}/cam`,
      username: 'u',
      password: 'p',
    });
    try {
      const port = Number(new URL(relay.url).port);
      const answer = await ask(port, `OPTIONS ${relay.url} RTSP/1.0\r\nCSeq: 2\r\n\r\n`);
      expect(answer).toMatch(/^RTSP\/1.0 200/);
      const sent = camera.requests.map((r) => r.headers.authorization ?? '');
      expect(sent.filter((a) => /^Basic/i.test(a))).toEqual([]);
      expect(sent.at(-1)).toMatch(/^Digest .*algorithm=SHA-256/);
      expect(sent.at(-1)).toContain('nonce="n-sha"');
    } finally {
      await relay.close();
      await camera.close();
    }
  });

  it('UDP SETUP answers gain source=<camera>, so ffmpeg sends RTCP to the camera, not the relay', async () => {
    const transport = 'RTP/AVP;unicast;client_port=5000-5001;server_port=6000-6001';
    const camera = await startScriptServer('127.0.0.1', () => ({
      status: 200,
      headers: { Transport: transport, Session: '12345' },
    }));
    const relay = await RtspRelay.start({ url: `${camera.origin}/cam` });
    try {
      const port = Number(new URL(relay.url).port);
      const setup = `SETUP ${relay.url}/track1 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=5000-5001\r\n\r\n`;
      const answer = await ask(port, setup);
      expect(answer).toContain(`Transport: ${transport};source=127.0.0.1\r\n`);
      expect(answer).toContain('CSeq: 3\r\n');
    } finally {
      await relay.close();
      await camera.close();
    }
  });

  it.runIf(gst)('UDP: a camera plays through the relay', async () => {
    const cam = await startFakeCamera({ user: 'admin', password: 'pw', audio: 'none' });
    h.cameras.set('cam', {
      kind: 'rtsp',
      url: cam.url,
      username: 'admin',
      password: 'pw',
      transport: 'udp',
    });
    await h.service.start('cam', { viewer: 't' });
    await h.waitFor('cam', 'live');
  });

  it.runIf(gst && hasOpenssl)(
    'rtsps: TLS to the camera from the relay, plain RTSP only on loopback',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-rtsps-'));
      const cam = await startFakeCamera({ user: 'admin', password: 'pw', audio: 'none' });
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
        ].concat([
          '-keyout',
          join(dir, 'k'),
          '-out',
          join(dir, 'c'),
          '-days',
          '2',
          '-subj',
          '/CN=cam',
        ]),
        { stdio: 'ignore' },
      );
      // An RTSP-over-TLS camera: a TLS front for the fake camera.
      let tlsClients = 0;
      const front = createTlsServer(
        { key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) },
        (socket) => {
          tlsClients++;
          const back = connect(cam.port, '127.0.0.1');
          socket.pipe(back).pipe(socket);
          socket.on('error', () => back.destroy());
          back.on('error', () => socket.destroy());
        },
      );
      await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = front.address() as AddressInfo;
        h.cameras.set('cam', {
          kind: 'rtsp',
          url: `rtsps://127.0.0.1:${String(port)}/cam`,
          username: 'admin',
          password: 'pw',
        });
        await h.service.start('cam', { viewer: 't' });
        await h.waitFor('cam', 'live');
        expect(tlsClients).toBeGreaterThan(0);
      } finally {
        await h.service.stopAll();
        await new Promise<void>((resolve) => front.close(() => resolve()));
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
