import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { digestAuthorization } from '../digest-auth';
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

/** GET with HTTP Digest (or Basic) auth, an absolute timeout and a size cap. */
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
  let { res, body } = await once(url, {}, limits);
  const challenge = res.headers['www-authenticate'];
  if (res.statusCode === 401 && challenge && options.username !== undefined) {
    const uri = `${url.pathname}${url.search}`;
    const auth = /^\s*Digest/i.test(challenge)
      ? digestAuthorization(challenge, 'GET', uri, options.username, options.password ?? '')
      : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    const left = Math.max(500, limits.timeoutMs - (Date.now() - started));
    ({ res, body } = await once(url, { Authorization: auth }, { ...limits, timeoutMs: left }));
  }
  return {
    status: res.statusCode ?? 0,
    contentType: String(res.headers['content-type'] ?? ''),
    body,
  };
}
