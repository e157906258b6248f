/**
 * Splits the fragmented MP4 ffmpeg writes to a pipe (`-f mp4 -movflags +empty_moov+…`) into the
 * pieces a live viewer needs: the init segment (ftyp + moov, the codec set-up) and each movie
 * fragment (moof + mdat). Chunks from the pipe may end anywhere, even inside a box header.
 * The box walking and the sample flags are recording/fmp4*.ts's, not a second parser.
 */
import { Fmp4Error, parseInit, type TrackTiming } from '../recording/fmp4';
import { fragmentSamples } from '../recording/fmp4-samples';

/** The codec set-up: what a player appends first, and again whenever a new one comes. */
export interface InitPiece {
  kind: 'init';
  /** The ftyp and moov boxes, as ffmpeg wrote them. */
  data: Buffer;
  /** Each track of the moov (timescale, whether it is video, trex defaults). */
  tracks: Map<number, TrackTiming>;
}

/** One movie fragment: moof + mdat, with the styp/prft/sidx/emsg that came before its moof. */
export interface FragmentPiece {
  kind: 'fragment';
  data: Buffer;
  /**
   * The fragment's first video sample is a sync sample: a decoder can start here. False for a
   * fragment with no video sample (audio only). A stream without a video track asks its first
   * track instead (audio samples are all sync), so an audio-only camera still starts.
   */
  keyframe: boolean;
  /** How many video samples (frames) the fragment carries. */
  videoSamples: number;
}

export type LivePiece = InitPiece | FragmentPiece;

export interface Fmp4LiveOptions {
  /**
   * The largest box, and the largest fragment, believed (default 32 MB: a 4K keyframe is a few
   * MB). Anything larger is garbage, not a picture, and must not make us buffer it.
   */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Top-level boxes kept with the fragment they precede (a segment type, a producer reference
 * time, an index, an event message). Others (ffmpeg's closing `mfra`, `free`, `skip`) are of
 * no use to a live player and are dropped.
 */
const FRAGMENT_PREFIX = new Set(['styp', 'prft', 'sidx', 'ssix', 'emsg']);

// Four-character codes of boxes are printable; a run of random bytes rarely is.
const BOX_TYPE = /^[\x20-\x7e]{4}$/;

/** The bytes received and not yet split, as the chunks came (no copy until a box is whole). */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes (n <= length), copied only when they span chunks. */
  peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const parts: Buffer[] = [];
    let have = 0;
    for (const chunk of this.chunks) {
      if (have >= n) break;
      parts.push(chunk);
      have += chunk.length;
    }
    return Buffer.concat(parts).subarray(0, n);
  }

  /** Removes the first `n` bytes (n <= length) and returns them as parts, uncopied. */
  take(n: number): Buffer[] {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const head = this.chunks[0];
      if (!head) break;
      if (head.length <= left) {
        parts.push(head);
        this.chunks.shift();
        left -= head.length;
      } else {
        parts.push(head.subarray(0, left));
        this.chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return parts;
  }
}

/** A top-level box whose header has been read: its type, whole size and header size. */
interface Header {
  type: string;
  size: number;
  header: number;
}

/**
 * The incremental splitter. `push` returns every piece the chunk completed, in stream order.
 * Data that is not such a stream (a box under 8 bytes, one over `maxBytes`, a size "to the end
 * of the file", a fragment before the init, an mdat without its moof) throws Fmp4Error, and so
 * does every later push: a broken run, which its caller ends (a new run gets a new splitter).
 */
export class Fmp4LiveSplitter {
  private readonly queue = new ByteQueue();
  private readonly maxBytes: number;
  /** Bytes of the stream before the queue's first byte (for error messages). */
  private offset = 0;
  private header: Header | null = null;
  private tracks: Map<number, TrackTiming> | null = null;
  /** Whether the init declares a video track; without one the first track decides keyframes. */
  private hasVideo = false;
  /** The ftyp waiting for its moov. */
  private ftyp: Buffer | null = null;
  /** Boxes of the fragment being gathered: prefix boxes, then its moof. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private moof: Buffer | null = null;
  private broken: Fmp4Error | null = null;

  constructor(options: Fmp4LiveOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  push(chunk: Buffer): LivePiece[] {
    if (this.broken) throw this.broken;
    this.queue.add(chunk);
    const pieces: LivePiece[] = [];
    try {
      for (;;) {
        this.header ??= this.readHeader();
        if (!this.header || this.queue.length < this.header.size) break;
        const { type, size } = this.header;
        const parts = this.queue.take(size);
        this.header = null;
        const piece = this.onBox(
          type,
          parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts),
        );
        this.offset += size;
        if (piece) pieces.push(piece);
      }
    } catch (error) {
      this.broken =
        error instanceof Fmp4Error
          ? error
          : new Fmp4Error(`the fMP4 stream is broken: ${String(error)}`);
      throw this.broken;
    }
    return pieces;
  }

  /** The next box's header once enough bytes are here; checks it before its body arrives. */
  private readHeader(): Header | null {
    if (this.queue.length < 8) return null;
    const head = this.queue.peek(Math.min(16, this.queue.length));
    const type = head.toString('latin1', 4, 8);
    const at = `at byte ${String(this.offset)}`;
    if (!BOX_TYPE.test(type))
      throw new Fmp4Error(`not fragmented MP4 ${at}: no box type (${head.toString('hex', 0, 8)})`);
    let size = head.readUInt32BE(0);
    let header = 8;
    if (size === 1) {
      if (head.length < 16) return null;
      const wide = head.readBigUInt64BE(8);
      size = wide > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(wide);
      header = 16;
    } else if (size === 0) {
      // "Runs to the end of the file": a live pipe has no end to run to.
      throw new Fmp4Error(`an unbounded ${type} box ${at} (size 0) in a live stream`);
    }
    if (size < header)
      throw new Fmp4Error(`a ${type} box ${at} of ${String(size)} bytes, less than its header`);
    if (size > this.maxBytes)
      throw new Fmp4Error(
        `a ${type} box ${at} of ${String(size)} bytes, over the ${String(this.maxBytes)} believed`,
      );
    return { type, size, header };
  }

  private onBox(type: string, box: Buffer): LivePiece | null {
    const at = `at byte ${String(this.offset)}`;
    if (type === 'ftyp' || type === 'moov') {
      if (this.moof) throw new Fmp4Error(`a ${type} ${at} inside a fragment (moof without mdat)`);
      this.pending = [];
      this.pendingBytes = 0;
      if (type === 'ftyp') {
        this.ftyp = box;
        return null;
      }
      const data = this.ftyp ? Buffer.concat([this.ftyp, box]) : Buffer.from(box);
      this.ftyp = null;
      const { tracks } = parseInit(headerOf32Bits(box));
      this.tracks = tracks;
      this.hasVideo = [...tracks.values()].some((t) => t.video);
      return { kind: 'init', data, tracks };
    }
    if (type === 'moof') {
      if (!this.tracks) throw new Fmp4Error(`a moof ${at} before the init segment (moov)`);
      if (this.moof) throw new Fmp4Error(`a second moof ${at} before the first one's mdat`);
      this.moof = box;
      this.gather(box, at);
      return null;
    }
    if (type === 'mdat') {
      if (!this.moof || !this.tracks) throw new Fmp4Error(`an mdat ${at} without its moof`);
      this.gather(box, at);
      const piece = this.fragment(this.moof, this.tracks);
      this.pending = [];
      this.pendingBytes = 0;
      this.moof = null;
      return piece;
    }
    if (FRAGMENT_PREFIX.has(type) && !this.moof) this.gather(box, at);
    return null;
  }

  private gather(box: Buffer, at: string): void {
    this.pendingBytes += box.length;
    if (this.pendingBytes > this.maxBytes)
      throw new Fmp4Error(`a fragment ${at} over the ${String(this.maxBytes)} bytes believed`);
    this.pending.push(box);
  }

  private fragment(moof: Buffer, tracks: Map<number, TrackTiming>): FragmentPiece {
    const samples = fragmentSamples(moof, tracks);
    const pictures = this.hasVideo ? samples.filter((s) => s.video) : samples;
    return {
      kind: 'fragment',
      // One copy: the piece owns its bytes, never a slice that keeps a pipe chunk alive.
      data: Buffer.concat(this.pending, this.pendingBytes),
      keyframe: pictures[0]?.sync ?? false,
      videoSamples: samples.filter((s) => s.video).length,
    };
  }
}

/**
 * The moov with a 32-bit size header, for parseInit (which refuses a 64-bit moov because it
 * rebuilds boxes). Only for reading: the init sent to players keeps ffmpeg's bytes.
 */
function headerOf32Bits(moov: Buffer): Buffer {
  if (moov.readUInt32BE(0) !== 1) return moov;
  const copy = Buffer.from(moov.subarray(8));
  copy.writeUInt32BE(copy.length, 0);
  copy.write('moov', 4, 'latin1');
  return copy;
}
