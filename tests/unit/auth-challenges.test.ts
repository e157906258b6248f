import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../src/main/services/auth-challenges';
import { chooseDigest, digestAuthorization } from '../../src/main/services/digest-auth';
import { digestParams, digestResponse } from '../fixtures/fake-onvif/digest';

/** The challenges as plain data, for toEqual. */
function plain(values: string[]) {
  return parseChallenges(values).map((c) => ({
    scheme: c.scheme,
    params: Object.fromEntries(c.params),
    ...(c.token68 !== undefined ? { token68: c.token68 } : {}),
  }));
}

describe('parseChallenges (RFC 9110 §11.6.1 WWW-Authenticate)', () => {
  it('splits several challenges in one header, commas inside quoted values included', () => {
    expect(
      plain([
        'Basic realm="Porch, east", Digest realm="Porch, east", qop="auth,auth-int", nonce="n1", algorithm=MD5',
      ]),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'Porch, east' } },
      {
        scheme: 'digest',
        params: { realm: 'Porch, east', qop: 'auth,auth-int', nonce: 'n1', algorithm: 'MD5' },
      },
    ]);
  });

  it('reads each header value in order (Node keeps repeated headers apart in headersDistinct)', () => {
    expect(plain(['Digest realm="a", nonce="1"', 'Basic realm="b"']).map((c) => c.scheme)).toEqual([
      'digest',
      'basic',
    ]);
  });

  it('unescapes quoted-pairs: a realm with a quote, a backslash and a comma', () => {
    const [c] = parseChallenges(['Digest realm="Porch \\"east\\", gate \\\\2", nonce="x"']);
    expect(c?.params.get('realm')).toBe('Porch "east", gate \\2');
  });

  it('is case-insensitive for schemes and parameter names, and allows spaces around "="', () => {
    expect(plain(['DIGEST Realm = "r" ,NONCE=n  ,  QOP="auth"'])).toEqual([
      { scheme: 'digest', params: { realm: 'r', nonce: 'n', qop: 'auth' } },
    ]);
  });

  it('reads token68 challenges and empty list elements', () => {
    expect(plain([', Negotiate abc+/==, , Basic realm="x",', 'Bearer'])).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/==' },
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: {} },
    ]);
  });

  it('drops a challenge whose quoted string never ends, keeping the ones before it', () => {
    expect(plain(['Basic realm="x", Digest realm="cut, nonce="n']).map((c) => c.scheme)).toEqual([
      'basic',
    ]);
  });

  it('tolerates a missing comma between parameters, and reads what follows', () => {
    expect(plain(['Digest realm="r" nonce="n", Basic realm="b"'])).toEqual([
      { scheme: 'digest', params: { realm: 'r', nonce: 'n' } },
      { scheme: 'basic', params: { realm: 'b' } },
    ]);
  });

  it('keeps the first of a repeated parameter (a later one cannot swap the nonce)', () => {
    const [c] = parseChallenges(['Digest realm="r", nonce="first", nonce="second"']);
    expect(c?.params.get('nonce')).toBe('first');
  });
});

describe('chooseDigest', () => {
  const md5 = 'Digest realm="r", nonce="m", qop="auth", algorithm=MD5';
  const sha = 'Digest realm="r", nonce="s", qop="auth", algorithm=SHA-256';

  it.each([
    ['MD5 first', [md5, sha]],
    ['SHA-256 first', [sha, md5]],
    ['both in one header', [`${md5}, ${sha}`]],
  ])('prefers SHA-256 over MD5 (%s)', (_name, values) => {
    expect(chooseDigest(parseChallenges(values))?.params.get('nonce')).toBe('s');
  });

  it('skips Digest challenges it cannot answer, and Basic', () => {
    const challenges = parseChallenges([
      'Basic realm="r"',
      'Digest realm="r", nonce="a", algorithm=SHA-512-256',
      'Digest realm="r", nonce="b", qop="auth-int"',
      'Digest realm="r", algorithm=MD5',
    ]);
    expect(chooseDigest(challenges)).toBeUndefined();
  });

  it('answers a Digest challenge without qop (RFC 2069) and MD5 without an algorithm', () => {
    expect(
      chooseDigest(parseChallenges(['Digest realm="r", nonce="old"']))?.params.get('nonce'),
    ).toBe('old');
  });
});

describe('digestAuthorization', () => {
  // RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
  const challenge = (algorithm: string) =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';

  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ])('matches the worked example of RFC 7616 §3.9.1 (%s)', (algorithm, response) => {
    const header = digestAuthorization(
      challenge(algorithm),
      'GET',
      '/dir/index.html',
      'Mufasa',
      'Circle of Life',
      cnonce,
    );
    const p = digestParams(header);
    expect(p?.get('response')).toBe(response);
    expect(p?.get('algorithm')).toBe(algorithm);
    expect(p?.get('opaque')).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
    expect(header).toContain(`qop=auth, nc=00000001, cnonce="${cnonce}"`);
  });

  it('quotes back a realm with a quote and a backslash so the camera reads the same realm', () => {
    const realm = 'Porch "east", gate \\2';
    const [parsed] = parseChallenges([
      `Digest realm="Porch \\"east\\", gate \\\\2", nonce="n", qop="auth"`,
    ]);
    if (!parsed) throw new Error('no challenge');
    const header = digestAuthorization(parsed, 'GET', '/snap.jpg', 'admin', 'pw', 'c0ffee');
    const p = digestParams(header);
    expect(p?.get('realm')).toBe(realm);
    expect(p?.get('response')).toBe(
      digestResponse({
        algorithm: 'MD5',
        username: 'admin',
        realm,
        password: 'pw',
        method: 'GET',
        uri: '/snap.jpg',
        nonce: 'n',
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c0ffee',
      }),
    );
  });
});
