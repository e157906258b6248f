import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectOnvif } from '../../src/main/services/cameras/onvif-client';
import { MAX_XML_DEPTH, MAX_XML_ELEMENTS } from '../../src/main/services/cameras/xml-guard';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';
import { passwordDigest } from '../fixtures/fake-onvif/ws-security';

const NON_ASCII = 'pässwörd-€';

describe('ONVIF: a non-ASCII password works with WS-Security, as with Digest', () => {
  let dev: FakeOnvif | undefined;
  afterEach(async () => {
    await dev?.close();
    dev = undefined;
  });

  it('the simulator hashes UTF-8, as devices do (OASIS UsernameToken profile)', () => {
    const nonce = Buffer.from('0123456789abcdef').toString('base64');
    const created = '2026-01-01T00:00:00.000Z';
    const utf8 = createHash('sha1')
      .update(
        Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.from(created + NON_ASCII, 'utf8')]),
      )
      .digest('base64');
    const ascii = createHash('sha1')
      .update(
        Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.from(created + NON_ASCII, 'ascii')]),
      )
      .digest('base64');
    expect(passwordDigest(nonce, created, NON_ASCII)).toBe(utf8);
    expect(utf8).not.toBe(ascii);
  });

  it.each(['ws-security', 'digest'] as const)(
    '%s: logs in and reads the profiles',
    async (auth) => {
      dev = await startFakeOnvif({
        rtspUrl: 'rtsp://127.0.0.1:8554/cam',
        username: 'admin',
        password: NON_ASCII,
        auth,
      });
      const inspection = await inspectOnvif({
        host: dev.hostname,
        port: dev.port,
        username: 'admin',
        password: NON_ASCII,
        timeoutMs: 8_000,
      });
      expect(inspection.device.profiles.map((p) => p.role)).toEqual(['main', 'sub']);
      expect(dev.requests.filter((r) => r.action === 'GetProfiles' && r.authorized)).toHaveLength(
        1,
      );
    },
  );
});

describe('ONVIF: an answer nested too deep is refused before it is parsed', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    server = undefined;
  });

  /** A "device" that answers every SOAP call with `body` (under the 2 MB cap), in 16 kB pieces. */
  async function device(body: string): Promise<number> {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
        for (let i = 0; i < body.length; i += 16_384) res.write(body.slice(i, i + 16_384));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return address !== null && typeof address !== 'string' ? address.port : 0;
  }

  const envelope = (inner: string): string =>
    '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">' +
    `<s:Body>${inner}</s:Body></s:Envelope>`;

  it.each([
    [
      'nested 270 000 deep',
      envelope('<a>'.repeat(270_000) + '</a>'.repeat(270_000)),
      `nested over ${String(MAX_XML_DEPTH)} deep`,
    ],
    [
      '237 000 siblings',
      envelope('<a>x</a>'.repeat(237_000)),
      `over ${String(MAX_XML_ELEMENTS)} elements`,
    ],
  ])('%s: refused with a clear error, no event-loop stall', async (_what, body, why) => {
    expect(body.length).toBeLessThan(2 * 1024 * 1024);
    const port = await device(body);
    // The longest gap between ticks of a 5 ms timer: how long the event loop was blocked.
    let last = Date.now();
    let stallMs = 0;
    const ticker = setInterval(() => {
      stallMs = Math.max(stallMs, Date.now() - last);
      last = Date.now();
    }, 5);
    const t0 = Date.now();
    const error: unknown = await inspectOnvif({ host: '127.0.0.1', port, timeoutMs: 8_000 }).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    clearInterval(ticker);
    console.log(
      `${_what}: refused after ${String(Date.now() - t0)} ms, longest stall ${stallMs.toFixed(0)} ms`,
    );
    expect(error).toMatchObject({ code: 'onvif-not-onvif' });
    expect((error as Error).message).toContain(why);
    // Parsing it took 1.5 s (deep) / 0.5 s (wide) of blocked event loop here.
    expect(stallMs).toBeLessThan(250);
  });
});
