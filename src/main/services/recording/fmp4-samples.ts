/**
 * Every sample of an fMP4 fragment (ISO/IEC 14496-12, 8.8): when it decodes, how long it lasts,
 * its size, whether it is a sync sample and its composition offset. What a meter needs to count
 * frames, keyframe intervals, B-frame reordering and bytes without decoding anything.
 */
import { type Box, Fmp4Error, type TrackTiming, boxes, child, track } from './fmp4';

/** One sample of a track fragment, as its moof describes it. */
export interface FragmentSample {
  trackId: number;
  video: boolean;
  /**
   * Decode time in the track's ticks: the fragment's `tfdt` plus the durations of the samples
   * before it (a number: exact up to 2^53 ticks, centuries at 90 kHz).
   */
  decodeTicks: number;
  /** Ticks per second of the track. */
  timescale: number;
  durationTicks: number;
  /** Bytes of the sample in the mdat. */
  size: number;
  /** A sync sample (a keyframe for video). */
  sync: boolean;
  /** Presentation minus decode time, in ticks (signed when the trun is version 1). */
  compositionOffset: number;
}

/** The tfhd's defaults for a fragment's samples; what it leaves out comes from the trex. */
interface FragmentDefaults {
  duration: number;
  size: number;
  flags: number;
}

/** Throws unless the box's payload holds `bytes` (a box cut short or lying about its fields). */
function need(box: Box, bytes: number, what: string): void {
  if (box.end - box.start < bytes) throw new Fmp4Error(`a ${what} shorter than its fields`);
}

function fragmentDefaults(buf: Buffer, tfhd: Box, timing: TrackTiming): FragmentDefaults {
  const flags = buf.readUInt32BE(tfhd.start) & 0xffffff;
  // After version/flags and track_ID: base_data_offset (8), sample_description_index (4), then
  // default duration, size and flags (4 each), each present only when its flag is set.
  let at = tfhd.start + 8 + (flags & 0x01 ? 8 : 0) + (flags & 0x02 ? 4 : 0);
  const optional = (flag: number, fallback: number): number => {
    if (!(flags & flag)) return fallback;
    need(tfhd, at + 4 - tfhd.start, 'tfhd');
    const value = buf.readUInt32BE(at);
    at += 4;
    return value;
  };
  return {
    duration: optional(0x08, timing.defaultDuration),
    size: optional(0x10, timing.defaultSize),
    flags: optional(0x20, timing.defaultFlags),
  };
}

/** Reads one trun's samples, starting at `decodeTicks`; returns the decode time after them. */
function readTrun(
  buf: Buffer,
  trun: Box,
  trackId: number,
  timing: TrackTiming,
  defaults: FragmentDefaults,
  decodeTicks: number,
  out: FragmentSample[],
): number {
  // ffmpeg's mov muxer writes a trun's per-sample fields only where a sample differs from the
  // tfhd defaults, and first_sample_flags for a fragment opening on a keyframe
  // (mov_write_trun_tag in libavformat/movenc.c): the defaults carry most samples' flags.
  need(trun, 8, 'trun');
  const version = buf.readUInt8(trun.start);
  const flags = buf.readUInt32BE(trun.start) & 0xffffff;
  const count = buf.readUInt32BE(trun.start + 4);
  let at = trun.start + 8 + (flags & 0x01 ? 4 : 0);
  const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
  need(trun, at - trun.start + (flags & 0x04 ? 4 : 0) + count * stride, 'trun');
  const first = flags & 0x04 ? buf.readUInt32BE(at) : null;
  if (flags & 0x04) at += 4;
  let time = decodeTicks;
  for (let i = 0; i < count; i++) {
    let field = at + i * stride;
    const next = (flag: number): number | null => {
      if (!(flags & flag)) return null;
      field += 4;
      return field - 4;
    };
    const durationAt = next(0x100);
    const sizeAt = next(0x200);
    const flagsAt = next(0x400);
    const offsetAt = next(0x800);
    const duration = durationAt === null ? defaults.duration : buf.readUInt32BE(durationAt);
    // first_sample_flags overrides only the first sample; per-sample flags win over it when
    // both are present (14496-12 says they should not be; trust the sample's own).
    const sampleFlags =
      flagsAt !== null
        ? buf.readUInt32BE(flagsAt)
        : i === 0 && first !== null
          ? first
          : defaults.flags;
    out.push({
      trackId,
      video: timing.video,
      decodeTicks: time,
      timescale: timing.timescale,
      durationTicks: duration,
      size: sizeAt === null ? defaults.size : buf.readUInt32BE(sizeAt),
      // sample_is_non_sync_sample (14496-12, 8.8.3.1)
      sync: (sampleFlags & 0x10000) === 0,
      compositionOffset:
        offsetAt === null
          ? 0
          : version === 0
            ? buf.readUInt32BE(offsetAt)
            : buf.readInt32BE(offsetAt),
    });
    time += duration;
  }
  return time;
}

/**
 * Every sample of every track fragment of a segment, in file order, with the trun's values or
 * else the tfhd's or the init's (trex) defaults. Throws Fmp4Error for data that is not such a
 * segment (cut short, a track the init does not declare, a fragment without tfhd or tfdt).
 */
export function fragmentSamples(
  segment: Buffer,
  tracks: Map<number, TrackTiming>,
): FragmentSample[] {
  const samples: FragmentSample[] = [];
  for (const top of boxes(segment, 0, segment.length)) {
    if (top.type !== 'moof') continue;
    for (const traf of boxes(segment, top.start, top.end)) {
      if (traf.type !== 'traf') continue;
      const tfhd = child(segment, traf, 'tfhd');
      const tfdt = child(segment, traf, 'tfdt');
      if (!tfhd || !tfdt) throw new Fmp4Error('a track fragment without tfhd or tfdt');
      need(tfhd, 8, 'tfhd');
      need(tfdt, 8, 'tfdt');
      const wide = segment.readUInt8(tfdt.start) === 1;
      if (wide) need(tfdt, 12, 'tfdt');
      const trackId = segment.readUInt32BE(tfhd.start + 4);
      const timing = track(tracks, trackId);
      const defaults = fragmentDefaults(segment, tfhd, timing);
      let time = wide
        ? Number(segment.readBigUInt64BE(tfdt.start + 4))
        : segment.readUInt32BE(tfdt.start + 4);
      // Several truns in one traf follow each other in decode time.
      for (const trun of boxes(segment, traf.start, traf.end)) {
        if (trun.type !== 'trun') continue;
        time = readTrun(segment, trun, trackId, timing, defaults, time, samples);
      }
    }
  }
  return samples;
}
