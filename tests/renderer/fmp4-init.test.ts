// @vitest-environment node
// Renderer code, tested where the renderer's tsconfig (DOM libs, project references) applies;
// in Node, because it runs ffmpeg and needs nothing of a DOM.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createBoxSplitter,
  createPieceSplitter,
  Fmp4ParseError,
  parseInit,
  type TopBox,
} from '../../src/renderer/src/live/fmp4-init';

// Codec strings of init segments made by the real ffmpeg, with the muxer flags main's live
// fMP4 output uses. The expected strings are the spec's encoding of what each command asks
// for (RFC 6381 §3.3 for avcC, ISO/IEC 14496-15 E.3 for hvcC, ISO/IEC 14496-3 for esds).

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const run = promisify(execFile);
const hasFfmpeg = existsSync(FFMPEG);
if (!hasFfmpeg) console.warn(`SKIP fmp4-init codec tests: no ffmpeg at ${FFMPEG}`);

const VIDEO = ['-f', 'lavfi', '-t', '0.12', '-i', 'testsrc2=size=640x360:rate=25'];
const AUDIO = ['-f', 'lavfi', '-t', '0.2', '-i', 'sine=frequency=440:sample_rate=44100'];
const FMP4 = ['-f', 'mp4', '-movflags', '+empty_moov+default_base_moof+frag_every_frame'];

/** The whole fragmented MP4 ffmpeg writes to stdout for these arguments. */
async function fmp4(...args: string[]): Promise<Uint8Array> {
  const { stdout } = await run(
    FFMPEG,
    ['-hide_banner', '-loglevel', 'error', ...args, ...FMP4, 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
  );
  return new Uint8Array(stdout);
}

const x265 = (params: string) => ['-c:v', 'libx265', '-x265-params', `log-level=error:${params}`];

describe.runIf(hasFfmpeg)('parseInit reads the codecs of ffmpeg init segments', () => {
  it.each([
    // profile_idc 66 (0x42), constraint_set0+1 (0xC0), level 30 (0x1E)
    [
      'H.264 Baseline 3.0',
      ['-c:v', 'libx264', '-profile:v', 'baseline', '-level', '3.0'],
      'avc1.42C01E',
    ],
    // profile_idc 77 (0x4D), no constraint flags, level 40 (0x28)
    ['H.264 Main 4.0', ['-c:v', 'libx264', '-profile:v', 'main', '-level', '4.0'], 'avc1.4D4028'],
    // profile_idc 100 (0x64), level 31 (0x1F)
    ['H.264 High 3.1', ['-c:v', 'libx264', '-profile:v', 'high', '-level', '3.1'], 'avc1.64001F'],
    ['H.264 tagged avc3', ['-c:v', 'libx264', '-level', '3.0', '-tag:v', 'avc3'], 'avc3.64001E'],
    // Main (1); compatible with Main and Main 10 (flags 1 and 2: 0x60000000 reversed is 6);
    // main tier, level 3.1 (93); progressive_source + frame_only_constraint (0x90).
    ['H.265 Main 3.1 as hvc1', [...x265('level-idc=3.1'), '-tag:v', 'hvc1'], 'hvc1.1.6.L93.90'],
    // x265 picks the high tier where the level has one (from 4; its SPS says
    // general_tier_flag 1, read with ffmpeg's trace_headers): H, level 4 (120).
    ['H.265 Main 4 as hev1', [...x265('level-idc=4'), '-tag:v', 'hev1'], 'hev1.1.6.H120.90'],
    // Main 10 (2), compatible with Main 10 only (flag 2: reversed 4)
    [
      'H.265 Main 10',
      [...x265('level-idc=4'), '-pix_fmt', 'yuv420p10le', '-tag:v', 'hvc1'],
      'hvc1.2.4.H120.90',
    ],
  ])('%s', async (_name, codecArgs, codec) => {
    const info = parseInit(await fmp4(...VIDEO, ...codecArgs));
    expect(info.tracks).toEqual([{ id: 1, kind: 'video', codec }]);
    expect(info.mimeType).toBe(`video/mp4; codecs="${codec}"`);
  });

  it.each([
    // MPEG-4 audio (object type 0x40), audio object type 2 (AAC LC)
    ['AAC LC', ['-c:a', 'aac'], 'mp4a.40.2'],
    // audio object type 4 (AAC LTP): the number is read, not assumed
    ['AAC LTP', ['-c:a', 'aac', '-profile:a', 'aac_ltp', '-strict', '-2'], 'mp4a.40.4'],
    // MPEG-1 audio (object type 0x6B) has no audio object type
    ['MP3', ['-c:a', 'libmp3lame'], 'mp4a.6B'],
  ])('%s', async (_name, codecArgs, codec) => {
    const info = parseInit(await fmp4(...AUDIO, ...codecArgs));
    expect(info.tracks).toEqual([{ id: 1, kind: 'audio', codec }]);
    expect(info.mimeType).toBe(`audio/mp4; codecs="${codec}"`);
  });

  it('H.264 with AAC stereo 44.1 kHz: both tracks, video first, in one mime type', async () => {
    const bytes = await fmp4(
      ...VIDEO,
      ...AUDIO,
      ...['-ac', '2', '-c:v', 'libx264', '-level', '3.0', '-c:a', 'aac'],
    );
    const info = parseInit(bytes);
    expect(info.tracks).toEqual([
      { id: 1, kind: 'video', codec: 'avc1.64001E' },
      { id: 2, kind: 'audio', codec: 'mp4a.40.2' },
    ]);
    expect(info.mimeType).toBe('video/mp4; codecs="avc1.64001E,mp4a.40.2"');
  });

  it('refuses bytes without a moov, and a moov whose boxes run past it', async () => {
    expect(() => parseInit(new TextEncoder().encode('not an mp4 at all'))).toThrow(Fmp4ParseError);
    const bytes = await fmp4(...VIDEO, '-c:v', 'libx264');
    const [ftyp, moov] = createBoxSplitter().push(bytes);
    expect(ftyp?.type).toBe('ftyp');
    expect(moov?.type).toBe('moov');
    if (!moov) return;
    // The moov cut short inside its tracks, its own size left as it was.
    const cut = moov.bytes.slice(0, moov.bytes.length - 40);
    new DataView(cut.buffer).setUint32(0, cut.length);
    expect(() => parseInit(cut)).toThrow(Fmp4ParseError);
  });
});

/** The stream cut into pieces of pseudo-random sizes (1 byte to 3 kB), seeded. */
function pieces(bytes: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let state = seed;
  for (let at = 0; at < bytes.length;) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const size = 1 + (state % 3_000);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

const join = (boxes: TopBox[]): Uint8Array => {
  const all = new Uint8Array(boxes.reduce((n, box) => n + box.bytes.length, 0));
  let at = 0;
  for (const box of boxes) {
    all.set(box.bytes, at);
    at += box.bytes.length;
  }
  return all;
};

describe.runIf(hasFfmpeg)('createBoxSplitter splits a byte stream into top-level boxes', () => {
  it('gives the same boxes however the bytes are chunked, and the bytes unchanged', async () => {
    const stream = await fmp4(...VIDEO, ...AUDIO, '-c:v', 'libx264', '-c:a', 'aac');
    const whole = createBoxSplitter().push(stream);
    expect(whole.slice(0, 4).map((box) => box.type)).toEqual(['ftyp', 'moov', 'moof', 'mdat']);
    expect(join(whole)).toEqual(stream);
    for (const seed of [1, 7, 42]) {
      const splitter = createBoxSplitter();
      const boxes = pieces(stream, seed).flatMap((piece) => splitter.push(piece.slice()));
      expect(boxes.map((box) => box.type)).toEqual(whole.map((box) => box.type));
      expect(join(boxes)).toEqual(stream);
      expect(splitter.pendingBytes()).toBe(0);
    }
  });

  it('holds an incomplete box until its last byte arrives', async () => {
    const stream = await fmp4(...VIDEO, '-c:v', 'libx264');
    const [ftyp] = createBoxSplitter().push(stream);
    const size = ftyp?.bytes.length ?? 0;
    const splitter = createBoxSplitter();
    expect(splitter.push(stream.subarray(0, 5))).toEqual([]);
    expect(splitter.push(stream.subarray(5, size - 1))).toEqual([]);
    expect(splitter.pendingBytes()).toBe(size - 1);
    expect(splitter.push(stream.subarray(size - 1, size)).map((box) => box.type)).toEqual(['ftyp']);
  });

  it('reads 64-bit box sizes', () => {
    const big = new Uint8Array(16 + 4);
    const view = new DataView(big.buffer);
    view.setUint32(0, 1);
    big.set(new TextEncoder().encode('mdat'), 4);
    view.setUint32(12, big.length);
    const splitter = createBoxSplitter();
    expect(splitter.push(big.subarray(0, 12))).toEqual([]);
    const [box] = splitter.push(big.subarray(12));
    expect(box?.type).toBe('mdat');
    expect(box?.bytes.length).toBe(20);
  });

  it('refuses garbage at once instead of waiting for a box that never ends', () => {
    const text = new TextEncoder().encode('<html>503 Service Unavailable</html>');
    expect(() => createBoxSplitter().push(text)).toThrow(Fmp4ParseError);
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setUint32(0, 0xfffffff0);
    huge.set(new TextEncoder().encode('mdat'), 4);
    expect(() => createBoxSplitter().push(huge)).toThrow(/bytes/);
    const tiny = new Uint8Array([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x66]);
    expect(() => createBoxSplitter().push(tiny)).toThrow(/smaller than its header/);
  });
});

describe.runIf(hasFfmpeg)(
  'createPieceSplitter gives a live player init segments and fragments',
  () => {
    it('ftyp+moov as one init, each moof+mdat as one fragment, mfra dropped, across runs', async () => {
      const run = await fmp4(...VIDEO, ...AUDIO, '-c:v', 'libx264', '-c:a', 'aac');
      const boxes = createBoxSplitter().push(run);
      expect(boxes.slice(0, 2).map((box) => box.type)).toEqual(['ftyp', 'moov']);
      expect(boxes.at(-1)?.type).toBe('mfra');
      const moofs = boxes.filter((box) => box.type === 'moof').length;
      // Two runs back to back, as main sends a reconnected camera's new init in-band.
      const stream = join([...boxes, ...boxes]);
      const splitter = createPieceSplitter();
      const out = pieces(stream, 3).flatMap((chunk) => splitter.push(chunk));
      expect(out.map((p) => p.kind)).toEqual(
        [...Array<string>(2)].flatMap(() => ['init', ...Array<string>(moofs).fill('fragment')]),
      );
      expect(out[0]?.bytes).toEqual(join(boxes.slice(0, 2)));
      for (const fragment of out.filter((p) => p.kind === 'fragment')) {
        expect(
          createBoxSplitter()
            .push(fragment.bytes)
            .map((box) => box.type),
        ).toEqual(['moof', 'mdat']);
      }
    });

    it('refuses a stream that does not start with an init segment', async () => {
      const run = await fmp4(...VIDEO, '-c:v', 'libx264');
      const boxes = createBoxSplitter().push(run);
      const fromFragment = join(boxes.filter((box) => box.type !== 'ftyp' && box.type !== 'moov'));
      expect(() => createPieceSplitter().push(fromFragment)).toThrow(/starts with "moof"/);
    });
  },
);
