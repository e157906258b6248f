import { createHash, randomBytes } from 'node:crypto';

/** The parameters of one WWW-Authenticate challenge (names lower-cased). */
export function parseChallenge(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    const key = match[1]?.toLowerCase();
    if (key) params[key] = match[2] ?? match[3] ?? '';
  }
  return params;
}

/** A quoted-string as RFC 7230 writes it: backslash before each quote and backslash. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function hash(algorithm: string, text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/**
 * Builds an RFC 7616 Digest Authorization header (MD5 or SHA-256, qop=auth); `count` is the
 * nonce count (one per request made with the same nonce).
 */
export function digestAuthorization(
  challenge: string,
  method: string,
  uri: string,
  username: string,
  password: string,
  cnonce: string = randomBytes(8).toString('hex'),
  count = 1,
): string {
  const p = parseChallenge(challenge);
  const algorithm = (p.algorithm ?? 'MD5').toUpperCase();
  const fn = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const nc = count.toString(16).padStart(8, '0');
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
    `username=${quoted(username)}`,
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
