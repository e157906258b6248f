/**
 * Just enough ISO-BMFF (MP4) box walking to join the HLS writer's fMP4 fragments into one
 * recording: each track's timescale from the init segment, and each fragment's decode time
 * (`tfdt`) moved so the recording starts at 0 and a later run continues where the last ended.
 * Without that, players and ffprobe place the first fragment at the session's clock (a
 * recording started 5 min into a session "lasts" 5 min 10 s; measured with ffprobe 5.1).
 * `boxes`, `child` and `track` also serve fmp4-samples.ts (each sample of a fragment).
 */

/** A box found by `boxes`: its type and where its payload lies in the buffer. */
export interface Box {
  type: string;
  /** Offset of the box's payload (after its header). */
  start: number;
  /** Offset just past the box. */
  end: number;
}

/** The boxes between `from` and `to`, in file order; a box running past `to` throws Fmp4Error. */
export function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let offset = from;
  while (offset + 8 <= to) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > to) return;
      size = Number(buf.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = to - offset;
    }
    if (size < header || offset + size > to) throw new Fmp4Error(`a truncated ${type} box`);
    yield { type, start: offset + header, end: offset + size };
    offset += size;
  }
}

/** The first child box of `parent` of that type. */
export function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of boxes(buf, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** The data is not the fMP4 the HLS writer makes (a file cut short, another muxer). */
export class Fmp4Error extends Error {
  override readonly name = 'Fmp4Error';
}

/** One track of an init segment: its timescale, and where its edit list placed it. */
export interface TrackTiming {
  /** Ticks per second of the track's decode times. */
  timescale: number;
  /**
   * Seconds the edit list moved the track's presentation: an empty edit (ffmpeg delays the
   * video by how much later than the audio it started, 0.2–0.5 s measured) minus the first
   * media time (B-frame composition offsets).
   */
  editSec: number;
  /** The trex default sample duration (ticks), for fragments that give none. */
  defaultDuration: number;
  /** The trex default sample size (bytes), for fragments that give none. */
  defaultSize: number;
  /** The trex default sample flags, for fragments that give none. */
  defaultFlags: number;
  video: boolean;
}

export interface ParsedInit {
  /** The init segment without edit lists: each run's edits differ, the rest does not. */
  normalized: Buffer;
  tracks: Map<number, TrackTiming>;
}

function editSec(init: Buffer, trak: Box, movieScale: number, trackScale: number): number {
  const edts = child(init, trak, 'edts');
  const elst = edts && child(init, edts, 'elst');
  if (!elst) return 0;
  const wide = init.readUInt8(elst.start) === 1;
  const count = init.readUInt32BE(elst.start + 4);
  let delay = 0;
  let at = elst.start + 8;
  for (let i = 0; i < count; i++) {
    const duration = wide ? Number(init.readBigUInt64BE(at)) : init.readUInt32BE(at);
    const mediaTime = wide ? Number(init.readBigInt64BE(at + 8)) : init.readInt32BE(at + 4);
    at += wide ? 20 : 12;
    if (mediaTime === -1) delay += duration / movieScale;
    else return delay - mediaTime / trackScale;
  }
  return delay;
}

/** A box rebuilt from kept children (32-bit size; the init segments here are small). */
function rebuilt(init: Buffer, box: Box, parts: Buffer[]): Buffer {
  const header = Buffer.alloc(8);
  const body = Buffer.concat(parts);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(box.type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/**
 * Reads an init segment: each track's timescale and edit, and the segment without its edit
 * lists. The edits are applied to the fragments' decode times instead (retimeSegment), so runs
 * whose only difference is the edit (every reconnect) share one init, and A/V stay in sync.
 */
export function parseInit(init: Buffer): ParsedInit {
  const tracks = new Map<number, TrackTiming>();
  const top: Buffer[] = [];
  for (const box of boxes(init, 0, init.length)) {
    if (box.type !== 'moov') {
      top.push(init.subarray(box.start - 8, box.end));
      continue;
    }
    if (init.readUInt32BE(box.start - 8) === 1) throw new Fmp4Error('a 64-bit moov');
    const mvhd = child(init, box, 'mvhd');
    if (!mvhd) throw new Fmp4Error('no mvhd in the init segment');
    const movieScale = init.readUInt32BE(mvhd.start + (init.readUInt8(mvhd.start) === 1 ? 20 : 12));
    const moov: Buffer[] = [];
    for (const inner of boxes(init, box.start, box.end)) {
      if (inner.type !== 'trak') {
        moov.push(init.subarray(inner.start - 8, inner.end));
        continue;
      }
      const tkhd = child(init, inner, 'tkhd');
      const mdia = child(init, inner, 'mdia');
      const mdhd = mdia && child(init, mdia, 'mdhd');
      if (!tkhd || !mdhd) throw new Fmp4Error('a track without tkhd or mdhd');
      const trackId = init.readUInt32BE(tkhd.start + (init.readUInt8(tkhd.start) === 1 ? 20 : 12));
      const timescale = init.readUInt32BE(
        mdhd.start + (init.readUInt8(mdhd.start) === 1 ? 20 : 12),
      );
      const hdlr = child(init, mdia, 'hdlr');
      tracks.set(trackId, {
        timescale,
        editSec: editSec(init, inner, movieScale, timescale),
        defaultDuration: 0,
        defaultSize: 0,
        defaultFlags: 0,
        video:
          hdlr !== undefined && init.toString('latin1', hdlr.start + 8, hdlr.start + 12) === 'vide',
      });
      const kept = [...boxes(init, inner.start, inner.end)]
        .filter((b) => b.type !== 'edts')
        .map((b) => init.subarray(b.start - 8, b.end));
      moov.push(rebuilt(init, inner, kept));
    }
    const mvex = child(init, box, 'mvex');
    for (const trex of mvex ? boxes(init, mvex.start, mvex.end) : []) {
      const timing = trex.type === 'trex' ? tracks.get(init.readUInt32BE(trex.start + 4)) : null;
      if (!timing) continue;
      timing.defaultDuration = init.readUInt32BE(trex.start + 12);
      timing.defaultSize = init.readUInt32BE(trex.start + 16);
      timing.defaultFlags = init.readUInt32BE(trex.start + 20);
    }
    top.push(rebuilt(init, box, moov));
  }
  if (tracks.size === 0) throw new Fmp4Error('no tracks in the init segment');
  return { normalized: Buffer.concat(top), tracks };
}

/** Whether any sample of a track fragment is a sync sample (trun, else tfhd, else trex flags). */
function hasSyncSample(buf: Buffer, tfhd: Box, trun: Box, fallback: number): boolean {
  const tfhdFlags = buf.readUInt32BE(tfhd.start) & 0xffffff;
  // After track_ID: base_data_offset (8), sample_description_index, duration, size (4 each).
  const defaults =
    tfhdFlags & 0x20
      ? buf.readUInt32BE(
          tfhd.start +
            8 +
            (tfhdFlags & 0x01 ? 8 : 0) +
            (tfhdFlags & 0x02 ? 4 : 0) +
            (tfhdFlags & 0x08 ? 4 : 0) +
            (tfhdFlags & 0x10 ? 4 : 0),
        )
      : fallback;
  const flags = buf.readUInt32BE(trun.start) & 0xffffff;
  const count = buf.readUInt32BE(trun.start + 4);
  let at = trun.start + 8 + (flags & 0x01 ? 4 : 0);
  const first = flags & 0x04 ? buf.readUInt32BE(at) : null;
  if (flags & 0x04) at += 4;
  const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
  const before = 4 * [0x100, 0x200].filter((f) => flags & f).length;
  // sample_is_non_sync_sample (ISO/IEC 14496-12, 8.8.3.1)
  const sync = (sampleFlags: number) => (sampleFlags & 0x10000) === 0;
  for (let i = 0; i < count; i++, at += stride) {
    const sampleFlags =
      i === 0 && first !== null ? first : flags & 0x400 ? buf.readUInt32BE(at + before) : defaults;
    if (sync(sampleFlags)) return true;
  }
  return false;
}

/**
 * True when the segment's video holds a keyframe. Segments are cut by time (0.25 s), so most
 * hold none: a recording begins at one that does, or a decoder meets frames without their
 * reference for up to a GOP (ffmpeg then complains of non-monotonic timestamps, measured).
 */
export function hasKeyframe(segment: Buffer, tracks: Map<number, TrackTiming>): boolean {
  for (const top of boxes(segment, 0, segment.length)) {
    if (top.type !== 'moof') continue;
    for (const traf of boxes(segment, top.start, top.end)) {
      if (traf.type !== 'traf') continue;
      const tfhd = child(segment, traf, 'tfhd');
      const trun = child(segment, traf, 'trun');
      if (!tfhd || !trun) continue;
      const timing = track(tracks, segment.readUInt32BE(tfhd.start + 4));
      if (timing.video && hasSyncSample(segment, tfhd, trun, timing.defaultFlags)) return true;
    }
  }
  return false;
}

/** The init's timing of a fragment's track; a track the init does not declare throws Fmp4Error. */
export function track(tracks: Map<number, TrackTiming>, id: number): TrackTiming {
  const found = tracks.get(id);
  if (!found) throw new Fmp4Error(`a fragment of unknown track ${String(id)}`);
  return found;
}

interface Tfdt {
  trackId: number;
  /** Offset of the decode time field. */
  at: number;
  wide: boolean;
  /** The fragment's length in the track's ticks (its samples' durations). */
  ticks: number;
}

function sampleTicks(buf: Buffer, tfhd: Box, trun: Box | undefined, fallback: number): number {
  const tfhdFlags = buf.readUInt32BE(tfhd.start) & 0xffffff;
  let at = tfhd.start + 8 + (tfhdFlags & 0x01 ? 8 : 0) + (tfhdFlags & 0x02 ? 4 : 0);
  const fixed = tfhdFlags & 0x08 ? buf.readUInt32BE(at) : fallback;
  if (!trun) return 0;
  const flags = buf.readUInt32BE(trun.start) & 0xffffff;
  const count = buf.readUInt32BE(trun.start + 4);
  if (!(flags & 0x100)) return count * fixed;
  at = trun.start + 8 + (flags & 0x01 ? 4 : 0) + (flags & 0x04 ? 4 : 0);
  const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
  let ticks = 0;
  for (let i = 0; i < count; i++, at += stride) ticks += buf.readUInt32BE(at);
  return ticks;
}

function fragmentTimes(segment: Buffer, tracks: Map<number, TrackTiming>): Tfdt[] {
  const found: Tfdt[] = [];
  for (const top of boxes(segment, 0, segment.length)) {
    if (top.type !== 'moof') continue;
    for (const traf of boxes(segment, top.start, top.end)) {
      if (traf.type !== 'traf') continue;
      const tfhd = child(segment, traf, 'tfhd');
      const tfdt = child(segment, traf, 'tfdt');
      if (!tfhd || !tfdt) throw new Fmp4Error('a track fragment without tfhd or tfdt');
      const trackId = segment.readUInt32BE(tfhd.start + 4);
      const { defaultDuration } = track(tracks, trackId);
      found.push({
        trackId,
        at: tfdt.start + 4,
        wide: segment.readUInt8(tfdt.start) === 1,
        ticks: sampleTicks(segment, tfhd, child(segment, traf, 'trun'), defaultDuration),
      });
    }
  }
  if (found.length === 0) throw new Fmp4Error('no movie fragment in the segment');
  return found;
}

function read(segment: Buffer, t: Tfdt): bigint {
  return t.wide ? segment.readBigUInt64BE(t.at) : BigInt(segment.readUInt32BE(t.at));
}

/** When the segment's earliest track starts playing, in seconds (its edit applied). */
export function segmentStartSec(segment: Buffer, tracks: Map<number, TrackTiming>): number {
  let earliest = Infinity;
  for (const t of fragmentTimes(segment, tracks)) {
    const { timescale, editSec } = track(tracks, t.trackId);
    earliest = Math.min(earliest, Number(read(segment, t)) / timescale + editSec);
  }
  return earliest;
}

/** One track fragment of a segment, as a retiming decision sees it (seconds, edit applied). */
export interface FragmentSpan {
  trackId: number;
  startSec: number;
  durationSec: number;
}

/**
 * A copy of the segment with each track fragment's decode time moved by what `shiftFor`
 * decides (in seconds, for an init without edit lists: the track's edit is folded in), never
 * below 0. Fragments are offered in file order.
 */
export function retimeSegment(
  segment: Buffer,
  tracks: Map<number, TrackTiming>,
  shiftFor: (span: FragmentSpan) => number,
): Buffer {
  const out = Buffer.from(segment);
  for (const t of fragmentTimes(out, tracks)) {
    const { timescale, editSec } = track(tracks, t.trackId);
    const original = read(out, t);
    const shiftSec = shiftFor({
      trackId: t.trackId,
      startSec: Number(original) / timescale + editSec,
      durationSec: t.ticks / timescale,
    });
    let time = original + BigInt(Math.round((shiftSec + editSec) * timescale));
    if (time < 0n) time = 0n;
    if (t.wide) out.writeBigUInt64BE(time, t.at);
    else if (time <= 0xffffffffn) out.writeUInt32BE(Number(time), t.at);
    else throw new Fmp4Error('a decode time too large for a 32-bit tfdt');
  }
  return out;
}
