import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchHandler } from '../../src/main/services/streaming/hls-handler';
import { serveOverHttp } from '../helpers/hls-http';

/** A raw GET whose path is sent exactly as written (fetch would normalise it). */
function rawGet(origin: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(origin);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP stand-in for vigil-stream:// is not a hole', () => {
  const seen: string[] = [];
  const handler: FetchHandler = (req) => {
    seen.push(req.url);
    return Promise.resolve(new Response('ok'));
  };
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  beforeAll(async () => {
    server = await serveOverHttp(handler);
  });
  afterAll(() => server.close());

  it('a URL the Request constructor rejects (credentials in the host) is a 400, and the server lives on', async () => {
    expect((await rawGet(server.origin, '/abc@abc/index.m3u8')).status).toBe(400);
    expect((await rawGet(server.origin, '/a:b@abc/index.m3u8')).status).toBe(400);
    expect(seen).toEqual([]);
    expect((await rawGet(server.origin, '/abc/index.m3u8')).status).toBe(200);
  });

  it('a cross-origin request reaches the handler with its Origin (the stream scheme declares corsEnabled)', async () => {
    const reply = await rawGet(server.origin, '/abc/index.m3u8', { origin: 'http://page.test' });
    expect(reply.status).toBe(200);
  });

  it('without corsEnabled a cross-origin request is refused before the handler, as Electron does', async () => {
    const strict = await serveOverHttp(handler, { privileges: { standard: true, secure: true } });
    try {
      const before = seen.length;
      const reply = await rawGet(strict.origin, '/abc/index.m3u8', { origin: 'http://page.test' });
      expect(reply.status).toBe(403);
      expect(seen.length).toBe(before);
      expect(strict.refusedCrossOrigin()).toBe(1);
      // Same-origin (no Origin header) still works.
      expect((await rawGet(strict.origin, '/abc/index.m3u8')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
