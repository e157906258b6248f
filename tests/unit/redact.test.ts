import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  encodeUserinfo,
  secretSpellings,
} from '../../src/main/services/streaming/redact';

const CANARY = 'c@n:ary/pä ss%word';

/** A password with every character XML escapes, non-ASCII, a space and a non-BMP character. */
const XML_CANARY = `pa<s>s&w"o'rd ä€😀-9c1`;

/** Independent spellings (not the module's own helpers). */
const xmlNamed = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c] ?? ''};`,
  );
const xmlDecimal = (s: string) => [...s].map((c) => `&#${String(c.codePointAt(0))};`).join('');
const xmlHex = (s: string) =>
  [...s].map((c) => `&#x${(c.codePointAt(0) ?? 0).toString(16)};`).join('');
const xmlSpecialsAsNumbers = (s: string) =>
  s.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
/** `<` and `>` named, the other specials as numbers: no fixed list of spellings has this. */
const xmlMixed = (s: string) =>
  s.replace(/[&<>"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : `&#${String(c.charCodeAt(0))};`,
  );
const percentNonAscii = (s: string) =>
  s.replace(/[^\x20-\x7e]/gu, (c) => encodeURIComponent(c)).replace(/ /g, '+');
const formEncoded = (s: string) => new URLSearchParams({ p: s }).toString().slice('p='.length);
const lowerHexPercent = (s: string) =>
  encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

describe('createRedactor', () => {
  const redact = createRedactor([CANARY]);

  it.each([
    ['raw', CANARY],
    ['encodeURIComponent', encodeURIComponent(CANARY)],
    ['as written into camera URLs', encodeUserinfo(CANARY)],
    ['percent-encoded with lower-case hex', lowerHexPercent(CANARY)],
    ['form-encoded ("+" for space, URLSearchParams)', formEncoded(CANARY)],
    ['encodeURIComponent with "+" for space', encodeURIComponent(CANARY).replace(/%20/g, '+')],
  ])('removes the %s spelling of the secret', (_name, spelling) => {
    const out = redact(`Opening stream with ${spelling} now`);
    expect(out).not.toContain(spelling);
    expect(out).toBe('Opening stream with *** now');
  });

  it.each([
    ['XML-escaped (&amp; &lt; &gt; &quot; &apos;)', xmlNamed(XML_CANARY)],
    ['XML-escaped with decimal references for the specials', xmlSpecialsAsNumbers(XML_CANARY)],
    ['XML decimal character references', xmlDecimal(XML_CANARY)],
    ['XML hex character references', xmlHex(XML_CANARY)],
    ['form-encoded', formEncoded(XML_CANARY)],
    ['XML, named and numeric references mixed', xmlMixed(XML_CANARY)],
    ['percent-encoding only the non-ASCII, "+" for space', percentNonAscii(XML_CANARY)],
  ])('removes the %s spelling of a password with XML specials', (_name, spelling) => {
    const out = createRedactor([XML_CANARY])(`<Password>${spelling}</Password>`);
    expect(out).toBe('<Password>***</Password>');
  });

  it.each([
    ['0', 'ab'],
    ['1', 'abc'],
    ['2', 'abcd'],
  ])(
    'removes the password part of a Basic token wherever it appears (username offset %s mod 3)',
    (_offset, user) => {
      const token = Buffer.from(`${user}:${XML_CANARY}`, 'utf8').toString('base64');
      const out = createRedactor([XML_CANARY])(`camera refused ${token}`);
      expect(out).not.toContain(token);
      expect(out.endsWith('***')).toBe(true);
      // What is left depends on the username only: at most the characters its bytes reach.
      const kept = out.slice('camera refused '.length, -'***'.length);
      expect(token.startsWith(kept)).toBe(true);
      expect(kept.length).toBeLessThanOrEqual(Math.ceil(((user.length + 1) * 8) / 6));
    },
  );

  it('removes a Basic Authorization header even for a password it was not told about', () => {
    const token = Buffer.from('admin:hunter2').toString('base64');
    expect(createRedactor([])(`> Authorization: Basic ${token}\r\n`)).toBe(
      '> Authorization: Basic ***\r\n',
    );
  });

  it('leaves other escaped text alone', () => {
    const text = 'a &amp; b &#60;x&#x3e; %41%2f c+d Basic realm="cam" YWRtaW4=';
    expect(createRedactor([XML_CANARY, CANARY])(text)).toBe(text);
  });

  it('removes userinfo from any URL, even with secrets it was not told about', () => {
    const out = createRedactor([])('rtsp://admin:hunter2@10.0.0.5:554/stream: 401 Unauthorized');
    expect(out).toBe('rtsp://***@10.0.0.5:554/stream: 401 Unauthorized');
  });

  it('leaves text without secrets alone', () => {
    expect(redact('Stream #0:0: Video: h264')).toBe('Stream #0:0: Video: h264');
  });

  it('lists the form, XML and Basic spellings for checks that look for them (argv, files)', () => {
    const spellings = secretSpellings(XML_CANARY);
    expect(spellings).toContain(formEncoded(XML_CANARY));
    expect(spellings).toContain(xmlNamed(XML_CANARY));
    const token = Buffer.from(`ab:${XML_CANARY}`, 'utf8').toString('base64');
    expect(spellings.some((s) => s.length > 8 && token.endsWith(s))).toBe(true);
  });

  it('has no spellings for an empty secret', () => {
    expect(secretSpellings('')).toEqual([]);
    expect(secretSpellings(undefined)).toEqual([]);
  });
});
