import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UserFacingError } from '../../../shared/errors';
import { parseChallenges, type AuthChallenge } from '../auth-challenges';
import { chooseDigest, digestAuthorization } from '../digest-auth';
import { connectPinned, type TlsTrust } from './tls-pin';

export { digestAuthorization };

export interface HttpGetResult {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface HttpGetOptions {
  username?: string;
  password?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * https: the certificate pin (trust on first use, see tls-pin.ts), checked on every
   * connection before anything is sent. Without it the first connection's certificate is
   * what the second (the one with credentials) must show.
   */
  tls?: TlsTrust;
}

async function once(
  url: URL,
  headers: Record<string, string>,
  options: Required<Pick<HttpGetOptions, 'timeoutMs' | 'maxBytes' | 'tls'>>,
): Promise<{ res: IncomingMessage; body: Buffer }> {
  // An https request goes out only on a socket whose certificate has already been checked.
  const socket =
    url.protocol === 'https:'
      ? await connectPinned(url, options.tls, options.timeoutMs)
      : undefined;
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: 'GET',
        headers,
        timeout: options.timeoutMs,
        ...(socket ? { createConnection: () => socket } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy(new Error('The camera sent more data than a snapshot can be.'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('timed out')), options.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Every challenge of a response. Node's `headers` joins repeated WWW-Authenticate headers with
 * ", "; `headersDistinct` (Node 18.3+/16.17+, per its http docs) keeps each one apart.
 */
function challengesOf(res: IncomingMessage): AuthChallenge[] {
  return parseChallenges(res.headersDistinct['www-authenticate'] ?? []);
}

/** The refusal when a camera over plain http would only take the password in clear. */
export function basicOverHttp(url: URL): UserFacingError {
  return new UserFacingError(
    'basic-over-http',
    `The camera at ${url.host} asks for its password with HTTP Basic, which over plain http ` +
      'anyone on the network can read, so Vigil did not send it. Turn on Digest ' +
      "authentication or HTTPS in the camera's web settings; until then Vigil takes still " +
      'pictures from the video stream.',
  );
}

/**
 * GET with HTTP Digest auth (Basic only over https, whose certificate tls-pin.ts has checked),
 * an absolute timeout and a size cap. A Digest answer refused as `stale=true` is retried once
 * with the new nonce; any other 401 is returned as is.
 */
export async function httpGet(
  rawUrl: string,
  options: HttpGetOptions = {},
): Promise<HttpGetResult> {
  const url = new URL(rawUrl);
  url.username = '';
  url.password = '';
  const limits = {
    timeoutMs: options.timeoutMs ?? 5_000,
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    tls: options.tls ?? {},
  };
  const started = Date.now();
  const again = (headers: Record<string, string>) => {
    const left = Math.max(500, limits.timeoutMs - (Date.now() - started));
    return once(url, headers, { ...limits, timeoutMs: left });
  };
  let { res, body } = await once(url, {}, limits);
  if (res.statusCode === 401 && options.username !== undefined) {
    const { username } = options;
    const password = options.password ?? '';
    const uri = `${url.pathname}${url.search}`;
    const challenges = challengesOf(res);
    let digest = chooseDigest(challenges);
    if (digest) {
      for (let attempt = 0; digest && attempt < 2; attempt++) {
        const auth = digestAuthorization(digest, 'GET', uri, username, password);
        ({ res, body } = await again({ Authorization: auth }));
        // stale=true: the password was right, the nonce had expired (RFC 7616 §3.3).
        const fresh = res.statusCode === 401 ? chooseDigest(challengesOf(res)) : undefined;
        digest = fresh?.params.get('stale')?.toLowerCase() === 'true' ? fresh : undefined;
      }
    } else if (challenges.some((c) => c.scheme === 'basic')) {
      // Basic is the password in clear: only inside TLS, whose certificate is pinned.
      if (url.protocol !== 'https:') throw basicOverHttp(url);
      const token = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
      ({ res, body } = await again({ Authorization: `Basic ${token}` }));
    }
  }
  return {
    status: res.statusCode ?? 0,
    contentType: String(res.headers['content-type'] ?? ''),
    body,
  };
}
