import { beforeAll, describe, expect, it } from 'vitest';
import { Fmp4Error } from '../../src/main/services/recording/fmp4';
import { fragmentSamples } from '../../src/main/services/recording/fmp4-samples';
import {
  Fmp4LiveSplitter,
  type FragmentPiece,
  type InitPiece,
  type LivePiece,
} from '../../src/main/services/streaming/fmp4-live';
import { FRAMES, GOP, liveFmp4, randomChunks, topBoxes } from '../helpers/live-fmp4';

let everyFrame: Buffer;
let durationOne: Buffer;
let audioOnly: Buffer;

beforeAll(async () => {
  [everyFrame, durationOne, audioOnly] = await Promise.all([
    liveFmp4({ fragmenting: 'every-frame' }),
    liveFmp4({ fragmenting: 'duration-1' }),
    liveFmp4({ audioOnly: true }),
  ]);
}, 60_000);

function split(chunks: Buffer[]): LivePiece[] {
  const splitter = new Fmp4LiveSplitter();
  return chunks.flatMap((chunk) => splitter.push(chunk));
}

const fragments = (pieces: LivePiece[]) =>
  pieces.filter((p): p is FragmentPiece => p.kind === 'fragment');

/** The video frame numbers (0-based) that open on a keyframe-flagged fragment. */
function keyframeFrames(pieces: LivePiece[]): number[] {
  const found: number[] = [];
  let frame = 0;
  for (const piece of fragments(pieces)) {
    if (piece.keyframe) found.push(frame);
    frame += piece.videoSamples;
  }
  return found;
}

/** A box of `type` around `payload`, with a 32- or 64-bit size. */
function box(type: string, payload: Buffer, wide = false): Buffer {
  const header = Buffer.alloc(wide ? 16 : 8);
  header.writeUInt32BE(wide ? 1 : 8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  if (wide) header.writeBigUInt64BE(BigInt(16 + payload.length), 8);
  return Buffer.concat([header, payload]);
}

describe('Fmp4LiveSplitter on real ffmpeg output (H.264 with B-frames + AAC)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'chunks cut at random (seed %i): one init, one fragment per frame, a keyframe every 25 frames',
    (seed) => {
      const pieces = split(randomChunks(everyFrame, seed));
      expect(pieces[0]?.kind).toBe('init');
      expect(pieces.filter((p) => p.kind === 'init')).toHaveLength(1);
      const video = fragments(pieces).filter((f) => f.videoSamples > 0);
      expect(video).toHaveLength(FRAMES);
      expect(video.every((f) => f.videoSamples === 1)).toBe(true);
      expect(keyframeFrames(pieces)).toEqual([0, GOP, 2 * GOP]);
      // Audio-only fragments (frag_every_frame gives audio its own) never count as keyframes.
      const audio = fragments(pieces).filter((f) => f.videoSamples === 0);
      expect(audio.length).toBeGreaterThan(100);
      expect(audio.some((f) => f.keyframe)).toBe(false);
    },
  );

  it('gives back every byte of ftyp, moov, moof and mdat in order, and drops the closing mfra', () => {
    const kept = topBoxes(everyFrame).filter((b) => b.type !== 'mfra');
    expect(topBoxes(everyFrame).map((b) => b.type)).toContain('mfra');
    const expected = Buffer.concat(kept.map((b) => everyFrame.subarray(b.start, b.end)));
    const pieces = split(randomChunks(everyFrame, 99));
    expect(Buffer.concat(pieces.map((p) => p.data)).equals(expected)).toBe(true);
    const init = pieces[0] as InitPiece;
    expect(topBoxes(init.data).map((b) => b.type)).toEqual(['ftyp', 'moov']);
    for (const f of fragments(pieces))
      expect(topBoxes(f.data).map((b) => b.type)).toEqual(['moof', 'mdat']);
  });

  it('the fixture really reorders frames (B-frames: composition offsets), and the init knows the video track', () => {
    const pieces = split([everyFrame]);
    const init = pieces[0] as InitPiece;
    expect([...init.tracks.values()].map((t) => t.video).sort()).toEqual([false, true]);
    const offsets = fragments(pieces).flatMap((f) =>
      fragmentSamples(f.data, init.tracks)
        .filter((s) => s.video)
        .map((s) => s.compositionOffset),
    );
    expect(new Set(offsets).size).toBeGreaterThan(1);
  });

  it('ffmpeg -frag_duration 1 (video and audio in one moof): one video sample per frame, keyframes every 25', () => {
    const pieces = split(randomChunks(durationOne, 7));
    const all = fragments(pieces);
    expect(all.some((f) => f.videoSamples > 0 && f.data.length > 0)).toBe(true);
    expect(all.reduce((n, f) => n + f.videoSamples, 0)).toBe(FRAMES);
    expect(keyframeFrames(pieces)).toEqual([0, GOP, 2 * GOP]);
  });

  it('cut in two at every byte of every box header (and inside bodies), the same result', () => {
    // The init and the first fragments: every header byte of ftyp, moov, moof and mdat.
    const boxes = topBoxes(everyFrame).slice(0, 10);
    const head = everyFrame.subarray(0, boxes[9]?.end);
    const cuts = new Set<number>();
    for (const b of boxes) for (let at = b.start; at < b.start + 20; at++) if (at > 0) cuts.add(at);
    for (let at = 1; at < head.length; at += 97) cuts.add(at);
    const shape = (pieces: LivePiece[]) =>
      pieces.map(
        (p) => `${p.kind}:${String(p.data.length)}:${String(p.kind === 'fragment' && p.keyframe)}`,
      );
    const whole = split([head]);
    expect(whole).toHaveLength(5);
    const wholeBytes = Buffer.concat(whole.map((p) => p.data));
    for (const at of cuts) {
      const pieces = split([head.subarray(0, at), head.subarray(at)]);
      expect(shape(pieces)).toEqual(shape(whole));
      expect(Buffer.concat(pieces.map((p) => p.data)).equals(wholeBytes)).toBe(true);
    }
  });

  it('reads 64-bit box sizes (moov, moof and mdat rewritten with largesize headers)', () => {
    const wide = Buffer.concat(
      topBoxes(everyFrame).map((b) => {
        const payload = everyFrame.subarray(b.start + 8, b.end);
        return box(b.type, payload, ['moov', 'moof', 'mdat'].includes(b.type));
      }),
    );
    const pieces = split(randomChunks(wide, 3));
    expect(pieces[0]?.data.readUInt32BE(28)).toBe(1);
    expect(fragments(pieces).filter((f) => f.videoSamples > 0)).toHaveLength(FRAMES);
    expect(keyframeFrames(pieces)).toEqual([0, GOP, 2 * GOP]);
  });

  it('keeps styp/prft before a moof with its fragment, and drops free', () => {
    const boxes = topBoxes(everyFrame);
    const firstMoof = boxes.findIndex((b) => b.type === 'moof');
    const styp = box('styp', Buffer.from('msdh\0\0\0\0msdh'));
    const prft = box('prft', Buffer.alloc(16));
    const free = box('free', Buffer.from('padding'));
    const withExtras = Buffer.concat(
      boxes.flatMap((b, i) => [
        ...(i === firstMoof ? [styp, free, prft] : []),
        everyFrame.subarray(b.start, b.end),
      ]),
    );
    const first = fragments(split([withExtras]))[0];
    expect(first && topBoxes(first.data).map((b) => b.type)).toEqual([
      'styp',
      'prft',
      'moof',
      'mdat',
    ]);
    expect(first?.keyframe).toBe(true);
  });

  it('an audio-only stream: every fragment can start playback (the first track decides)', () => {
    const all = fragments(split(randomChunks(audioOnly, 5)));
    expect(all.length).toBeGreaterThan(100);
    expect(all.every((f) => f.keyframe && f.videoSamples === 0)).toBe(true);
  });
});

describe('Fmp4LiveSplitter refuses what is not such a stream', () => {
  const refusals: Array<[string, () => Buffer, RegExp]> = [
    [
      'a box smaller than its header',
      () => Buffer.from([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x66]),
      /4 bytes, less than/,
    ],
    [
      'a size of 0 (to the end of a file)',
      () => box('moov', Buffer.alloc(0)).fill(0, 0, 4),
      /unbounded/,
    ],
    [
      'a box claiming more than 32 MB (before its bytes arrive)',
      () => Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x6d, 0x64, 0x61, 0x74]),
      /over the 33554432/,
    ],
    [
      'a 64-bit size under 16',
      () => Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from('mdat'), Buffer.alloc(8)]),
      /less than its header/,
    ],
    ['random bytes', () => Buffer.from('e3f1a2b4c5d6e7f8090a0b0c', 'hex'), /no box type/],
    ['a fragment before the init', () => box('moof', Buffer.alloc(8)), /before the init/],
    ['an mdat without its moof', () => box('mdat', Buffer.alloc(8)), /without its moof/],
  ];

  it.each(refusals)(
    '%s: a clear Fmp4Error, and every later push throws',
    (_name, bytes, message) => {
      const splitter = new Fmp4LiveSplitter();
      expect(() => splitter.push(bytes())).toThrow(message);
      expect(() => splitter.push(bytes())).toThrow(Fmp4Error);
      expect(() => splitter.push(everyFrame)).toThrow(message);
    },
  );

  it('garbage after good data: the pieces before it were returned, then the error names where', () => {
    const splitter = new Fmp4LiveSplitter();
    const good = everyFrame.subarray(0, topBoxes(everyFrame)[5]?.end);
    const pieces = splitter.push(good);
    expect(pieces.map((p) => p.kind)).toEqual(['init', 'fragment', 'fragment']);
    expect(() => splitter.push(Buffer.from('0000000300000000', 'hex'))).toThrow(
      `at byte ${String(good.length)}`,
    );
  });

  it('a moov or a second moof inside a fragment throws', () => {
    const boxes = topBoxes(everyFrame);
    const moof = boxes.find((b) => b.type === 'moof');
    const moov = boxes.find((b) => b.type === 'moov');
    if (!moof || !moov) throw new Error('fixture without moof or moov');
    const head = everyFrame.subarray(0, moof.end);
    const splitter = new Fmp4LiveSplitter();
    splitter.push(head);
    expect(() => splitter.push(everyFrame.subarray(moof.start, moof.end))).toThrow(/second moof/);
    const other = new Fmp4LiveSplitter();
    other.push(head);
    expect(() => other.push(everyFrame.subarray(moov.start, moov.end))).toThrow(
      /inside a fragment/,
    );
  });

  it('a smaller maxBytes refuses a fragment bigger than it', () => {
    const splitter = new Fmp4LiveSplitter({ maxBytes: 4000 });
    // The first fragment holds the first keyframe: over 4000 bytes.
    expect(() => splitter.push(everyFrame)).toThrow(/over the 4000/);
  });
});
