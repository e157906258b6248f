import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fmp4Error } from '../../src/main/services/recording/fmp4';
import {
  Fmp4LiveSplitter,
  type FragmentPiece,
  type LivePiece,
} from '../../src/main/services/streaming/fmp4-live';
import { createHlsHandler } from '../../src/main/services/streaming/hls-handler';
import { LiveHub } from '../../src/main/services/streaming/live-hub';
import { serveOverHttp } from '../helpers/hls-http';
import { FRAMES, GOP, liveFmp4, randomChunks } from '../helpers/live-fmp4';

let stream: Buffer;
/** The fixture as the splitter cuts it: pieces[0] is the init. */
let pieces: LivePiece[];
let frags: FragmentPiece[];

beforeAll(async () => {
  stream = await liveFmp4({ fragmenting: 'every-frame' });
  pieces = new Fmp4LiveSplitter().push(stream);
  frags = pieces.filter((p): p is FragmentPiece => p.kind === 'fragment');
}, 60_000);

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Index in `frags` of the fragment holding video frame `n`. */
function frameAt(n: number): number {
  let frame = 0;
  for (const [i, f] of frags.entries()) {
    if (f.videoSamples > 0 && frame === n) return i;
    frame += f.videoSamples;
  }
  throw new Error(`no frame ${String(n)}`);
}

/** The init and fragments [from, to) as bytes, cut at random like a pipe. */
function bytesOf(from: number, to: number, withInit: boolean): Buffer {
  const init = pieces[0];
  if (!init) throw new Error('no init');
  return Buffer.concat([
    ...(withInit ? [init.data] : []),
    ...frags.slice(from, to).map((f) => f.data),
  ]);
}

function feed(hub: LiveHub, bytes: Buffer, seed = 1): void {
  for (const chunk of randomChunks(bytes, seed)) hub.write(chunk);
}

/** Reads a viewer's stream all the time (a viewer that keeps up) until it closes. */
function collect(body: ReadableStream<Uint8Array>) {
  const chunks: Buffer[] = [];
  const reader = body.getReader();
  const done = (async () => {
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) return Buffer.concat(chunks);
      chunks.push(Buffer.from(value));
    }
  })();
  return { chunks, done, reader };
}

/** What a player would make of the bytes a viewer got. */
function parse(bytes: Buffer): LivePiece[] {
  return new Fmp4LiveSplitter().push(bytes);
}

/** Where each received fragment was in the source (its index in `frags`), by its bytes. */
function sourceIndexes(received: LivePiece[]): number[] {
  return received
    .filter((p) => p.kind === 'fragment')
    .map((p) => frags.findIndex((f) => f.data.equals(p.data)));
}

describe('LiveHub', () => {
  it('a viewer from the start gets every frame, keyframes every 25, in order', async () => {
    const hub = new LiveHub();
    const viewer = collect(hub.subscribe());
    feed(hub, stream, 11);
    hub.end();
    const got = parse(await viewer.done);
    expect(got[0]?.data.equals(pieces[0]?.data ?? Buffer.alloc(0))).toBe(true);
    const video = got.filter(
      (p): p is FragmentPiece => p.kind === 'fragment' && p.videoSamples > 0,
    );
    expect(video).toHaveLength(FRAMES);
    const keyframes = video.flatMap((f, i) => (f.keyframe ? [i] : []));
    expect(keyframes).toEqual([0, GOP, 2 * GOP]);
    expect(sourceIndexes(got)).toEqual(frags.map((_, i) => i));
    expect(hub.bytesIn).toBe(stream.length);
  });

  it('a subscriber before any data waits, then gets the init first', async () => {
    const hub = new LiveHub();
    const reader = hub.subscribe().getReader();
    let first: Uint8Array | undefined;
    const read = reader.read().then((r) => (first = r.value));
    const all = bytesOf(0, 3, true);
    hub.write(all.subarray(0, 500)); // ftyp and part of the moov
    await settle();
    expect(first).toBeUndefined();
    hub.write(all.subarray(500));
    await read;
    expect(Buffer.from(first ?? []).equals(pieces[0]?.data ?? Buffer.alloc(1))).toBe(true);
    await reader.cancel();
  });

  it('a late subscriber gets the init, then the keyframe and every fragment since it (audio ones too), then live', async () => {
    const hub = new LiveHub();
    const key = frameAt(GOP);
    const upTo = frameAt(GOP + 10);
    feed(hub, bytesOf(0, upTo, true), 5);
    const cached = frags.slice(key, upTo);
    // Audio-only fragments after the keyframe stay in the cache: they do not reset the GOP.
    expect(cached.some((f) => f.videoSamples === 0)).toBe(true);
    expect(hub.cachedBytes).toBe(cached.reduce((n, f) => n + f.data.length, 0));
    const viewer = collect(hub.subscribe());
    await settle();
    expect(viewer.chunks[0]?.equals(pieces[0]?.data ?? Buffer.alloc(1))).toBe(true);
    expect(viewer.chunks[1]?.equals(frags[key]?.data ?? Buffer.alloc(1))).toBe(true);
    feed(hub, bytesOf(upTo, upTo + 5, false), 6);
    hub.end();
    const got = parse(await viewer.done);
    expect(got[0]?.kind).toBe('init');
    expect(got[1]?.kind === 'fragment' && got[1].keyframe).toBe(true);
    expect(sourceIndexes(got)).toEqual(frags.slice(key, upTo + 5).map((_, i) => key + i));
  });

  it('a viewer that stops reading is not let grow: it drops to the next keyframe, then goes on', async () => {
    const bound = 15_000;
    const logs: string[] = [];
    const hub = new LiveHub({ maxViewerBytes: bound, log: (line) => logs.push(line) });
    const body = hub.subscribe();
    const part = frameAt(GOP + 5);
    feed(hub, bytesOf(0, part, true), 7); // nobody reads meanwhile
    expect(hub.droppedFragments).toBeGreaterThan(0);
    expect(logs.some((l) => l.includes('fell behind'))).toBe(true);
    const viewer = collect(body);
    await settle();
    // What it held unread stayed within the bound (the init aside).
    const held = viewer.chunks.slice(1).reduce((n, c) => n + c.length, 0);
    expect(held).toBeLessThanOrEqual(bound);
    // Now it reads as fast as data comes.
    for (const f of frags.slice(part)) {
      hub.write(f.data);
      await settle();
    }
    hub.end();
    const got = sourceIndexes(parse(await viewer.done));
    // From the start without a gap, then a gap, then from the keyframe of frame 50 to the end.
    const gap = got.findIndex((index, i) => i > 0 && index !== (got[i - 1] ?? 0) + 1);
    expect(gap).toBeGreaterThan(0);
    expect(got.slice(0, gap)).toEqual(got.slice(0, gap).map((_, i) => i));
    expect(got[gap]).toBe(frameAt(2 * GOP));
    expect(frags[got[gap] ?? 0]?.keyframe).toBe(true);
    expect(got.slice(gap)).toEqual(
      frags.slice(frameAt(2 * GOP)).map((_, i) => frameAt(2 * GOP) + i),
    );
  });

  it('the GOP cache a viewer joins with is not held against its bound', async () => {
    const hub = new LiveHub({ maxViewerBytes: 2000 });
    const key = frameAt(GOP);
    const upTo = frameAt(GOP + 10);
    feed(hub, bytesOf(0, upTo, true), 16);
    expect(hub.cachedBytes).toBeGreaterThan(2000);
    const body = hub.subscribe();
    // The next fragment comes before the page has read anything of what it joined with.
    hub.write(bytesOf(upTo, upTo + 1, false));
    const viewer = collect(body);
    await settle();
    hub.end();
    expect(hub.droppedFragments).toBe(0);
    expect(sourceIndexes(parse(await viewer.done))).toEqual(
      frags.slice(key, upTo + 1).map((_, i) => key + i),
    );
  });

  it('the GOP cache is capped: past it, new viewers wait for the next keyframe', async () => {
    const cap = 3000;
    const hub = new LiveHub({ maxCacheBytes: cap });
    const upTo = frameAt(GOP + 10);
    for (const f of [pieces[0], ...frags.slice(0, upTo)]) {
      hub.write(f?.data ?? Buffer.alloc(0));
      expect(hub.cachedBytes).toBeLessThanOrEqual(cap);
    }
    expect(hub.cachedBytes).toBe(0);
    const viewer = collect(hub.subscribe());
    await settle();
    expect(viewer.chunks).toHaveLength(1); // the init only
    feed(hub, bytesOf(upTo, frags.length, false), 9);
    hub.end();
    const got = sourceIndexes(parse(await viewer.done));
    expect(got[0]).toBe(frameAt(2 * GOP));
  });

  it('cancel (a window closed) unsubscribes; the others go on', async () => {
    const hub = new LiveHub();
    const leaving = hub.subscribe().getReader();
    const staying = collect(hub.subscribe());
    expect(hub.viewers).toBe(2);
    feed(hub, bytesOf(0, 10, true), 2);
    await leaving.cancel();
    expect(hub.viewers).toBe(1);
    feed(hub, bytesOf(10, 20, false), 3);
    hub.end();
    expect(sourceIndexes(parse(await staying.done))).toEqual(frags.slice(0, 20).map((_, i) => i));
  });

  it('end closes every stream (after what it was sent), and later subscribers get a closed one', async () => {
    const hub = new LiveHub();
    const waiting = hub.subscribe().getReader();
    const slow = hub.subscribe().getReader();
    const pending = waiting.read();
    feed(hub, bytesOf(0, 2, true), 4);
    await pending;
    hub.end();
    expect(hub.viewers).toBe(0);
    for (;;) if ((await waiting.read()).done) break;
    let slowGot = 0;
    for (let r = await slow.read(); !r.done; r = await slow.read()) slowGot++;
    expect(slowGot).toBe(3); // init and two fragments, then closed
    expect((await hub.subscribe().getReader().read()).done).toBe(true);
    const before = hub.bytesIn;
    hub.write(bytesOf(2, 3, false));
    expect(hub.bytesIn).toBe(before);
  });

  it('newRun: viewers stay and get the next run’s init in-band, then its first keyframe', async () => {
    const now = { t: 1000 };
    const hub = new LiveHub({ now: () => now.t });
    const viewer = collect(hub.subscribe());
    const run1 = bytesOf(0, 12, true);
    // ffmpeg killed mid-box: the next run must not inherit the half box.
    hub.write(run1.subarray(0, run1.length - 50));
    expect(hub.lastFragmentAt).toBe(1000);
    hub.newRun();
    expect(hub.cachedBytes).toBe(0);
    const late = collect(hub.subscribe());
    await settle();
    expect(late.chunks).toHaveLength(0); // no init of the run that ended
    now.t = 2000;
    feed(hub, stream, 12);
    expect(hub.lastFragmentAt).toBe(2000);
    hub.end();
    const got = parse(await viewer.done);
    const inits = got.flatMap((p, i) => (p.kind === 'init' ? [i] : []));
    expect(inits).toEqual([0, 12]);
    const next = got[13];
    expect(next?.kind === 'fragment' && next.keyframe).toBe(true);
    expect(got).toHaveLength(1 + 11 + 1 + frags.length);
    expect(parse(await late.done)[0]?.kind).toBe('init');
  });

  it('data that is not fMP4 throws Fmp4Error until newRun; the viewers keep their streams', async () => {
    const hub = new LiveHub();
    const viewer = collect(hub.subscribe());
    feed(hub, bytesOf(0, 3, true), 13);
    expect(() => hub.write(Buffer.from([0, 0, 0, 2, 0x6a, 0x75, 0x6e, 0x6b]))).toThrow(Fmp4Error);
    expect(() => hub.write(bytesOf(3, 4, false))).toThrow(/less than its header/);
    expect(hub.viewers).toBe(1);
    hub.newRun();
    feed(hub, bytesOf(0, 3, true), 14);
    hub.end();
    expect(parse(await viewer.done).map((p) => p.kind)).toEqual([
      'init',
      'fragment',
      'fragment',
      'fragment',
      'init',
      'fragment',
      'fragment',
      'fragment',
    ]);
  });
});

describe('live.mp4 through the handler and the HTTP stand-in', () => {
  it('the page gets the init before anything ends, and leaving unsubscribes', async () => {
    const hub = new LiveHub();
    const session = randomUUID();
    const server = await serveOverHttp(
      createHlsHandler({
        liveDirectory: () => undefined,
        liveStream: (id) => (id === session ? hub.subscribe() : undefined),
        allowedOrigins: ['vigil-app://renderer'],
      }),
    );
    try {
      feed(hub, bytesOf(0, 30, true), 15);
      const { hostname, port } = new URL(server.origin);
      const received: Buffer[] = [];
      const req = request({ hostname, port, path: `/${session}/live.mp4` });
      const firstBytes = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.on('data', (chunk: Buffer) => {
            received.push(chunk);
            resolve(res.statusCode ?? 0);
          });
        });
        req.on('error', reject);
      });
      req.end();
      expect(await firstBytes).toBe(200);
      expect(hub.viewers).toBe(1);
      await expect
        .poll(() => Buffer.concat(received).length)
        .toBeGreaterThanOrEqual(pieces[0]?.data.length ?? 1);
      expect(parse(Buffer.concat(received))[0]?.kind).toBe('init');
      req.destroy();
      await expect.poll(() => hub.viewers, { timeout: 3000 }).toBe(0);
    } finally {
      hub.end();
      await server.close();
    }
  });
});
