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

/**
 * A stand-in over a handler that answers "ok" and records every URL it is asked for; started
 * before the describe's tests, closed after them.
 */
function recordingServer() {
  const seen: string[] = [];
  const handler: FetchHandler = (req) => {
    seen.push(req.url);
    return Promise.resolve(new Response('ok'));
  };
  let started: ReturnType<typeof serveOverHttp> | null = null;
  afterAll(async () => (await started)?.close());
  return { seen, handler, server: () => (started ??= serveOverHttp(handler)) };
}

describe('the HTTP stand-in for vigil-stream:// is not a hole', () => {
  const { seen, handler, server: current } = recordingServer();
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  beforeAll(async () => {
    server = await current();
  });

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

describe('the HTTP stand-in gives each session its own host, as vigil-stream://<session>/ does', () => {
  const { seen, server: current } = recordingServer();
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  beforeAll(async () => {
    server = await current();
  });

  /** Sends what Chromium sends for a page URL: its path, and its host as the Host header. */
  async function asPage(pageUrl: string, path?: string): Promise<string | undefined> {
    const url = new URL(pageUrl);
    const before = seen.length;
    const reply = await rawGet(server.origin, path ?? url.pathname, { host: url.host });
    expect(reply.status).toBe(200);
    expect(seen.length).toBe(before + 1);
    return seen.at(-1);
  }

  it('maps a stream URL to http://<session>.localhost:PORT/<file>, and that request reaches the handler as the stream URL', async () => {
    const port = String(server.port);
    const sessions = ['0b9f5c1e-2d4a-4c7e-9a51-3f2e8d6b7c10', 'cam-2'];
    for (const session of sessions) {
      for (const file of ['index.m3u8', 'live.mp4']) {
        const streamUrl = `vigil-stream://${session}/${file}`;
        const pageUrl = server.toPageHttp(streamUrl);
        expect(pageUrl).toBe(`http://${session}.localhost:${port}/${file}`);
        expect(await asPage(pageUrl)).toBe(streamUrl);
      }
    }
    const hosts = sessions.map((s) => new URL(server.toPageHttp(`vigil-stream://${s}/x`)).host);
    expect(new Set(hosts).size).toBe(sessions.length);
  });

  it('hands a hostile path on the session host to the handler exactly as the path form does', async () => {
    const pageUrl = server.toPageHttp('vigil-stream://abc/index.m3u8');
    for (const path of ['/..%2f..%2fsecret.txt', '//other/index.m3u8', '/%2e%2e/secret.txt']) {
      const byHost = await asPage(pageUrl, path);
      const before = seen.length;
      expect((await rawGet(server.origin, `/abc${path}`)).status).toBe(200);
      expect(seen.slice(before), path).toEqual([byHost]);
    }
    expect(seen.slice(-6)[0]).toBe('vigil-stream://abc/..%2f..%2fsecret.txt');
  });

  it('any other Host (127.0.0.1, another port, more labels, userinfo) takes the path form', async () => {
    const port = String(server.port);
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `abc.localhost:${String(server.port + 1)}`,
      `a.b.localhost:${port}`,
      `u@abc.localhost:${port}`,
    ]) {
      const before = seen.length;
      expect((await rawGet(server.origin, '/xyz/index.m3u8', { host })).status, host).toBe(200);
      expect(seen.slice(before), host).toEqual(['vigil-stream://xyz/index.m3u8']);
    }
    expect(server.toHttp('vigil-stream://xyz/index.m3u8')).toBe(`${server.origin}/xyz/index.m3u8`);
  });

  it('names the scheme’s stand-in for a CSP as every *.localhost host on its port', () => {
    expect(server.cspSource).toBe(`http://*.localhost:${String(server.port)}`);
    expect(() => server.toPageHttp('http://abc/index.m3u8')).toThrow(/not a vigil-stream URL/);
  });
});

describe('the HTTP stand-in streams bodies as Electron does', () => {
  let cancelled: unknown[] = [];
  const handler: FetchHandler = (req) => {
    const name = new URL(req.url).pathname;
    if (name === '/endless') {
      // One chunk, then nothing more, ever: a live stream between two frames.
      return Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start: (c) => c.enqueue(new TextEncoder().encode('first frame')),
            cancel: (reason) => {
              cancelled.push(reason ?? 'cancelled');
            },
          }),
        ),
      );
    }
    if (name === '/broken') {
      return Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start: (c) => {
              c.enqueue(new TextEncoder().encode('part'));
              setTimeout(() => c.error(new Error('source gone')), 20);
            },
          }),
        ),
      );
    }
    return Promise.resolve(new Response('a whole file'));
  };
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  beforeAll(async () => {
    server = await serveOverHttp(handler);
  });
  afterAll(() => server.close());

  function open(path: string) {
    const { hostname, port } = new URL(server.origin);
    const req = request({ hostname, port, path, method: 'GET' });
    const events: string[] = [];
    const first = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        res.on('data', (chunk: Buffer) => resolve(chunk.toString()));
        res.on('end', () => events.push('end'));
        res.on('aborted', () => events.push('aborted'));
        res.on('error', () => events.push('error'));
      });
      req.on('error', reject);
    });
    req.end();
    return { req, first, events };
  }

  it('delivers the first chunk of a body that never ends, and cancels it when the client goes', async () => {
    cancelled = [];
    const { req, first } = open('/abc/endless');
    expect(await first).toBe('first frame');
    expect(cancelled).toEqual([]);
    req.destroy();
    await expect.poll(() => cancelled.length, { timeout: 3000 }).toBe(1);
  });

  it('a whole body still arrives whole', async () => {
    const reply = await rawGet(server.origin, '/abc/file');
    expect(reply).toEqual({ status: 200, body: 'a whole file' });
  });

  it('a body that fails midway cuts the response off instead of ending it cleanly', async () => {
    const { first, events } = open('/abc/broken');
    expect(await first).toBe('part');
    await expect.poll(() => events.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(events).not.toContain('end');
  });
});
