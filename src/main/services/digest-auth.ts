import { createHash, randomBytes } from 'node:crypto';
import { parseChallenges, type AuthChallenge } from './auth-challenges';

/** The Digest algorithms we answer (RFC 7616 §3.3), strongest first; no -sess variants. */
const ALGORITHMS = new Map([
  ['SHA-256', 'sha256'],
  ['MD5', 'md5'],
]);

function algorithmOf(challenge: AuthChallenge): string {
  return (challenge.params.get('algorithm') ?? 'MD5').toUpperCase();
}

/** The qop we answer: `auth` when offered; none when the challenge offers none (RFC 2069). */
function qopOf(challenge: AuthChallenge): 'auth' | null | undefined {
  const offered = challenge.params.get('qop');
  if (offered === undefined) return null;
  return offered.split(',').some((q) => q.trim().toLowerCase() === 'auth') ? 'auth' : undefined;
}

/** True for a Digest challenge this module can answer. */
function canAnswer(challenge: AuthChallenge): boolean {
  return (
    challenge.scheme === 'digest' &&
    challenge.params.has('realm') &&
    challenge.params.has('nonce') &&
    ALGORITHMS.has(algorithmOf(challenge)) &&
    qopOf(challenge) !== undefined
  );
}

/** The Digest challenge to answer: SHA-256 over MD5 whatever the order; undefined if none fits. */
export function chooseDigest(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  const usable = challenges.filter(canAnswer);
  const rank = [...ALGORITHMS.keys()];
  return usable.sort((a, b) => rank.indexOf(algorithmOf(a)) - rank.indexOf(algorithmOf(b)))[0];
}

/** A quoted-string as RFC 9110 writes it: backslash before each quote and backslash. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Builds an RFC 7616 Digest Authorization header (MD5 or SHA-256, qop=auth); `count` is the
 * nonce count (one per request made with the same nonce). A string is read as WWW-Authenticate
 * and its best Digest challenge answered (an algorithm we do not know falls back to MD5, as
 * before: the camera then refuses the answer, nothing leaks).
 */
export function digestAuthorization(
  challenge: string | AuthChallenge,
  method: string,
  uri: string,
  username: string,
  password: string,
  cnonce: string = randomBytes(8).toString('hex'),
  count = 1,
): string {
  const all = typeof challenge === 'string' ? parseChallenges([challenge]) : [challenge];
  const parsed = chooseDigest(all) ?? all.find((c) => c.scheme === 'digest');
  const p = parsed?.params ?? new Map<string, string>();
  const algorithm = parsed ? algorithmOf(parsed) : 'MD5';
  const fn = ALGORITHMS.get(algorithm) ?? 'md5';
  const hash = (text: string): string => createHash(fn).update(text, 'utf8').digest('hex');
  const realm = p.get('realm') ?? '';
  const nonce = p.get('nonce') ?? '';
  const nc = count.toString(16).padStart(8, '0');
  const qop = parsed ? (qopOf(parsed) ?? null) : null;
  const ha1 = hash(`${username}:${realm}:${password}`);
  const ha2 = hash(`${method}:${uri}`);
  const response = qop
    ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : hash(`${ha1}:${nonce}:${ha2}`);
  const opaque = p.get('opaque');
  const parts = [
    `username=${quoted(username)}`,
    `realm=${quoted(realm)}`,
    `nonce=${quoted(nonce)}`,
    `uri=${quoted(uri)}`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
    ...(opaque !== undefined ? [`opaque=${quoted(opaque)}`] : []),
    // qop and nc are tokens: some cameras refuse them quoted.
    ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce=${quoted(cnonce)}`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}
