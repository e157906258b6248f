import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRtsp } from '../../src/main/services/streaming/rtsp-probe';

describe('the RTSP status probe and IPv6 camera addresses', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      socket.once('data', () => socket.end('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n'));
    });
    // Listening on all of 127.0.0.1 through the dual-stack socket: the IPv4-mapped IPv6
    // address below reaches 127.0.0.1 and nothing else.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('an IPv6 literal in brackets is online (the socket gets the address without brackets)', async () => {
    expect(await probeRtsp(`rtsp://[::ffff:127.0.0.1]:${String(port)}/cam`)).toEqual({ ok: true });
  });

  it('and the same camera by its IPv4 address, as before', async () => {
    expect(await probeRtsp(`rtsp://127.0.0.1:${String(port)}/cam`)).toEqual({ ok: true });
  });
});
