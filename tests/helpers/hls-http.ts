import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FetchHandler } from '../../src/main/services/streaming/hls-handler';
import { privilegesOf, type SchemePrivileges } from '../../src/main/web/policy';
import { STREAM_SCHEME } from '../../src/shared/streams';

export interface ServeOptions {
  /**
   * The privileges the app declares for the scheme this server stands in for; by default
   * read from the app's own SCHEME_PRIVILEGES (src/main/web/policy.ts), never copied.
   */
  privileges?: SchemePrivileges;
}

/**
 * Serves a fetch-style stream handler over HTTP on 127.0.0.1 for tests and the browser
 * harness: `http://127.0.0.1:PORT/<sessionId>/<file>` becomes `vigil-stream://<sessionId>/<file>`,
 * with the raw path kept as sent (no normalising), so hostile paths reach the handler intact.
 *
 * As strict as Electron: a cross-origin request (one that carries an Origin header) to a
 * scheme declared without `corsEnabled` is refused before the handler runs
 * (electron/electron#51152), and the browser then also checks the handler's
 * Access-Control-Allow-Origin, which Electron would not.
 *
 * Bodies stream the way Electron streams them: protocol.handle hands the response body to its
 * stream loader as `Readable.fromWeb(body)` (lib/browser/api/protocol.ts), which passes each
 * chunk on as it comes; when the page lets go (a closed window, an aborted fetch) the loader
 * destroys that Readable (NodeStreamLoader's destructor in shell/browser/net/node_stream_loader.cc),
 * and destroying it cancels the web stream. Here a client that disconnects does the same.
 */
export async function serveOverHttp(
  handler: FetchHandler,
  options: ServeOptions = {},
): Promise<{
  origin: string;
  /** Maps a vigil-stream:// URL to this server's http:// URL. */
  toHttp: (streamUrl: string) => string;
  /** Requests refused the way Electron refuses them (no corsEnabled). */
  refusedCrossOrigin: () => number;
  close: () => Promise<void>;
}> {
  let refused = 0;
  const server: Server = createServer((req, res) => {
    // Read per request, so a test that breaks the declaration sees the effect at once.
    const privileges = options.privileges ?? privilegesOf(STREAM_SCHEME);
    const raw = req.url ?? '/';
    const origin = req.headers.origin;
    if (origin !== undefined && !privileges.corsEnabled) {
      refused++;
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Cross-origin request to a scheme without corsEnabled (refused by Electron).');
      return;
    }
    let request: Request;
    try {
      request = new Request(`${STREAM_SCHEME}:/${raw}`, {
        method: req.method ?? 'GET',
        headers: origin !== undefined ? { origin } : {},
      });
    } catch {
      // Electron hands the handler only URLs it could parse; so does this adapter.
      res.writeHead(400).end();
      return;
    }
    handler(request)
      .then((response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        if (!response.body) {
          res.end();
          return;
        }
        // pipeline destroys the Readable when the client goes (res closes early), and that
        // cancels the handler's stream; a body that errors cuts the response off (Electron:
        // ERR_FAILED), as a page would see it.
        const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
        pipeline(body, res, () => undefined);
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
    refusedCrossOrigin: () => refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
