/**
 * What the add/edit dialog checks as the user types, before anything is sent to main: a host
 * that cannot be an address, credentials pasted inside an RTSP URL, and an address another
 * camera already uses. Main checks again on save (camera-input.ts, rtsp-url.ts); these only
 * point problems out early.
 */

/** Valid `%XX` runs decoded; a `%` that starts none stays literal (as main reads userinfo). */
function decodeLoosely(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * An RTSP URL with credentials split off, or null when it carries none (or is not an RTSP
 * URL). The userinfo ends at the last "@" before the path; an "@" only after a "/" counts
 * when what precedes it reads as user:password.
 */
export function splitPastedUrl(
  text: string,
): { url: string; username: string; password: string } | null {
  const match = /^\s*(rtsps?:\/\/)(.*?)\s*$/i.exec(text);
  if (!match) return null;
  const prefix = match[1] ?? '';
  const rest = match[2] ?? '';
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let at = authority.lastIndexOf('@');
  if (at === -1) {
    const last = rest.lastIndexOf('@');
    const colon = rest.indexOf(':');
    if (last === -1 || colon === -1 || colon > last || /[/?#]/.test(rest.slice(0, colon)))
      return null;
    at = last;
  }
  const userinfo = rest.slice(0, at);
  const url = prefix + rest.slice(at + 1);
  try {
    if (!new URL(url).hostname) return null;
  } catch {
    return null;
  }
  const colon = userinfo.indexOf(':');
  return {
    url,
    username: decodeLoosely(colon === -1 ? userinfo : userinfo.slice(0, colon)),
    password: colon === -1 ? '' : decodeLoosely(userinfo.slice(colon + 1)),
  };
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Why the text typed as an ONVIF camera's host cannot be one, or null when it can (or is empty). */
export function hostProblem(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (value.includes('://')) {
    try {
      return new URL(value).hostname ? null : 'This address has no host.';
    } catch {
      return 'This is not a valid address. Type an IP address like 192.168.1.20.';
    }
  }
  if (/[^A-Za-z0-9.\-:[\]]/.test(value))
    return 'An address has only letters, digits, dots and hyphens (like 192.168.1.20 or cam.local).';
  const colons = value.split(':').length - 1;
  if (colons === 1) return 'Put the port in the ONVIF port field, not after the address.';
  if (colons > 1 || value.startsWith('[')) {
    try {
      new URL(`http://${value.startsWith('[') ? value : `[${value}]`}/`);
      return null;
    } catch {
      return 'This is not a valid IPv6 address.';
    }
  }
  if (/^[\d.]+$/.test(value)) {
    const parts = value.split('.');
    const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
    return ok ? null : 'An IP address is four numbers from 0 to 255, like 192.168.1.20.';
  }
  return value.split('.').every((label) => LABEL.test(label))
    ? null
    : 'This is not a valid host name (like cam.local).';
}

/** An RTSP URL reduced to what identifies the stream: no credentials, host lowercased, port set. */
export function rtspAddressKey(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    if (!/^rtsps?:$/i.test(url.protocol) || !url.hostname) return null;
    const port = url.port || (url.protocol.toLowerCase() === 'rtsps:' ? '322' : '554');
    return `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}:${port}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return null;
  }
}
