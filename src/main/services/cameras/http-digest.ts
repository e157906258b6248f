import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
}

function parseChallenge(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    const key = match[1]?.toLowerCase();
    if (key) params[key] = match[2] ?? match[3] ?? '';
  }
  return params;
}

function hash(algorithm: string, text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/** Builds an RFC 7616 Digest Authorization header (MD5 or SHA-256, qop=auth). */
export function digestAuthorization(
  challenge: string,
  method: string,
  uri: string,
  username: string,
  password: string,
  cnonce: string = randomBytes(8).toString('hex'),
): string {
  const p = parseChallenge(challenge);
  const algorithm = (p.algorithm ?? 'MD5').toUpperCase();
  const fn = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const nc = '00000001';
  const qop = (p.qop ?? '')
    .split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : null;
  const ha1 = hash(fn, `${username}:${realm}:${password}`);
  const ha2 = hash(fn, `${method}:${uri}`);
  const response = qop
    ? hash(fn, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : hash(fn, `${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username="${username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
    ...(p.opaque !== undefined ? [`opaque="${p.opaque}"`] : []),
    ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}

function once(
  url: URL,
  headers: Record<string, string>,
  options: Required<Pick<HttpGetOptions, 'timeoutMs' | 'maxBytes'>>,
): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      { method: 'GET', headers, timeout: options.timeoutMs, rejectUnauthorized: false },
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
