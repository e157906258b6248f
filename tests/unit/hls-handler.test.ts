import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHlsHandler } from '../../src/main/services/streaming/hls-handler';
import { serveOverHttp } from '../helpers/hls-http';

const root = mkdtempSync(join(tmpdir(), 'vigil-hls-'));
const live = randomUUID();
const other = randomUUID();
const stopped = randomUUID();
for (const id of [live, other, stopped]) {
  mkdirSync(join(root, id));
  writeFileSync(join(root, id, 'index.m3u8'), `#EXTM3U\n#EXTINF:1.0,\nseg-0.m4s\n# ${id}\n`);
  writeFileSync(join(root, id, 'init.mp4'), 'init');
  writeFileSync(join(root, id, 'seg-0.m4s'), 'segment-0');
}
writeFileSync(join(root, 'secret.txt'), 'top secret');
writeFileSync(join(root, live, 'notes.txt'), 'not hls');
symlinkSync(join(root, 'secret.txt'), join(root, live, 'seg-7.m4s'));
symlinkSync(join(root, 'secret.txt'), join(root, live, 'index.m3u8.tmp'));

const handler = createHlsHandler({
  liveDirectory: (id) => (id === live || id === other ? join(root, id) : undefined),
  allowedOrigins: ['vigil-app://renderer'],
});

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('HLS handler', () => {
  it('serves the playlist, init segment and media segments of a live session', async () => {
    const playlist = await get(`vigil-stream://${live}/index.m3u8`);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers.get('cache-control')).toContain('no-cache');
    expect(await playlist.text()).toContain(live);
    const init = await get(`vigil-stream://${live}/init.mp4`);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    writeFileSync(join(root, live, 'seg-3.ts'), 'ts');
    expect((await get(`vigil-stream://${live}/seg-3.ts`)).headers.get('content-type')).toBe(
      'video/mp2t',
    );
    const segment = await get(`vigil-stream://${live}/seg-0.m4s`);
    expect(segment.status).toBe(200);
    expect(await segment.text()).toBe('segment-0');
  });

  const hostile: Array<[string, string, string?]> = [
    ['dot-dot', `vigil-stream://${live}/../${other}/index.m3u8`],
    ['encoded slash', `vigil-stream://${live}/..%2f${other}%2findex.m3u8`],
    ['encoded dots', `vigil-stream://${live}/%2e%2e/secret.txt`],
    ['encoded backslash', `vigil-stream://${live}/..%5csecret.txt`],
    ['raw backslash', `vigil-stream://${live}/..\\secret.txt`],
    ['double-encoded', `vigil-stream://${live}/%252e%252e%252fsecret.txt`],
    ['absolute path', `vigil-stream://${live}//etc/passwd`],
    ['absolute path in host', 'vigil-stream:///etc/passwd'],
    ['another session in the path', `vigil-stream://${live}/${other}/index.m3u8`],
    ['unknown session', `vigil-stream://${randomUUID()}/index.m3u8`],
    ['stopped session', `vigil-stream://${stopped}/index.m3u8`],
    ['not a session id', 'vigil-stream://not-a-uuid/index.m3u8'],
    ['uppercase session id', `vigil-stream://${live.toUpperCase()}/index.m3u8`],
    ['file outside the patterns', `vigil-stream://${live}/notes.txt`],
    ['temp file', `vigil-stream://${live}/index.m3u8.tmp`],
    ['symlink planted as a segment', `vigil-stream://${live}/seg-7.m4s`],
    ['query string', `vigil-stream://${live}/index.m3u8?x=1`],
    ['wrong scheme', `file://${root}/${live}/index.m3u8`],
    ['POST', `vigil-stream://${live}/index.m3u8`, 'POST'],
    ['PUT', `vigil-stream://${live}/seg-0.m4s`, 'PUT'],
  ];

  it.each(hostile)('refuses %s', async (_name, url, method) => {
    const response = await get(url, method);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const body = await response.text();
    expect(body).not.toContain('top secret');
    expect(body).not.toContain('#EXTM3U');
  });

  describe('over the HTTP test adapter (raw paths reach the handler unchanged)', () => {
    let server: Awaited<ReturnType<typeof serveOverHttp>>;
    beforeAll(async () => {
      server = await serveOverHttp(handler);
    });
    afterAll(() => server.close());

    it('serves the live playlist', async () => {
      const response = await fetch(server.toHttp(`vigil-stream://${live}/index.m3u8`));
      expect(response.status).toBe(200);
      // No Origin header (not a cross-origin page request): nothing to allow.
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('names our page origin in Access-Control-Allow-Origin, never *', async () => {
      const response = await fetch(server.toHttp(`vigil-stream://${live}/index.m3u8`), {
        headers: { origin: 'vigil-app://renderer' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('vigil-app://renderer');
      expect(response.headers.get('vary')).toBe('Origin');
    });

    it('tells our page the real status of a stream that is gone (404 with our origin named, not a CORS error)', async () => {
      const response = await fetch(server.toHttp(`vigil-stream://${stopped}/index.m3u8`), {
        headers: { origin: 'vigil-app://renderer' },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBe('vigil-app://renderer');
    });

    it.each(['http://localhost:5173', 'null', 'file://', 'https://evil.example'])(
      'refuses a page of another origin (%s)',
      async (origin) => {
        const response = await fetch(server.toHttp(`vigil-stream://${live}/index.m3u8`), {
          headers: { origin },
        });
        expect(response.status).toBe(403);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(await response.text()).not.toContain('#EXTM3U');
      },
    );

    it.each([
      `/${live}/..%2f..%2fsecret.txt`,
      `/${live}/%2e%2e/%2e%2e/secret.txt`,
      `/${live}/seg-7.m4s`,
      `/${other}/../${live}/notes.txt`,
    ])('refuses %s', async (path) => {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).not.toContain('top secret');
    });
  });
});

describe('live.mp4 (the low-latency stream)', () => {
  const asked: string[] = [];
  /** An endless body that says which session it is and records its cancel. */
  const streams = new Map<string, { cancelled: boolean }>();
  const liveHandler = createHlsHandler({
    liveDirectory: (id) => (id === live || id === other ? join(root, id) : undefined),
    liveStream: (id) => {
      asked.push(id);
      if (id !== live) return undefined;
      const state = { cancelled: false };
      streams.set(id, state);
      return new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode(`fmp4 of ${id}`)),
        cancel: () => {
          state.cancelled = true;
        },
      });
    },
    allowedOrigins: ['vigil-app://renderer'],
  });
  const getLive = (url: string, init: RequestInit = {}) => liveHandler(new Request(url, init));
  // A file of that name in the session folder is never what live.mp4 serves.
  writeFileSync(join(root, other, 'live.mp4'), 'a file on disk');

  it('streams the session’s live body as video/mp4, never cached or sniffed, our origin named', async () => {
    const response = await getLive(`vigil-stream://${live}/live.mp4`, {
      headers: { origin: 'vigil-app://renderer' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBe('vigil-app://renderer');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('content-length')).toBeNull();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(`fmp4 of ${live}`);
    await reader.cancel();
    expect(streams.get(live)?.cancelled).toBe(true);
  });

  it('is a 404 (our origin named) for a session without a live stream, never a file on disk', async () => {
    const response = await getLive(`vigil-stream://${other}/live.mp4`, {
      headers: { origin: 'vigil-app://renderer' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe('vigil-app://renderer');
    expect(await response.text()).not.toContain('a file on disk');
    // The handler of a service without live streams: 404 too.
    expect((await get(`vigil-stream://${live}/live.mp4`)).status).toBe(404);
  });

  const refused: Array<[string, string, RequestInit?]> = [
    [
      'a page of another origin',
      `vigil-stream://${live}/live.mp4`,
      { headers: { origin: 'https://evil.example' } },
    ],
    ['POST', `vigil-stream://${live}/live.mp4`, { method: 'POST' }],
    ['not a session id', 'vigil-stream://not-a-uuid/live.mp4'],
    ['a query string', `vigil-stream://${live}/live.mp4?x=1`],
    ['an encoded dot', `vigil-stream://${live}/live%2emp4`],
    ['dot-dot', `vigil-stream://${other}/../${live}/live.mp4`],
    ['another name', `vigil-stream://${live}/live.mp4.tmp`],
    ['uppercase', `vigil-stream://${live}/LIVE.mp4`],
    ['a sub-path', `vigil-stream://${live}/x/live.mp4`],
  ];

  it.each(refused)('refuses %s before asking for a stream', async (_name, url, init) => {
    const before = asked.length;
    const response = await getLive(url, init);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(asked.length).toBe(before);
    expect(await response.text()).not.toContain('fmp4 of');
  });
});
