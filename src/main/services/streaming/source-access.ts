import { createRedactor } from './redact';
import { RtspRelay } from './rtsp-relay';
import type { StreamSource } from './source';

/**
 * How ffmpeg reaches a source: an RTSP camera through the credential relay (ffmpeg opens the
 * relay's URL and never holds the password, see rtsp-relay.ts), with a redactor that hides
 * the password (every spelling), URL userinfo and the relay's token from anything logged.
 */
export interface SourceAccess {
  /** RTSP: the relay holding the credentials; null for the demo. */
  relay: RtspRelay | null;
  redact: (text: string) => string;
  /** Stops the relay, dropping its connections. */
  close(): Promise<void>;
}

/** Opens the access to a source: for RTSP, a relay listening on a free loopback port. */
export async function openSourceAccess(
  source: StreamSource,
  options: { connectTimeoutMs: number; log?: (line: string) => void },
): Promise<SourceAccess> {
  if (source.kind !== 'rtsp') {
    return { relay: null, redact: createRedactor([]), close: () => Promise.resolve() };
  }
  const relay = await RtspRelay.start({
    url: source.url,
    ...(source.username !== undefined ? { username: source.username } : {}),
    ...(source.password !== undefined ? { password: source.password } : {}),
    connectTimeoutMs: options.connectTimeoutMs,
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    relay,
    redact: createRedactor([source.password, relay.token]),
    close: () => relay.close(),
  };
}
