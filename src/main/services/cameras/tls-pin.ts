import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { UserFacingError } from '../../../shared/errors';

/**
 * Trust on first use for cameras' HTTPS endpoints. Cameras mostly carry self-signed
 * certificates, so the usual CA check would refuse them all; instead the SHA-256 of the
 * leaf certificate is pinned the first time and must match ever after. A changed
 * certificate is refused before a single byte (let alone a password) is sent.
 */
export interface TlsPin {
  /** `host:port` of the HTTPS endpoint. */
  endpoint: string;
  /** The leaf certificate's SHA-256, as Node writes it ("AB:CD:…", 32 bytes). */
  sha256: string;
}

/** What the caller knows of an endpoint's certificate, and how to remember a new one. */
export interface TlsTrust {
  /** The pinned fingerprint; undefined = first use. */
  pinned?: string;
  /** Called with the fingerprint seen on first use, before anything is sent. */
  onFirstUse?: (sha256: string) => Promise<void> | void;
}

export const SHA256_FINGERPRINT = /^(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/** `host:port` of an https URL (the default port written out). */
export function endpointOf(url: URL): string {
  return `${url.hostname}:${url.port || '443'}`;
}

function short(sha256: string): string {
  return `${sha256.slice(0, 23)}…`;
}

/** The refusal the user sees when a pinned certificate changed. */
export function certificateChanged(endpoint: string, was: string, now: string): UserFacingError {
  return new UserFacingError(
    'certificate-changed',
    `The camera's certificate changed: ${endpoint} now shows ${short(now)} instead of ` +
      `${short(was)}, the one Vigil saw the first time. Someone may be intercepting the ` +
      'connection, so Vigil sent nothing to it. If you replaced the camera (or its ' +
      'certificate), remove the camera and add it again to trust the new one.',
  );
}

/**
 * Opens a TLS connection to `url` and checks the server's leaf certificate against the pin
 * (or pins it). Resolves with the connected socket, ready for an HTTP request.
 */
export function connectPinned(url: URL, trust: TlsTrust, timeoutMs: number): Promise<TLSSocket> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || 443;
  return new Promise<TLSSocket>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      // Self-signed is the norm for cameras: the pin below is the check, not the CA chain.
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
    });
    const timer = setTimeout(() => socket.destroy(new Error('timed out')), timeoutMs);
    socket.once('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const sha256 = socket.getPeerCertificate().fingerprint256;
      const endpoint = endpointOf(url);
      if (!sha256 || !SHA256_FINGERPRINT.test(sha256)) {
        socket.destroy();
        reject(new UserFacingError('certificate-missing', `${endpoint} sent no certificate.`));
        return;
      }
      if (trust.pinned !== undefined && trust.pinned !== sha256) {
        socket.destroy();
        reject(certificateChanged(endpoint, trust.pinned, sha256));
        return;
      }
      if (trust.pinned !== undefined) {
        resolve(socket);
        return;
      }
      Promise.resolve(trust.onFirstUse?.(sha256)).then(
        () => {
          trust.pinned = sha256;
          resolve(socket);
        },
        (error: unknown) => {
          socket.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  });
}
