import { UserFacingError } from '../../../shared/errors';

const PASSWORD_HINT =
  'If the password contains @ / ? # or %, put the password in the password field and leave it out of the address.';

/** host, host:port, [v6], [v6]:port — what may follow the userinfo's "@". */
const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]]+)(?::(\d{0,5}))?$/;

function validHostPort(text: string): boolean {
  const match = HOST_PORT.exec(text);
  if (!match) return false;
  const port = match[1];
  return !port || (Number(port) >= 1 && Number(port) <= 65535);
}

/**
 * Percent-decodes userinfo the forgiving way people paste it: valid `%XX` runs are decoded,
 * a `%` not followed by two hex digits (or one that would not make UTF-8) stays a literal `%`.
 */
function decodeUserinfo(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Where the userinfo ends in `rest` (what follows "scheme://"), or -1 for none. */
function userinfoEnd(rest: string): number {
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  // The last "@" of the authority: an "@" in the password needs no encoding.
  const at = authority.lastIndexOf('@');
  if (at !== -1) return at;
  const lastAt = rest.lastIndexOf('@');
  if (lastAt === -1) return -1;
  // An "@" only after a / ? #: either a password holding one of them, or an "@" in the
  // path. Read it as a password only where the plain reading is not an address anyway
  // ("admin:pa" has no valid port) and the other reading is (user:pass@host...).
  const userinfo = rest.slice(0, lastAt);
  const after = rest.slice(lastAt + 1);
  const hostPort = after.slice(0, after.search(/[/?#]|$/));
  const colon = userinfo.indexOf(':');
  const plausible = colon > 0 && !/[/?#]/.test(userinfo.slice(0, colon)) && validHostPort(hostPort);
  if (!plausible) return -1;
  if (!validHostPort(authority)) return lastAt;
  // Both readings make an address ("admin:1234/x@host" is also host "admin", port 1234).
  // A dotted host or an IP is the address people type; a bare word is ambiguous.
  if (/[.[]/.test(authority)) return -1;
  throw new UserFacingError(
    'invalid-url',
    `Vigil cannot tell where the password ends in this address. ${PASSWORD_HINT}`,
  );
}

/**
 * The one place a user's RTSP URL is read: splits it into a credential-free URL and the
 * credentials it carried. Accepts what can be read one way only (a raw `%`, an `@` in the
 * password, a password with / ? # before the host) and otherwise says what to do.
 */
export function splitRtspUrl(raw: string): { url: string; username?: string; password?: string } {
  const text = raw.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (scheme && !/^rtsps?$/i.test(scheme[1] ?? '')) {
    throw new UserFacingError('invalid-url', 'The address must start with rtsp:// (or rtsps://).');
  }
  if (!scheme) {
    let other: URL | null = null;
    try {
      other = new URL(text);
    } catch {
      // reported below
    }
    throw new UserFacingError(
      'invalid-url',
      other && !/^rtsps?:$/i.test(other.protocol)
        ? 'The address must start with rtsp:// (or rtsps://).'
        : 'That is not a valid address. Use the form rtsp://host:554/path.',
    );
  }
  const prefix = scheme[0];
  const rest = text.slice(prefix.length);
  const end = userinfoEnd(rest);
  const userinfo = end === -1 ? '' : rest.slice(0, end);
  const colon = userinfo.indexOf(':');
  const rawUser = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const rawPass = colon === -1 ? '' : userinfo.slice(colon + 1);
  const hasCredentials = end !== -1;
  let url: URL;
  try {
    url = new URL(prefix + rest.slice(end + 1));
  } catch {
    throw new UserFacingError(
      'invalid-url',
      `That is not a valid address. Use the form rtsp://host:554/path.${hasCredentials || rest.includes('@') ? ` ${PASSWORD_HINT}` : ''}`,
    );
  }
  if (!url.hostname)
    throw new UserFacingError('invalid-url', 'The address has no host. Use rtsp://host:554/path.');
  // What is left after the userinfo must not carry credentials of its own.
  url.username = '';
  url.password = '';
  const username = decodeUserinfo(rawUser);
  const password = decodeUserinfo(rawPass);
  return {
    url: url.toString(),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/**
 * A stored or device-given URL for display: the userinfo is removed, even from a URL that
 * does not parse (everything between "//" and the last "@" before the path goes).
 */
export function withoutUserinfo(raw: string): string {
  const parsed = parsedDeviceUrl(raw);
  if (parsed !== null) return parsed;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(raw);
  const start = scheme ? scheme[0].length : 0;
  const at = raw.lastIndexOf('@');
  return at >= start ? raw.slice(0, start) + raw.slice(at + 1) : raw;
}

/** A URL a device reported, without credentials; null if it does not parse. */
function parsedDeviceUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return null;
  }
}

/** A device's stream URL fit to store: it must parse (else it could carry credentials in clear). */
export function deviceStreamUrl(raw: string): string {
  const url = parsedDeviceUrl(raw);
  if (url === null) {
    throw new UserFacingError(
      'onvif-bad-uri',
      'The camera reported a stream address Vigil cannot read. Add the camera by its RTSP URL instead.',
    );
  }
  return url;
}

/** Snapshots fall back to a frame of the stream, so an unreadable snapshot URL is dropped. */
export function deviceSnapshotUrl(raw: string | null): string | null {
  return raw === null ? null : parsedDeviceUrl(raw);
}
