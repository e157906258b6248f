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
 * Chromium resolves `localhost` and every `*.localhost` name to loopback by itself, without
 * asking the system resolver (Node's resolver here does not know `*.localhost`: ENOTFOUND).
 */
export const PAGE_HOST_SUFFIX = '.localhost';

/** The stand-in for the stream scheme, as serveOverHttp returns it. */
export interface StreamServer {
  /**
   * `http://127.0.0.1:PORT`: the path form (`/<sessionId>/<file>`), for raw requests (hostile
   * paths, Host headers) and Node clients, whose resolver knows no `*.localhost`.
   */
  origin: string;
  port: number;
  /** What stands for the scheme in a page's CSP: `http://*.localhost:PORT`. */
  cspSource: string;
  /**
   * Maps a vigil-stream:// URL to the path form on this server (`${origin}/<sessionId>/<file>`).
   * For Node clients only: a page that opens more than six endless responses this way starves.
   */
  toHttp: (streamUrl: string) => string;
  /**
   * Maps a vigil-stream:// URL to what a page (Chromium) must use: the session as its own host,
   * `http://<sessionId>.localhost:PORT/<file>`, as in the app.
   */
  toPageHttp: (streamUrl: string) => string;
  /** Requests refused the way Electron refuses them (no corsEnabled). */
  refusedCrossOrigin: () => number;
  /**
   * Closes the connections the browser keeps open between requests (HTTP keep-alive, one pool
   * per session host). A custom scheme in Electron has no sockets at all, so counts of this
   * process's open files must not see these.
   */
  closeIdle: () => void;
  close: () => Promise<void>;
}

/**
 * Serves a fetch-style stream handler over HTTP on 127.0.0.1 for tests and the browser
 * harness. As in the app, each session is its own host: `http://<sessionId>.localhost:PORT/<file>`
 * becomes `vigil-stream://<sessionId>/<file>`. The path form `http://127.0.0.1:PORT/<sessionId>/<file>`
 * still works for raw requests and Node clients. The raw path is kept as sent (no normalising),
 * so hostile paths reach the handler intact.
 *
 * Why one host per session: Chromium pools HTTP/1.1 sockets per group (scheme, host, port…) and
 * allows 6 per group (`g_max_sockets_per_group`, 6 for NORMAL_SOCKET_POOL, in
 * net/socket/client_socket_pool_manager.cc), so a page holding 7+ endless `live.mp4` responses
 * on one host starves (measured: 8 fetches to one host, 6 answered). Electron never meets this
 * for our scheme: protocol.handle registers the handler with Electron's own URLLoaderFactory
 * (ElectronURLLoaderFactory, shell/browser/net/electron_url_loader_factory.cc, a
 * SelfDeletingURLLoaderFactory whose CreateLoaderAndStart runs the JS handler on the UI thread
 * and streams the body with NodeStreamLoader), outside the network service and its socket
 * pools; and each session has its own host anyway. Measured here (Chromium 156): 8 endless
 * fetches to 8 `*.localhost` hosts all answered within 50 ms, with no --host-resolver-rules and
 * this server on 127.0.0.1 only.
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
): Promise<StreamServer> {
  let port = 0;
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
    // `<sessionId>.localhost:PORT` (what a page sends) names the session; any other Host (the
    // path form, raw tests) leaves it to the first path segment.
    const session = sessionOfHost(req.headers.host, port);
    if (session !== null && !raw.startsWith('/')) {
      res.writeHead(400).end();
      return;
    }
    let request: Request;
    try {
      const url =
        session !== null ? `${STREAM_SCHEME}://${session}${raw}` : `${STREAM_SCHEME}:/${raw}`;
      request = new Request(url, {
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
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${String(port)}`;
  return {
    origin,
    port,
    cspSource: `http://*${PAGE_HOST_SUFFIX}:${String(port)}`,
    toHttp: (streamUrl) => streamUrl.replace(`${STREAM_SCHEME}://`, `${origin}/`),
    toPageHttp: (streamUrl) => {
      const { session, path } = splitStreamUrl(streamUrl);
      return `http://${session}${PAGE_HOST_SUFFIX}:${String(port)}${path}`;
    },
    refusedCrossOrigin: () => refused,
    closeIdle: () => server.closeIdleConnections(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The session a Host header names (`<sessionId>.localhost:PORT`), or null for any other Host. */
function sessionOfHost(host: string | undefined, port: number): string | null {
  const suffix = `${PAGE_HOST_SUFFIX}:${String(port)}`;
  const lower = host?.toLowerCase() ?? '';
  if (!lower.endsWith(suffix)) return null;
  const label = lower.slice(0, -suffix.length);
  // One DNS label, as a browser sends it for `http://<label>.localhost:PORT`; anything else
  // (userinfo, more labels, an empty label) is not a page's request: the path form decides.
  return /^[a-z0-9-]+$/.test(label) ? label : null;
}

/** `vigil-stream://<session>/<path>` → its session (the host) and path (from the first `/`). */
function splitStreamUrl(streamUrl: string): { session: string; path: string } {
  const prefix = `${STREAM_SCHEME}://`;
  if (!streamUrl.startsWith(prefix)) throw new Error(`not a ${STREAM_SCHEME} URL: ${streamUrl}`);
  const rest = streamUrl.slice(prefix.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { session: rest, path: '/' }
    : { session: rest.slice(0, slash), path: rest.slice(slash) };
}
