import { createServer, type Socket } from 'node:net';

/** One RTSP request as a scripted server saw it. */
export interface SeenRequest {
  method: string;
  uri: string;
  headers: Record<string, string>;
  /** The request's raw text, headers included. */
  raw: string;
}

/** What the script answers: a status line's code and phrase, headers, a body. */
export interface ScriptAnswer {
  status: number;
  reason?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface ScriptServer {
  host: string;
  port: number;
  /** `rtsp://host:port` */
  origin: string;
  /** Every byte received, all connections, as latin1 text. */
  received(): string;
  requests: SeenRequest[];
  /** Connections accepted so far, and the most open at one time. */
  connections: number;
  maxOpen: number;
  close(): Promise<void>;
}

/**
 * A tiny scripted RTSP server (no media): records everything it receives and answers each
 * request with what `script` returns. For redirect and concurrency tests; 127.0.0.x only.
 */
export function startScriptServer(
  host: string,
  script: (request: SeenRequest) => ScriptAnswer,
): Promise<ScriptServer> {
  let received = '';
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { connections: 0, maxOpen: 0 };
  const server = createServer((socket) => {
    sockets.add(socket);
    state.connections++;
    state.maxOpen = Math.max(state.maxOpen, sockets.size);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      received += text;
      pending += text;
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const raw = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const [start = '', ...lines] = raw.split('\r\n');
        const [method = '', uri = ''] = start.split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon > 0)
            headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const request = { method, uri, headers, raw };
        requests.push(request);
        const answer = script(request);
        const body = answer.body ?? '';
        const head = [
          `RTSP/1.0 ${String(answer.status)} ${answer.reason ?? 'OK'}`,
          `CSeq: ${headers.cseq ?? '0'}`,
          ...Object.entries(answer.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
          ...(body ? [`Content-Length: ${String(Buffer.byteLength(body))}`] : []),
        ];
        const reply = `${head.join('\r\n')}\r\n\r\n${body}`;
        if (answer.delayMs)
          setTimeout(() => socket.writable && socket.write(reply), answer.delayMs);
        else socket.write(reply);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = address !== null && typeof address !== 'string' ? address.port : 0;
      resolve({
        host,
        port,
        origin: `rtsp://${host}:${String(port)}`,
        received: () => received,
        requests,
        get connections() {
          return state.connections;
        },
        get maxOpen() {
          return state.maxOpen;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
