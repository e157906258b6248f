/**
 * How a username or password is written into a URL: percent-encoded once, '%' included
 * (the WHATWG setters alone leave '%' as is, and ffmpeg would decode "%41" to "A").
 */
export function encodeUserinfo(value: string): string {
  const url = new URL('rtsp://host');
  url.password = encodeURIComponent(value);
  return url.password;
}

/** Secrets that must never appear in logs, errors or events, in any of their spellings. */
export function secretSpellings(secret: string | undefined): string[] {
  if (!secret) return [];
  const spellings = new Set<string>([secret, encodeURIComponent(secret), encodeUserinfo(secret)]);
  spellings.add(escape(secret));
  return [...spellings].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi;

/** Builds a redactor that hides URL userinfo and every spelling of the given secrets. */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const spellings = secrets.flatMap(secretSpellings);
  return (text: string): string => {
    let out = text.replace(USERINFO, '$1***@');
    for (const spelling of spellings) out = out.split(spelling).join('***');
    return out;
  };
}
