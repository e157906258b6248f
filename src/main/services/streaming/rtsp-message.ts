/** RTSP messages as the relay reads and writes them (see rtsp-relay.ts). */

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** A message's start line and headers, in order (names as sent). */
export interface Head {
  start: string;
  headers: Array<[string, string]>;
}

function parseHead(text: string): Head | null {
  const lines = text.split(/\r?\n/);
  const start = lines.shift()?.trim();
  if (!start) return null;
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { start, headers };
}

/** Every value of a header (case-insensitive name). */
export function headerValues(head: Head, name: string): string[] {
  const lower = name.toLowerCase();
  return head.headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
}

/** The first value of a header, if any. */
export function headerValue(head: Head, name: string): string | undefined {
  return headerValues(head, name)[0];
}

/** A copy with the header set (at the end), or removed when `value` is undefined. */
export function withHeader(head: Head, name: string, value: string | undefined): Head {
  const lower = name.toLowerCase();
  const headers = head.headers.filter(([key]) => key.toLowerCase() !== lower);
  if (value !== undefined) headers.push([name, value]);
  return { start: head.start, headers };
}

/** The message as bytes: start line, headers, blank line, body. */
export function serialize(head: Head, body: Buffer): Buffer {
  const lines = [head.start, ...head.headers.map(([key, value]) => `${key}: ${value}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/**
 * Splits an RTSP byte stream into messages and interleaved (`$`) frames. Frames are passed on
 * as they arrive, in slices, without being gathered or copied: the frames that follow each
 * other in one chunk read from the socket go on as one slice (one write to the other side,
 * not one per RTP packet: with 16 cameras, per-packet writes were the relay's largest cost,
 * about a fifth of main's CPU on the wall bench).
 */
export class RtspReader {
  private pending: Buffer = EMPTY;
  private rawLeft = 0;
  private stopped = false;

  constructor(
    private readonly onRaw: (chunk: Buffer) => void,
    private readonly onMessage: (head: Head, body: Buffer) => void,
    private readonly onError: (why: string) => void,
  ) {}

  push(chunk: Buffer): void {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = EMPTY;
    let at = 0;
    /** Where the run of interleaved bytes not yet passed on starts; -1: none. */
    let rawFrom = -1;
    const passRaw = (): void => {
      if (rawFrom >= 0 && at > rawFrom) this.onRaw(data.subarray(rawFrom, at));
      rawFrom = -1;
    };
    while (at < data.length && !this.stopped) {
      if (this.rawLeft > 0) {
        const n = Math.min(this.rawLeft, data.length - at);
        if (rawFrom < 0) rawFrom = at;
        this.rawLeft -= n;
        at += n;
        continue;
      }
      if (data[at] === 0x24) {
        if (data.length - at < 4) break;
        this.rawLeft = 4 + data.readUInt16BE(at + 2);
        continue;
      }
      // A message (or stray line ends) next: the frames before it go first, in order.
      passRaw();
      if (data[at] === 0x0d || data[at] === 0x0a) {
        at++; // stray line ends between messages
        continue;
      }
      const end = data.indexOf('\r\n\r\n', at);
      if (end < 0) {
        if (data.length - at > MAX_HEAD_BYTES) this.fail('an RTSP header too large');
        break;
      }
      const head = parseHead(data.subarray(at, end).toString('latin1'));
      const length = Number(head ? (headerValue(head, 'Content-Length') ?? 0) : NaN);
      if (!head || !Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
        this.fail('a malformed RTSP message');
        break;
      }
      if (data.length < end + 4 + length) break;
      const body = data.subarray(end + 4, end + 4 + length);
      at = end + 4 + length;
      this.onMessage(head, body);
    }
    passRaw();
    if (!this.stopped && at < data.length) this.pending = data.subarray(at);
  }

  private fail(why: string): void {
    this.stopped = true;
    this.onError(why);
  }
}
