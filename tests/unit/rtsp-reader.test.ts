import { describe, expect, it } from 'vitest';
import { RtspReader, type Head } from '../../src/main/services/streaming/rtsp-message';

/** An interleaved frame: `$`, channel, length, payload. */
function frame(channel: number, payload: Buffer): Buffer {
  const header = Buffer.from([0x24, channel, 0, 0]);
  header.writeUInt16BE(payload.length, 2);
  return Buffer.concat([header, payload]);
}

function message(start: string, body = ''): Buffer {
  return Buffer.from(
    `${start}\r\nCSeq: 3\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`,
    'latin1',
  );
}

type Event = { raw: Buffer } | { head: Head; body: string } | { error: string };

function read(chunks: Buffer[]): Event[] {
  const events: Event[] = [];
  const reader = new RtspReader(
    (raw) => events.push({ raw: Buffer.from(raw) }),
    (head, body) => events.push({ head, body: body.toString('latin1') }),
    (error) => events.push({ error }),
  );
  for (const chunk of chunks) reader.push(chunk);
  return events;
}

/** Joins adjacent raw events, so streams split differently compare equal. */
function merged(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if ('raw' in event && last && 'raw' in last) last.raw = Buffer.concat([last.raw, event.raw]);
    else out.push(event);
  }
  return out;
}

const rtp = (n: number, size = 1400) => frame(n % 2, Buffer.alloc(size, n));

describe('RtspReader', () => {
  it('passes the interleaved frames of one read on in one slice (one write, not one per packet)', () => {
    const frames = [rtp(1), rtp(2), rtp(3), rtp(4, 17)];
    const events = read([Buffer.concat(frames)]);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({ raw: Buffer.concat(frames) });
  });

  it('keeps frames and messages in order: frames before a message go before it', () => {
    const stream = Buffer.concat([
      rtp(1),
      rtp(2),
      message('RTSP/1.0 200 OK', 'v=0\r\n'),
      rtp(3),
      Buffer.from('\r\n'),
      message('GET_PARAMETER rtsp://cam/ RTSP/1.0'),
    ]);
    const events = read([stream]);
    expect(events.map((e) => ('raw' in e ? 'raw' : 'head' in e ? e.head.start : e.error))).toEqual([
      'raw',
      'RTSP/1.0 200 OK',
      'raw',
      'GET_PARAMETER rtsp://cam/ RTSP/1.0',
    ]);
    expect(events[0]).toEqual({ raw: Buffer.concat([rtp(1), rtp(2)]) });
    expect(events[1]).toMatchObject({ body: 'v=0\r\n' });
  });

  it('gives the same bytes and messages wherever the socket splits the stream', () => {
    const stream = Buffer.concat([
      rtp(1, 30),
      message('RTSP/1.0 200 OK', 'abc'),
      rtp(2, 5),
      rtp(3, 0),
      message('RTSP/1.0 200 OK'),
      rtp(4, 9),
    ]);
    const whole = merged(read([stream]));
    for (let a = 1; a < stream.length - 1; a++) {
      for (const b of [a + 1, Math.min(stream.length - 1, a + 7)]) {
        const split = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)];
        expect(merged(read(split)), `split at ${String(a)}, ${String(b)}`).toEqual(whole);
      }
    }
    expect(whole).toHaveLength(5);
  });

  it('refuses a malformed message after passing on the frames before it, and reads nothing more', () => {
    const stream = Buffer.concat([
      rtp(1, 10),
      Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: -4\r\n\r\n'),
      rtp(2, 10),
    ]);
    expect(read([stream])).toEqual([{ raw: rtp(1, 10) }, { error: 'a malformed RTSP message' }]);
  });
});
