/**
 * Just enough ISO-BMFF (ISO/IEC 14496-12) for the MSE player: split a fragmented-MP4 byte
 * stream into its top-level boxes as the bytes arrive, and read an init segment's moov for
 * the RFC 6381 codecs string MediaSource.isTypeSupported wants. Main's recording/fmp4.ts
 * does similar walking on Node Buffers; the renderer has only Uint8Array and DataView.
 * mp4box.js (getInfo().mime) would give the codecs string too, but it is ~200 kB for what
 * fits in these few functions.
 */

/** The bytes are not a fragmented MP4 this player can read. */
export class Fmp4ParseError extends Error {
  override readonly name = 'Fmp4ParseError';
}

/** One complete top-level box: its four-character type and all its bytes, header included. */
export interface TopBox {
  type: string;
  bytes: Uint8Array;
}

/**
 * Larger top-level boxes are taken for garbage: a camera's keyframe is at most a few MB
 * (4K H.265 at high quality), and a random 32-bit size would otherwise make the splitter
 * wait for gigabytes that never come.
 */
export const MAX_BOX_BYTES = 32 * 1024 * 1024;

const typeOf = (bytes: Uint8Array, at: number): string =>
  String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);

/** Top-level box types are printable ASCII ('©' types live only inside udta). */
const PLAUSIBLE_TYPE = /^[\x20-\x7e]{4}$/;

/**
 * The size of the box whose header starts `head` (at least 8 bytes), or 0 when its 64-bit
 * size is not there yet. Throws on a header that cannot be one of a live stream's boxes.
 */
function boxSize(head: Uint8Array, maxBytes: number): number {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size32 = view.getUint32(0);
  const type = typeOf(head, 4);
  if (!PLAUSIBLE_TYPE.test(type)) throw new Fmp4ParseError('not an MP4 box header');
  let size = size32;
  let header = 8;
  if (size32 === 1) {
    if (head.length < 16) return 0;
    size = view.getUint32(8) * 2 ** 32 + view.getUint32(12);
    header = 16;
  } else if (size32 === 0) {
    // "Runs to the end of the file": a never-ending stream has no end to run to.
    throw new Fmp4ParseError(`a ${type} box without a size`);
  }
  if (size < header) throw new Fmp4ParseError(`a ${type} box smaller than its header`);
  if (size > maxBytes) throw new Fmp4ParseError(`a ${type} box of ${String(size)} bytes`);
  return size;
}

export interface BoxSplitter {
  /** Adds bytes (split anywhere) and returns the boxes they completed, in stream order. */
  push(chunk: Uint8Array): TopBox[];
  /** Bytes held for a box not complete yet. */
  pendingBytes(): number;
}

/**
 * An incremental splitter for a stream of top-level boxes. Chunks are kept as they come and
 * joined once a box is complete, so a large mdat arriving in small chunks is copied once.
 * Returned boxes view the splitter's buffers: copy them (appendBuffer does) before keeping.
 */
export function createBoxSplitter(maxBoxBytes = MAX_BOX_BYTES): BoxSplitter {
  let parts: Uint8Array[] = [];
  let length = 0;
  /** Size of the box at the head, 0 while its header is incomplete. */
  let need = 0;

  const flatten = (upTo: number): Uint8Array => {
    const first = parts[0];
    if (parts.length === 1 && first) return first;
    const all = new Uint8Array(Math.min(upTo, length));
    let at = 0;
    for (const part of parts) {
      if (at >= all.length) break;
      const piece = part.subarray(0, all.length - at);
      all.set(piece, at);
      at += piece.length;
    }
    if (all.length === length) parts = [all];
    return all;
  };

  return {
    push(chunk) {
      if (chunk.length > 0) {
        parts.push(chunk);
        length += chunk.length;
      }
      const out: TopBox[] = [];
      for (;;) {
        if (need === 0) {
          if (length < 8) break;
          need = boxSize(flatten(16), maxBoxBytes);
          if (need === 0) break;
        }
        if (length < need) break;
        const all = flatten(length);
        out.push({ type: typeOf(all, 4), bytes: all.subarray(0, need) });
        const rest = all.subarray(need);
        parts = rest.length > 0 ? [rest] : [];
        length = rest.length;
        need = 0;
      }
      return out;
    },
    pendingBytes: () => length,
  };
}

/** The parts as one array (the part itself when there is one). */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const first = parts[0];
  if (parts.length === 1 && first) return first;
  const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** What a live player appends: an init segment (ftyp+moov) or a fragment (moof+mdat). */
export interface Piece {
  kind: 'init' | 'fragment';
  bytes: Uint8Array;
}

/**
 * Splits a live fMP4 byte stream into whole init segments and fragments. Other boxes
 * (ffmpeg's closing mfra, free, prft, sidx) are dropped. Throws Fmp4ParseError on bytes that
 * are not boxes, and on a stream that does not start with an init segment.
 */
export function createPieceSplitter(maxBoxBytes = MAX_BOX_BYTES): {
  push(chunk: Uint8Array): Piece[];
} {
  const boxes = createBoxSplitter(maxBoxBytes);
  let ftyp: Uint8Array | null = null;
  let moof: Uint8Array | null = null;
  let started = false;
  return {
    push(chunk) {
      const pieces: Piece[] = [];
      for (const { type, bytes } of boxes.push(chunk)) {
        if (type === 'ftyp') {
          ftyp = bytes;
        } else if (type === 'moov') {
          pieces.push({ kind: 'init', bytes: concatBytes(ftyp ? [ftyp, bytes] : [bytes]) });
          ftyp = moof = null;
          started = true;
        } else if (!started) {
          throw new Fmp4ParseError(`the stream starts with ${JSON.stringify(type)}, not an init`);
        } else if (type === 'moof') {
          moof = bytes;
        } else if (type === 'mdat' && moof) {
          pieces.push({ kind: 'fragment', bytes: concatBytes([moof, bytes]) });
          moof = null;
        }
      }
      return pieces;
    },
  };
}

/** A box inside a buffer: its type and where its payload lies. */
interface Box {
  type: string;
  start: number;
  end: number;
}

function* children(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1 && at + 16 <= to) {
      size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Fmp4ParseError('a truncated box in the moov');
    yield { type: typeOf(bytes, at + 4), start: at + header, end: at + size };
    at += size;
  }
}

function child(bytes: Uint8Array, parent: Box, type: string): Box | undefined {
  for (const box of children(bytes, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

const hex = (n: number, width = 2): string => n.toString(16).toUpperCase().padStart(width, '0');

/** `avc1.PPCCLL`: profile, constraint flags and level bytes of the avcC (RFC 6381 §3.3). */
function avcCodec(entry: string, bytes: Uint8Array, avcC: Box): string {
  const at = avcC.start;
  return `${entry}.${hex(bytes[at + 1] ?? 0)}${hex(bytes[at + 2] ?? 0)}${hex(bytes[at + 3] ?? 0)}`;
}

/**
 * ISO/IEC 14496-15 Annex E.3: profile space letter and profile, the 32 compatibility flags in
 * reverse bit order (hex, no leading zeros), tier and level, then the six constraint bytes
 * with trailing zero bytes left out (Main, level 3.1, progressive: `hvc1.1.6.L93.B0`).
 */
function hevcCodec(entry: string, bytes: Uint8Array, hvcC: Box): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = hvcC.start;
  const first = bytes[at + 1] ?? 0;
  const space = ['', 'A', 'B', 'C'][first >> 6] ?? '';
  const tier = first & 0x20 ? 'H' : 'L';
  const flags = view.getUint32(at + 2);
  let reversed = 0;
  for (let bit = 0; bit < 32; bit++) if (flags & (1 << bit)) reversed |= 1 << (31 - bit);
  const constraints = [...bytes.subarray(at + 6, at + 12)];
  while (constraints.length > 0 && constraints.at(-1) === 0) constraints.pop();
  const level = bytes[at + 12] ?? 0;
  return [
    entry,
    `${space}${String(first & 0x1f)}`,
    (reversed >>> 0).toString(16).toUpperCase(),
    `${tier}${String(level)}`,
    ...constraints.map((b) => b.toString(16).toUpperCase()),
  ].join('.');
}

/** An MPEG-4 descriptor (ISO/IEC 14496-1 §7.2.2): tag, and a length in 7-bit groups. */
function descriptor(bytes: Uint8Array, at: number, to: number): Box & { tag: number } {
  const tag = bytes[at] ?? 0;
  let size = 0;
  let i = at + 1;
  for (let n = 0; n < 4 && i < to; n++) {
    const b = bytes[i++] ?? 0;
    size = (size << 7) | (b & 0x7f);
    if (!(b & 0x80)) break;
  }
  return { tag, type: '', start: i, end: Math.min(i + size, to) };
}

/** `mp4a.40.N` from the esds: object type 0x40 (MPEG-4 audio) and the audio object type. */
function mp4aCodec(bytes: Uint8Array, esds: Box): string {
  const es = descriptor(bytes, esds.start + 4, esds.end);
  if (es.tag !== 0x03) return 'mp4a.40.2';
  const esFlags = bytes[es.start + 2] ?? 0;
  let at = es.start + 3;
  if (esFlags & 0x80) at += 2; // dependsOn_ES_ID
  if (esFlags & 0x40) at += 1 + (bytes[at] ?? 0); // URL
  if (esFlags & 0x20) at += 2; // OCR_ES_Id
  const config = descriptor(bytes, at, es.end);
  if (config.tag !== 0x04) throw new Fmp4ParseError('an esds without a decoder config');
  const objectType = bytes[config.start] ?? 0;
  if (objectType !== 0x40) return `mp4a.${hex(objectType)}`;
  // objectTypeIndication, streamType, bufferSizeDB (3), maxBitrate (4), avgBitrate (4).
  const specific = descriptor(bytes, config.start + 13, config.end);
  if (specific.tag !== 0x05 || specific.end <= specific.start) return 'mp4a.40';
  const b0 = bytes[specific.start] ?? 0;
  const b1 = bytes[specific.start + 1] ?? 0;
  const audioObjectType = b0 >> 3 === 31 ? 32 + (((b0 & 7) << 3) | (b1 >> 5)) : b0 >> 3;
  return `mp4a.40.${String(audioObjectType)}`;
}

/** Where a sample entry's child boxes begin (after the Visual/AudioSampleEntry fields). */
function entryChildren(bytes: Uint8Array, entry: Box, kind: TrackKind): number {
  if (kind === 'video') return entry.start + 78;
  if (kind !== 'audio') return entry.end;
  // QuickTime sound description versions 1 and 2 carry 16 / 36 more bytes.
  const version = ((bytes[entry.start + 8] ?? 0) << 8) | (bytes[entry.start + 9] ?? 0);
  return entry.start + 28 + (version === 1 ? 16 : version === 2 ? 36 : 0);
}

function entryCodec(bytes: Uint8Array, entry: Box, kind: TrackKind): string {
  const inner = [...children(bytes, entryChildren(bytes, entry, kind), entry.end)];
  const find = (type: string) => inner.find((box) => box.type === type);
  const config = find('avcC') ?? find('hvcC') ?? find('esds');
  if (config?.type === 'avcC') return avcCodec(entry.type, bytes, config);
  if (config?.type === 'hvcC') return hevcCodec(entry.type, bytes, config);
  if (config?.type === 'esds' && entry.type === 'mp4a') return mp4aCodec(bytes, config);
  if (entry.type === 'Opus') return 'opus';
  if (entry.type === 'fLaC') return 'flac';
  // Anything else (av01, vp09, ac-3…) by its sample entry: isTypeSupported then decides.
  return entry.type;
}

export type TrackKind = 'video' | 'audio' | 'other';

export interface InitTrack {
  id: number;
  kind: TrackKind;
  /** RFC 6381 codec, e.g. `avc1.64001F`, `hvc1.1.6.L93.B0`, `mp4a.40.2`. */
  codec: string;
}

export interface InitInfo {
  tracks: InitTrack[];
  /** For MediaSource.isTypeSupported and addSourceBuffer: `video/mp4; codecs="…"`. */
  mimeType: string;
}

/** Reads the tracks and codecs of an init segment (ftyp+moov, or the moov alone). */
export function parseInit(init: Uint8Array): InitInfo {
  const view = new DataView(init.buffer, init.byteOffset, init.byteLength);
  const moov = [...children(init, 0, init.length)].find((box) => box.type === 'moov');
  if (!moov) throw new Fmp4ParseError('an init segment without a moov');
  const tracks: InitTrack[] = [];
  for (const trak of children(init, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(init, trak, 'tkhd');
    const mdia = child(init, trak, 'mdia');
    const hdlr = mdia && child(init, mdia, 'hdlr');
    const minf = mdia && child(init, mdia, 'minf');
    const stbl = minf && child(init, minf, 'stbl');
    const stsd = stbl && child(init, stbl, 'stsd');
    if (!tkhd || !hdlr || !stsd) throw new Fmp4ParseError('a track without tkhd, hdlr or stsd');
    const handler = typeOf(init, hdlr.start + 8);
    const kind: TrackKind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';
    // stsd: version/flags (4), entry_count (4), then the sample entries as boxes.
    const entry = children(init, stsd.start + 8, stsd.end).next();
    if (entry.done) throw new Fmp4ParseError('a track without a sample entry');
    tracks.push({
      id: view.getUint32(tkhd.start + (init[tkhd.start] === 1 ? 20 : 12)),
      kind,
      codec: entryCodec(init, entry.value, kind),
    });
  }
  const media = tracks.filter((track) => track.kind !== 'other');
  if (media.length === 0) throw new Fmp4ParseError('an init segment without audio or video');
  const container = media.some((track) => track.kind === 'video') ? 'video/mp4' : 'audio/mp4';
  const codecs = media.map((track) => track.codec).join(',');
  return { tracks, mimeType: `${container}; codecs="${codecs}"` };
}
