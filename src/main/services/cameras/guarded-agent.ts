/** The HTTP agent every ONVIF exchange goes through (see onvif-client.ts). */
import { Agent, type AgentOptions, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { XmlShapeMeter } from './xml-guard';

/** Real ONVIF answers are a few kB; a body beyond this is not a camera talking. */
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

type AddRequest = (this: Agent, req: ClientRequest, options: unknown) => void;

/**
 * An HTTP agent whose sockets can all be torn down, which cuts oversized answers, and which
 * refuses an answer nested too deep (or too large in elements) before the library parses it.
 */
export class GuardedAgent extends Agent {
  private readonly sockets_ = new Set<Socket>();
  tooLarge = false;
  /** Why an answer's XML was refused (see xml-guard.ts). */
  badShape: string | null = null;

  constructor(options: AgentOptions) {
    super(options);
  }

  /**
   * Node hands every request through the agent here (proxy agents rely on it too): our
   * 'response' listener goes first, so it sees each body piece before the library does, and
   * ends the request before the library's 'end' (and its xml2js parse) can come.
   */
  addRequest(req: ClientRequest, options: unknown): void {
    req.prependListener('response', (res: IncomingMessage) => {
      const meter = new XmlShapeMeter();
      res.on('error', () => undefined);
      res.on('data', (chunk: Buffer) => {
        // latin1: one char per byte; markup is ASCII, UTF-8 sequences never look like it.
        if (meter.feed(chunk.toString('latin1'))) return;
        this.badShape = meter.refused;
        const error = new Error(`ONVIF answer refused: ${meter.refused ?? 'malformed'}`);
        res.destroy(error);
        req.destroy(error);
      });
    });
    (Agent.prototype as unknown as { addRequest: AddRequest }).addRequest.call(this, req, options);
  }

  override createConnection(
    ...args: Parameters<Agent['createConnection']>
  ): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args) as Socket;
    this.sockets_.add(socket);
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_RESPONSE_BYTES) {
        this.tooLarge = true;
        socket.destroy(new Error('ONVIF response too large'));
      }
    });
    socket.on('close', () => this.sockets_.delete(socket));
    return socket;
  }

  override destroy(): void {
    for (const socket of this.sockets_) socket.destroy();
    super.destroy();
  }
}
