import { randomBytes } from 'node:crypto';
import { connect as netConnect, createServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { UserFacingError } from '../../../shared/errors';
import { parseChallenges, type AuthChallenge } from '../auth-challenges';
import { chooseDigest, digestAuthorization } from '../digest-auth';
import {
  headerValue,
  headerValues,
  RtspReader,
  serialize,
  withHeader,
  type Head,
} from './rtsp-message';

/**
 * A loopback RTSP relay that holds the camera's credentials so ffmpeg never does.
 *
 * ffmpeg 5.1 follows an RTSP 3xx by itself, keeps the credentials it was given and sends
 * them to the new host (Basic or Digest, preemptively or after that host's challenge;
 * measured, see README). No ffmpeg option turns that off, and a pre-flight check cannot
 * help: a hostile server answers the check and redirects ffmpeg afterwards. So ffmpeg
 * gets `rtsp://127.0.0.1:<port>/<token>/<path>` and no credentials; the relay connects
 * only to the camera the user named, answers its challenges itself, passes everything
 * else through byte for byte (interleaved media untouched), and refuses a redirect to
 * another host while it holds credentials. The token keeps other local users from using
 * the relay; it reaches ffmpeg through a private file, never the command line.
 */

/** ffmpeg opens one connection, a second after a redirect or a UDP → TCP retry. */
const MAX_CONNECTIONS = 8;
/** A connection must present the token this soon. */
const HANDSHAKE_MS = 10_000;

/** Why the relay could not take ffmpeg to the camera. */
export type RelayProblem =
  { kind: 'redirect'; from: string; to: string } | { kind: 'connect'; code: string };

export interface RtspRelayOptions {
  /** The camera's rtsp:// or rtsps:// URL, as the user named it (userinfo is ignored). */
  url: string;
  username?: string;
  password?: string;
  /** Give up connecting to the camera after this long (default 5 s). */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Origin {
  protocol: 'rtsp:' | 'rtsps:';
  /** Without IPv6 brackets. */
  hostname: string;
  port: number;
}

interface PendingRequest {
  method: string;
  uri: string;
  version: string;
  head: Head;
  body: Buffer;
  clientCseq: string | undefined;
  tries: number;
}

type Challenge =
  | { scheme: 'basic' }
  | { scheme: 'digest'; challenge: AuthChallenge; nonce: string | undefined; count: number };

/** A URL's hostname as a socket wants it: IPv6 literals without their brackets. */
export function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** The camera's URL, checked: what ffmpeg would have been told to open. */
function cameraUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserFacingError(
      'invalid-url',
      `"${raw}" is not a valid URL. Use rtsp://host:port/path.`,
    );
  }
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') {
    throw new UserFacingError(
      'invalid-url',
      `Only rtsp:// and rtsps:// camera URLs are supported (got ${url.protocol}//).`,
    );
  }
  return url;
}

function originOf(url: URL): Origin {
  const protocol = url.protocol === 'rtsps:' ? 'rtsps:' : 'rtsp:';
  const port = Number(url.port) || (protocol === 'rtsps:' ? 322 : 554);
  return { protocol, hostname: bare(url.hostname), port };
}

function originText(origin: Origin): string {
  const host = isIP(origin.hostname) === 6 ? `[${origin.hostname}]` : origin.hostname;
  // Always with the port, as ffmpeg writes its request URIs.
  return `${origin.protocol}//${host}:${String(origin.port)}`;
}

/** One ffmpeg connection and the camera connection behind it. */
class RelayConnection {
  private upstream: Socket | null = null;
  private upstreamReady = false;
  private queued: Buffer[] = [];
  private authorized = false;
  private cseq = 0;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly handshake: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly relay: RtspRelay,
    private readonly client: Socket,
  ) {
    client.setNoDelay(true);
    const reader = new RtspReader(
      (chunk) => this.toUpstream(chunk),
      (head, body) => this.fromClient(head, body),
      () => this.close(),
    );
    client.on('data', (chunk: Buffer) => reader.push(chunk));
    client.on('error', () => this.close());
    client.on('close', () => this.close());
    this.handshake = setTimeout(() => this.close(), HANDSHAKE_MS);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.handshake);
    this.pending.clear();
    this.queued = [];
    this.client.destroy();
    this.upstream?.destroy();
    this.relay.forget(this);
  }

  private fromClient(head: Head, body: Buffer): void {
    if (head.start.startsWith('RTSP/')) {
      // ffmpeg answering a request of the camera's (a keep-alive OPTIONS, SET_PARAMETER).
      this.toUpstream(serialize(head, body));
      return;
    }
    const [method, uri, version] = head.start.split(/\s+/);
    if (!method || !uri) {
      this.close();
      return;
    }
    if (!this.authorized) {
      if (!this.relay.owns(uri)) {
        const cseq = headerValue(head, 'CSeq') ?? '0';
        this.client.end(`RTSP/1.0 404 Not Found\r\nCSeq: ${cseq}\r\n\r\n`);
        return;
      }
      this.authorized = true;
      clearTimeout(this.handshake);
    }
    let clean = withHeader(head, 'Authorization', undefined);
    clean = withHeader(clean, 'Proxy-Authorization', undefined);
    this.send({
      method,
      uri: this.relay.toCamera(uri),
      version: version ?? 'RTSP/1.0',
      head: clean,
      body,
      clientCseq: headerValue(head, 'CSeq'),
      tries: 0,
    });
  }

  private send(request: PendingRequest): void {
    const cseq = ++this.cseq;
    this.pending.set(cseq, request);
    let head: Head = {
      start: `${request.method} ${request.uri} ${request.version}`,
      headers: request.head.headers,
    };
    head = withHeader(head, 'CSeq', String(cseq));
    head = withHeader(head, 'Authorization', this.relay.authorization(request.method, request.uri));
    this.toUpstream(serialize(head, request.body));
    this.openUpstream();
  }

  private fromCamera(head: Head, body: Buffer): void {
    if (!head.start.startsWith('RTSP/')) {
      // A request of the camera's; ffmpeg answers it with the camera's own CSeq.
      this.toClient(serialize(head, body));
      return;
    }
    const status = Number(head.start.split(/\s+/)[1]);
    const cseq = Number(headerValue(head, 'CSeq'));
    const request = this.pending.get(cseq);
    this.pending.delete(cseq);
    if (!request) {
      this.toClient(serialize(head, body));
      return;
    }
    if (status === 401 && request.tries < 2) {
      if (this.relay.takeChallenge(headerValues(head, 'WWW-Authenticate'), request.tries > 0)) {
        request.tries++;
        this.send(request);
        return;
      }
    }
    let answer = withHeader(head, 'CSeq', request.clientCseq);
    if (status >= 300 && status < 400) {
      const location = this.relay.redirect(headerValue(head, 'Location'), request.uri);
      if (location === null) {
        this.refuse(request.clientCseq);
        return;
      }
      answer = withHeader(answer, 'Location', location);
    }
    if (request.method.toUpperCase() === 'SETUP') {
      answer = this.relay.fixTransport(answer, this.upstream?.remoteAddress);
    }
    this.toClient(serialize(answer, body));
  }

  /** Tells ffmpeg the redirect failed and ends both sides; nothing more goes to the camera. */
  private refuse(clientCseq: string | undefined): void {
    this.closed = true;
    clearTimeout(this.handshake);
    this.pending.clear();
    this.queued = [];
    this.upstream?.destroy();
    this.client.end(
      `RTSP/1.0 502 Redirect to another host refused by Vigil\r\nCSeq: ${clientCseq ?? '0'}\r\n\r\n`,
    );
    this.relay.forget(this);
  }

  private openUpstream(): void {
    if (this.upstream || this.closed) return;
    const target = this.relay.camera;
    const options = { host: target.hostname, port: target.port };
    const secure = target.protocol === 'rtsps:';
    // ffmpeg does not check an rtsps camera's certificate either (its tls verify defaults off).
    const socket = secure
      ? tlsConnect({
          ...options,
          rejectUnauthorized: false,
          ...(isIP(target.hostname) ? {} : { servername: target.hostname }),
        })
      : netConnect(options);
    this.upstream = socket;
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      this.relay.note({ kind: 'connect', code: 'ETIMEDOUT' });
      this.close();
    }, this.relay.connectTimeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      this.upstreamReady = true;
      const queued = this.queued;
      this.queued = [];
      for (const chunk of queued) this.write(socket, chunk, this.client);
    });
    const reader = new RtspReader(
      (chunk) => this.toClient(chunk),
      (head, body) => this.fromCamera(head, body),
      () => this.close(),
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!this.upstreamReady) this.relay.note({ kind: 'connect', code: error.code ?? 'error' });
      this.close();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      this.close();
    });
  }

  private toUpstream(chunk: Buffer): void {
    if (this.closed) return;
    if (!this.upstream || !this.upstreamReady) this.queued.push(chunk);
    else this.write(this.upstream, chunk, this.client);
  }

  private toClient(chunk: Buffer): void {
    if (this.closed) return;
    if (this.upstream) this.write(this.client, chunk, this.upstream);
    else this.client.write(chunk);
  }

  /** Writes, and pauses the other side while this one's buffer is full. */
  private write(to: Socket, chunk: Buffer, from: Socket): void {
    if (to.write(chunk) || from.isPaused()) return;
    from.pause();
    to.once('drain', () => from.resume());
  }
}

/** See the comment at the top of this file. One relay per ffmpeg run (or session). */
export class RtspRelay {
  /** What ffmpeg opens: the relay's address, the token, the camera's path. */
  readonly url: string;
  /** The secret part of `url`, for redactors. */
  readonly token: string;
  readonly connectTimeoutMs: number;
  /** Where the relay connects: the named camera (or another port of it, after a redirect). */
  camera: Origin;
  private readonly named: Origin;
  private readonly server: Server;
  private readonly prefix: string;
  private readonly credentials: { username: string; password: string } | null;
  private readonly log: (line: string) => void;
  private readonly connections = new Set<RelayConnection>();
  /** Every accepted socket, also those a connection has let go of (a refusal still flushing). */
  private readonly sockets = new Set<Socket>();
  private challenge: Challenge | null = null;
  private problem_: RelayProblem | null = null;

  private constructor(url: URL, opts: RtspRelayOptions, server: Server, port: number) {
    this.server = server;
    this.named = originOf(url);
    this.camera = this.named;
    this.token = randomBytes(16).toString('hex');
    this.prefix = `rtsp://127.0.0.1:${String(port)}/${this.token}`;
    this.url = `${this.prefix}${url.pathname}${url.search}`;
    this.credentials =
      opts.username || opts.password
        ? { username: opts.username ?? '', password: opts.password ?? '' }
        : null;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    this.log = opts.log ?? (() => undefined);
  }

  /** Listens on a free loopback port. */
  static async start(opts: RtspRelayOptions): Promise<RtspRelay> {
    const url = cameraUrl(opts.url);
    const server = createServer();
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = address !== null && typeof address !== 'string' ? address.port : 0;
    const relay = new RtspRelay(url, opts, server, port);
    server.on('connection', (socket: Socket) => {
      relay.sockets.add(socket);
      socket.on('close', () => relay.sockets.delete(socket));
      relay.connections.add(new RelayConnection(relay, socket));
    });
    server.on('error', () => undefined);
    return relay;
  }

  /** The first thing that kept ffmpeg from the camera, if any. */
  get problem(): RelayProblem | null {
    return this.problem_;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.close();
    // server.close() waits for every socket: none may linger (a stop must never hang).
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** @internal */
  forget(connection: RelayConnection): void {
    this.connections.delete(connection);
  }

  /** A new attempt (a reconnect) starts with a clean slate. */
  resetProblem(): void {
    this.problem_ = null;
  }

  /** @internal */
  note(problem: RelayProblem): void {
    this.problem_ ??= problem;
  }

  /** @internal Whether a request URI carries this relay's token. */
  owns(uri: string): boolean {
    return (
      uri === this.prefix || uri.startsWith(`${this.prefix}/`) || uri.startsWith(`${this.prefix}?`)
    );
  }

  /** @internal The relay's URI → the camera's; other URIs (the camera's own) stay. */
  toCamera(uri: string): string {
    if (!this.owns(uri)) return uri;
    const rest = uri.slice(this.prefix.length);
    return `${originText(this.camera)}${rest.startsWith('/') ? rest : `/${rest}`}`;
  }

  /**
   * @internal A 401 from the camera: remember its challenge and say whether to try again.
   * A second 401 to the same challenge (not marked stale) means the password is wrong.
   */
  takeChallenge(headers: string[], retried: boolean): boolean {
    if (!this.credentials) return false;
    // Each header may carry several challenges (`Basic realm="a, b", Digest …`): parse them
    // all, answer the strongest Digest, and fall back to Basic only when no Digest is offered.
    const challenges = parseChallenges(headers);
    const digest = chooseDigest(challenges);
    const previous = this.challenge;
    if (digest) {
      const stale = digest.params.get('stale')?.toLowerCase() === 'true';
      const nonce = digest.params.get('nonce');
      if (retried && previous?.scheme === 'digest' && previous.nonce === nonce && !stale) {
        return false;
      }
      this.challenge = { scheme: 'digest', challenge: digest, nonce, count: 0 };
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (retried && previous?.scheme === 'basic') return false;
      this.challenge = { scheme: 'basic' };
      return true;
    }
    return false;
  }

  /** @internal The Authorization header for a request to the camera, once it asked for one. */
  authorization(method: string, uri: string): string | undefined {
    const { credentials, challenge } = this;
    if (!credentials || !challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8');
      return `Basic ${token.toString('base64')}`;
    }
    challenge.count++;
    return digestAuthorization(
      challenge.challenge,
      method,
      uri,
      credentials.username,
      credentials.password,
      undefined,
      challenge.count,
    );
  }

  /**
   * @internal A 3xx from the camera. Another port or path of the same host is followed
   * (through the relay); another host is refused while the relay holds credentials.
   * Returns the Location to hand ffmpeg, or null when refused.
   */
  redirect(location: string | undefined, base: string): string | null {
    let target: URL | null = null;
    try {
      target = location ? new URL(location, base) : null;
    } catch {
      target = null;
    }
    const from = `${this.named.hostname}:${String(this.named.port)}`;
    if (!target || (target.protocol !== 'rtsp:' && target.protocol !== 'rtsps:')) {
      this.note({ kind: 'redirect', from, to: location ?? '(no address)' });
      this.log(`rtsp relay: refused a redirect without an RTSP address`);
      return null;
    }
    const next = originOf(target);
    const sameHost = next.hostname.toLowerCase() === this.named.hostname.toLowerCase();
    if (!sameHost && this.credentials) {
      const to = `${next.hostname}:${String(next.port)}`;
      this.note({ kind: 'redirect', from, to });
      this.log(
        `rtsp relay: refused a redirect from ${from} to ${to} (credentials stay with ${from})`,
      );
      return null;
    }
    this.camera = next;
    this.log(`rtsp relay: following a redirect to ${originText(next)}${target.pathname}`);
    return `${this.prefix}${target.pathname}${target.search}`;
  }

  /**
   * @internal UDP: the camera sends RTP to this machine as before, but ffmpeg would send
   * its RTCP reports and NAT punches to the relay's address; `source=` points them back
   * at the camera (ffmpeg 5.1 honours it).
   */
  fixTransport(head: Head, cameraAddress: string | undefined): Head {
    const transport = headerValue(head, 'Transport');
    if (!transport || !cameraAddress || /interleaved|multicast|source=/i.test(transport)) {
      return head;
    }
    const address = cameraAddress.replace(/^::ffff:/, '');
    return withHeader(head, 'Transport', `${transport};source=${address}`);
  }
}
