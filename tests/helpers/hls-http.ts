import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchHandler } from '../../src/main/services/streaming/hls-handler';
import { STREAM_SCHEME } from '../../src/shared/streams';

/**
 * Serves a fetch-style stream handler over HTTP on 127.0.0.1 for tests and the browser
 * harness: `http://127.0.0.1:PORT/<sessionId>/<file>` becomes `vigil-stream://<sessionId>/<file>`,
 * with the raw path kept as sent (no normalising), so hostile paths reach the handler intact.
 */
export async function serveOverHttp(handler: FetchHandler): Promise<{
  origin: string;
  /** Maps a vigil-stream:// URL to this server's http:// URL. */
  toHttp: (streamUrl: string) => string;
  close: () => Promise<void>;
}> {
  const server: Server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const request = new Request(`${STREAM_SCHEME}:/${raw}`, { method: req.method ?? 'GET' });
    handler(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${String(port)}`;
  return {
    origin,
    toHttp: (streamUrl) => streamUrl.replace(`${STREAM_SCHEME}://`, `${origin}/`),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
