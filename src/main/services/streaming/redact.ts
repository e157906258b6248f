/**
 * How a username or password is written into a URL: percent-encoded once, '%' included
 * (the WHATWG setters alone leave '%' as is, and ffmpeg would decode "%41" to "A").
 */
export function encodeUserinfo(value: string): string {
  const url = new URL('rtsp://host');
  url.password = encodeURIComponent(value);
  return url.password;
}

const XML_NAMED: ReadonlyMap<string, string> = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&apos;'],
]);

/** `s` as XML text or attribute value (what a SOAP body or an xml2js error would show). */
function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_NAMED.get(c) ?? c);
}

/**
 * The part of `base64(user + ":" + secret)` that depends on the secret alone, for each of the
 * three offsets the unknown username can leave it at. The secret ends the Basic token, so the
 * tail (padding included) is exact. Tails under 4 characters (passwords of 1–2 bytes) would
 * blank random letters of every log line and are left out.
 */
function basicTails(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const tails: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i covers bits [6i, 6i + 6): the first free of the offset bytes is ceil(8k / 6).
    const tail = encoded.slice(Math.ceil((offset * 8) / 6));
    if (tail.length >= 4) tails.push(tail);
  }
  return tails;
}

/** Secrets that must never appear in logs, errors or events, in any of their spellings. */
export function secretSpellings(secret: string | undefined): string[] {
  if (!secret) return [];
  const uri = encodeURIComponent(secret);
  const spellings = new Set<string>([
    secret,
    uri,
    encodeUserinfo(secret),
    escape(secret),
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    // application/x-www-form-urlencoded: '+' for space.
    new URLSearchParams({ s: secret }).toString().slice(2),
    uri.replace(/%20/g, '+'),
    xmlEscape(secret),
    [...secret].map((c) => `&#${String(c.codePointAt(0))};`).join(''),
    ...basicTails(secret),
  ]);
  return [...spellings].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** `3F` → `3[Ff]`: hex digits in either case. */
function hexPattern(hex: string): string {
  return hex.toUpperCase().replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`);
}

/**
 * One character in any of the spellings text can carry it in, mixed freely: as is,
 * percent-encoded UTF-8 (either hex case), '+' for a space (form encoding), an XML/HTML
 * character reference (decimal or hex, leading zeros) or a named XML entity. Lists of
 * spellings cannot cover the mixtures (`&lt;` next to `&#38;`), a pattern per character can.
 */
function characterPattern(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const utf8 = [...Buffer.from(c, 'utf8')];
  const alternatives = [
    c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    utf8.map((b) => `%${hexPattern(b.toString(16).padStart(2, '0'))}`).join(''),
    `&#0*${String(code)};`,
    `&#[xX]0*${hexPattern(code.toString(16))};`,
  ];
  const named = XML_NAMED.get(c);
  if (named) alternatives.push(named);
  if (c === ' ') alternatives.push('\\+');
  return `(?:${alternatives.join('|')})`;
}

function secretPattern(secret: string): RegExp {
  return new RegExp([...secret].map(characterPattern).join(''), 'g');
}

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi;

/** A Basic credential in a header, whoever's it is (like URL userinfo above). */
const BASIC_HEADER = /(\b(?:proxy-)?authorization\s*[:=]\s*["']?basic\s+)[A-Za-z0-9+/]+=*/gi;

/**
 * Builds a redactor that hides URL userinfo, Basic Authorization headers and every spelling
 * of the given secrets (see `secretSpellings` and `characterPattern`).
 */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const known = secrets.filter((s): s is string => !!s);
  const spellings = [...new Set(known.flatMap(secretSpellings))].sort(
    (a, b) => b.length - a.length,
  );
  const patterns = known.map(secretPattern);
  return (text: string): string => {
    let out = text.replace(USERINFO, '$1***@').replace(BASIC_HEADER, '$1***');
    for (const spelling of spellings) out = out.split(spelling).join('***');
    for (const pattern of patterns) out = out.replace(pattern, '***');
    return out;
  };
}
