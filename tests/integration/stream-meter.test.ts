import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StreamMeter, type StreamMeterReading } from '../../src/main/services/health/stream-meter';
import { hasKeyframe, parseInit, type TrackTiming } from '../../src/main/services/recording/fmp4';
import {
  fragmentSamples,
  type FragmentSample,
} from '../../src/main/services/recording/fmp4-samples';
import { INIT_NAME } from '../../src/main/services/streaming/ffmpeg-args';
import { PLAYLIST_NAME } from '../../src/shared/streams';

const execFileAsync = promisify(execFile);
const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';

/** A listed segment and where it lies in its run, from the playlist's EXTINF lines. */
interface Listed {
  name: string;
  startSec: number;
  sec: number;
}

/**
 * Vigil's kind of HLS (the flags of hlsOutput in ffmpeg-args.ts: 0.25 s fMP4 segments cut by
 * time, skip_sidx, temp_file, program_date_time) of a 25 fps test picture with AAC audio, all
 * segments kept listed. Written offline: the meter reads files, not time.
 */
async function encode(
  dir: string,
  o: { gop: number; bFrames: number; seconds: number; movflags?: string },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await execFileAsync(FFMPEG, [
    ...['-hide_banner', '-loglevel', 'error'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(o.seconds), '-map', '0:v', '-map', '1:a'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-threads', '1'],
    ...['-g', String(o.gop), '-keyint_min', String(o.gop), '-sc_threshold', '0'],
    ...['-bf', String(o.bFrames), '-c:a', 'aac', '-b:a', '64k'],
    ...['-f', 'hls', '-hls_time', '0.25', '-hls_list_size', '0', '-hls_segment_type', 'fmp4'],
    ...['-hls_fmp4_init_filename', INIT_NAME],
    ...['-hls_segment_options', `movflags=+skip_sidx${o.movflags ?? ''}`],
    ...['-hls_flags', 'delete_segments+temp_file+split_by_time+program_date_time'],
    ...['-hls_segment_filename', join(dir, 'seg-%d.m4s'), join(dir, PLAYLIST_NAME)],
  ]);
}

async function listing(dir: string): Promise<Listed[]> {
  const lines = (await readFile(join(dir, PLAYLIST_NAME), 'utf8')).split('\n');
  const out: Listed[] = [];
  let at = 0;
  lines.forEach((line, i) => {
    const extinf = /^#EXTINF:([\d.]+),/.exec(line);
    const name = lines.slice(i + 1).find((l) => l && !l.startsWith('#'));
    if (!extinf?.[1] || !name) return;
    out.push({ name, startSec: at, sec: Number(extinf[1]) });
    at += Number(extinf[1]);
  });
  return out;
}

const totalSec = (segments: Listed[]) => segments.reduce((sum, s) => sum + s.sec, 0);

async function totalBytes(dir: string, segments: Listed[]): Promise<number> {
  const sizes = await Promise.all(segments.map(async (s) => (await stat(join(dir, s.name))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * Copies `from`'s init and these segments into `dir` and lists them there, in this order; a
 * segment with `source` is copied from that file of `from` under its own name.
 */
async function stage(
  from: string,
  segments: Array<Listed & { source?: string }>,
  dir: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(join(from, INIT_NAME), join(dir, INIT_NAME));
  for (const s of segments) await copyFile(join(from, s.source ?? s.name), join(dir, s.name));
  await writePlaylist(dir, segments);
}

async function writePlaylist(dir: string, segments: Listed[]): Promise<void> {
  const head = `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MAP:URI="${INIT_NAME}"\n`;
  const body = segments.map((s) => `#EXTINF:${s.sec.toFixed(6)},\n${s.name}\n`).join('');
  await writeFile(join(dir, PLAYLIST_NAME), head + body);
}

async function measure(dir: string, windowSec?: number): Promise<StreamMeterReading> {
  const meter = new StreamMeter({ dir, windowSec });
  await meter.sample();
  return meter.reading();
}

async function initTracks(dir: string): Promise<Map<number, TrackTiming>> {
  return parseInit(await readFile(join(dir, INIT_NAME))).tracks;
}

/** The leading segments of a listing up to (not including) the one holding its 2nd keyframe. */
async function untilSecondKeyframe(dir: string, list: Listed[]): Promise<Listed[]> {
  const tracks = await initTracks(dir);
  for (let i = 1; i < list.length; i++) {
    const segment = list[i];
    if (segment && hasKeyframe(await readFile(join(dir, segment.name)), tracks))
      return list.slice(0, i);
  }
  throw new Error('no second keyframe');
}

let root: string;
/** 10 s, keyframe every 100 frames (4 s), 2 B-frames. */
let caseA: string;
/** 10 s, keyframe every 25 frames (1 s), no B-frames. */
let caseB: string;
let listA: Listed[];
let listB: Listed[];
let scratch: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-meter-'));
  caseA = join(root, 'a');
  caseB = join(root, 'b');
  await Promise.all([
    encode(caseA, { gop: 100, bFrames: 2, seconds: 10 }),
    encode(caseB, { gop: 25, bFrames: 0, seconds: 10 }),
  ]);
  [listA, listB] = await Promise.all([listing(caseA), listing(caseB)]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  scratch = await mkdtemp(join(root, 'scratch-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('fragmentSamples on ffmpeg’s fMP4 fragments', () => {
  async function allSamples(dir: string, list: Listed[]): Promise<FragmentSample[][]> {
    const tracks = await initTracks(dir);
    return Promise.all(
      list.map(async (s) => fragmentSamples(await readFile(join(dir, s.name)), tracks)),
    );
  }

  it('marks exactly every 25th video sample of a 1 s GOP clip as sync (tfhd default flags, first_sample_flags)', async () => {
    const video = (await allSamples(caseB, listB)).flat().filter((s) => s.video);
    expect(video).toHaveLength(250);
    const sync = video.flatMap((s, i) => (s.sync ? [i] : []));
    expect(sync).toEqual(Array.from({ length: 10 }, (_, k) => k * 25));
  });

  it('runs decode times on from tfdt by each duration and sizes fill each mdat exactly', async () => {
    const perSegment = await allSamples(caseB, listB);
    const next = new Map<number, number>();
    for (const [i, samples] of perSegment.entries()) {
      for (const s of samples) {
        // Each track's samples follow each other, across segments too.
        expect(s.decodeTicks).toBe(next.get(s.trackId) ?? 0);
        next.set(s.trackId, s.decodeTicks + s.durationTicks);
        // 25 fps video; AAC frames are all sync samples.
        if (s.video) expect(s.durationTicks).toBe(s.timescale / 25);
        else expect(s.sync).toBe(true);
      }
      // The mdat's payload length, read without the code under test.
      const data = await readFile(join(caseB, listB[i]?.name ?? ''));
      let at = 0;
      let mdat = -1;
      while (at + 8 <= data.length) {
        const size = data.readUInt32BE(at);
        if (data.toString('latin1', at + 4, at + 8) === 'mdat') mdat = size - 8;
        at += size;
      }
      expect(samples.reduce((sum, s) => sum + s.size, 0)).toBe(mdat);
    }
  });

  it('reads a version 1 trun’s composition offsets as signed (movflags negative_cts_offsets)', async () => {
    const dir = join(scratch, 'neg');
    await encode(dir, { gop: 25, bFrames: 2, seconds: 2, movflags: '+negative_cts_offsets' });
    const video = (await allSamples(dir, await listing(dir))).flat().filter((s) => s.video);
    expect(video.some((s) => s.compositionOffset < 0)).toBe(true);
    // Every frame is presented once, 1/25 s after the one before.
    const pts = video.map((s) => s.decodeTicks + s.compositionOffset).sort((a, b) => a - b);
    const frame = (video[0]?.timescale ?? 0) / 25;
    expect(pts.slice(1).map((p, i) => p - (pts[i] ?? 0))).toEqual(pts.slice(1).map(() => frame));
  });

  it('falls back to the tfhd’s defaults, then the init’s trex defaults (hand-built fragment)', () => {
    const box = (type: string, ...parts: Buffer[]): Buffer => {
      const body = Buffer.concat(parts);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(8 + body.length, 0);
      head.write(type, 4, 'latin1');
      return Buffer.concat([head, body]);
    };
    const u32 = (...values: number[]): Buffer => {
      const b = Buffer.alloc(4 * values.length);
      values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
      return b;
    };
    const NON_SYNC = 0x10000;
    const fragment = Buffer.concat([
      box(
        'moof',
        box(
          'traf',
          box('tfhd', u32(0, 1)), // no defaults: the trex's
          box('tfdt', u32(0, 1000)),
          box('trun', u32(0x004, 3, 0)), // first_sample_flags only: a sync first sample
        ),
        box(
          'traf',
          box('tfhd', u32(0x38, 2, 1800, 50, 0)), // duration, size and (sync) flags
          box('tfdt', u32(0, 7)),
          box('trun', u32(0, 2)),
        ),
      ),
      box('mdat', Buffer.alloc(400)),
    ]);
    const timing = (video: boolean): TrackTiming => ({
      timescale: 90_000,
      editSec: 0,
      defaultDuration: 3600,
      defaultSize: 100,
      defaultFlags: NON_SYNC,
      video,
    });
    const tracks = new Map([
      [1, timing(true)],
      [2, timing(false)],
    ]);
    const picked = fragmentSamples(fragment, tracks).map((s) => [
      s.trackId,
      s.decodeTicks,
      s.durationTicks,
      s.size,
      s.sync,
    ]);
    expect(picked).toEqual([
      [1, 1000, 3600, 100, true],
      [1, 4600, 3600, 100, false],
      [1, 8200, 3600, 100, false],
      [2, 7, 1800, 50, true],
      [2, 1807, 1800, 50, true],
    ]);
  });
});

describe('StreamMeter over a session folder', () => {
  it('case A (4 s GOP, 2 B-frames, 25 fps): gopSec 4.0, bFrames true, fps 25, bitrate of the segment files', async () => {
    const r = await measure(caseA);
    expect(r.gopSec).toBeGreaterThan(3.9);
    expect(r.gopSec).toBeLessThan(4.1);
    expect(r.gopAtLeast).toBe(false);
    expect(r.bFrames).toBe(true);
    expect(Math.abs((r.fps ?? 0) - 25)).toBeLessThan(0.5);
    const expected = ((await totalBytes(caseA, listA)) * 8) / totalSec(listA);
    expect(Math.abs((r.bitrate ?? 0) / expected - 1)).toBeLessThan(0.1);
    expect(Math.abs(r.measuredSec - totalSec(listA))).toBeLessThan(0.2);
  });

  it('case B (1 s GOP, no B-frames): gopSec 1.0, bFrames false, fps 25, bitrate of the segment files', async () => {
    const r = await measure(caseB);
    expect(Math.abs((r.gopSec ?? 0) - 1)).toBeLessThan(0.05);
    expect(r.gopAtLeast).toBe(false);
    expect(r.bFrames).toBe(false);
    expect(Math.abs((r.fps ?? 0) - 25)).toBeLessThan(0.5);
    const expected = ((await totalBytes(caseB, listB)) * 8) / totalSec(listB);
    expect(Math.abs((r.bitrate ?? 0) / expected - 1)).toBeLessThan(0.1);
  });

  it('an empty folder: every figure null, nothing measured', async () => {
    expect(await measure(scratch)).toEqual({
      fps: null,
      gopSec: null,
      gopAtLeast: false,
      bFrames: null,
      bitrate: null,
      measuredSec: 0,
    });
  });

  it('only the first 2 s of case A (one keyframe): the GOP is at least the ~2 s seen', async () => {
    const firstTwo = listA.filter((s) => s.startSec < 1.9);
    await stage(caseA, firstTwo, scratch);
    const r = await measure(scratch);
    expect(r.gopAtLeast).toBe(true);
    expect(Math.abs((r.gopSec ?? 0) - 2)).toBeLessThan(0.3);
    expect(Math.abs((r.gopSec ?? 0) - totalSec(firstTwo))).toBeLessThan(0.1);
  });

  it('reads each segment once: sampling again (or twice at once) adds only newly listed ones', async () => {
    const half = listB.slice(0, 20);
    await stage(caseB, half, scratch);
    const meter = new StreamMeter({ dir: scratch });
    await Promise.all([meter.sample(), meter.sample()]);
    await meter.sample();
    expect(Math.abs(meter.reading().measuredSec - totalSec(half))).toBeLessThan(0.1);
    await stage(caseB, listB, scratch);
    await meter.sample();
    const r = meter.reading();
    expect(Math.abs(r.measuredSec - totalSec(listB))).toBeLessThan(0.1);
    expect(Math.abs((r.gopSec ?? 0) - 1)).toBeLessThan(0.05);
  });

  it('covers only the last windowSec of video', async () => {
    const r = await measure(caseB, 3);
    expect(r.measuredSec).toBeGreaterThanOrEqual(3);
    expect(r.measuredSec).toBeLessThan(3.5);
    expect(Math.abs((r.fps ?? 0) - 25)).toBeLessThan(0.5);
  });

  it('the GOP follows the window: a camera whose GOP changed reads the new one', async () => {
    // Run 1: case B (1 s GOP, nine intervals); run 2: case A (4 s GOP, two intervals).
    await stage(caseB, listB, scratch);
    const meter = new StreamMeter({ dir: scratch, windowSec: 9 });
    await meter.sample();
    await stage(caseA, listA, scratch);
    await meter.sample();
    const r = meter.reading();
    expect(Math.abs((r.gopSec ?? 0) - 4)).toBeLessThan(0.1);
    expect(r.gopAtLeast).toBe(false);
  });

  it('a GOP longer than the window still shows its last measured interval', async () => {
    const firstSix = listA.filter((s) => s.startSec < 6); // keyframes at 0 and 4 s
    await stage(caseA, firstSix, scratch);
    const r = await measure(scratch, 1.5);
    expect(Math.abs((r.gopSec ?? 0) - 4)).toBeLessThan(0.1);
    expect(r.gopAtLeast).toBe(false);
  });

  it('a replaced init starts a new run: no keyframe interval spans the two runs', async () => {
    // Run 1: case B up to its second keyframe (one keyframe, at 0).
    const run1 = await untilSecondKeyframe(caseB, listB);
    await stage(caseB, run1, scratch);
    const meter = new StreamMeter({ dir: scratch });
    await meter.sample();
    // Run 2: case A's init and its segments from where run 1 ended, past A's keyframe at 4 s.
    // Numbers and decode times continue run 1's, so only the init tells the runs apart; one
    // interval across them would read 4 s (A's keyframe minus B's).
    const run2 = listA.slice(run1.length).filter((s) => s.startSec < 4.5);
    expect(run2[0]?.startSec).toBeCloseTo(totalSec(run1), 2);
    await stage(caseA, run2, scratch);
    await meter.sample();
    const r = meter.reading();
    expect(r.gopAtLeast).toBe(true);
    expect(r.gopSec).toBeLessThan(1.5);
    expect(Math.abs(r.measuredSec - totalSec(run1) - totalSec(run2))).toBeLessThan(0.1);
  });

  it('a new run’s segments are read under the names the last run used', async () => {
    const run1 = await untilSecondKeyframe(caseB, listB);
    await stage(caseB, run1, scratch);
    const meter = new StreamMeter({ dir: scratch });
    await meter.sample();
    const run2 = listA.filter((s) => s.startSec < 1.9); // seg-0… again, case A's init
    await stage(caseA, run2, scratch);
    await meter.sample();
    const r = meter.reading();
    expect(Math.abs(r.measuredSec - totalSec(run1) - totalSec(run2))).toBeLessThan(0.1);
    expect(r.gopAtLeast).toBe(true);
    expect(Math.abs((r.gopSec ?? 0) - totalSec(run2))).toBeLessThan(0.1);
  });

  it('a new run with an identical init is told by the folder emptied in between', async () => {
    // The new run has already written more segments than the last one had: only the emptied
    // folder (the stream service empties it between runs) says these are new.
    const run1 = listB.slice(0, 4);
    const run2 = listB.slice(0, 8);
    await stage(caseB, run1, scratch);
    const meter = new StreamMeter({ dir: scratch });
    await meter.sample();
    for (const name of await readdir(scratch)) await rm(join(scratch, name));
    await meter.sample();
    await stage(caseB, run2, scratch);
    await meter.sample();
    const measured = meter.reading().measuredSec;
    expect(Math.abs(measured - totalSec(run1) - totalSec(run2))).toBeLessThan(0.1);
  });

  it('a new run with an identical init is told by segment numbers going down', async () => {
    // The meter missed the emptied folder; the playlist now lists lower numbers than it read.
    const run1 = listB.slice(0, 8);
    const run2 = listB.slice(0, 4);
    await stage(caseB, run1, scratch);
    const meter = new StreamMeter({ dir: scratch });
    await meter.sample();
    await stage(caseB, run2, scratch);
    await meter.sample();
    const measured = meter.reading().measuredSec;
    expect(Math.abs(measured - totalSec(run1) - totalSec(run2))).toBeLessThan(0.1);
  });

  it('a deleted segment holding a keyframe: no double-length interval across the hole', async () => {
    const listed = listB.filter((s) => s.startSec < 2.4); // keyframes at 0, 1 and 2 s
    await stage(caseB, listed, scratch);
    const beforeHole = await untilSecondKeyframe(caseB, listed);
    const hole = listed[beforeHole.length];
    if (!hole) throw new Error('no segment with the second keyframe');
    await rm(join(scratch, hole.name)); // ffmpeg deleted it before the meter came
    const r = await measure(scratch);
    expect(r.gopAtLeast).toBe(true);
    expect(r.gopSec).toBeLessThan(1.5);
    expect(Math.abs(r.measuredSec - totalSec(listed) + hole.sec)).toBeLessThan(0.1);
  });

  it('a timestamp jump inside a run: no keyframe interval measured across it', async () => {
    // One run whose numbers run on while its decode times leap from ~1 s to 6 s (a camera
    // resetting its clock): an interval across the leap would read 6 s.
    const before = await untilSecondKeyframe(caseB, listB);
    const tracks = await initTracks(caseB);
    let at = listB.findIndex((s) => s.startSec > 5.5);
    while (!hasKeyframe(await readFile(join(caseB, listB[at]?.name ?? '')), tracks)) at++;
    const after = listB.slice(at, at + 3); // from the segment holding the keyframe at 6 s
    const renamed = after.map((s, i) => ({
      ...s,
      name: `seg-${String(before.length + i)}.m4s`,
      source: s.name,
    }));
    await stage(caseB, [...before, ...renamed], scratch);
    const r = await measure(scratch);
    expect(r.gopAtLeast).toBe(true);
    expect(r.gopSec).toBeLessThan(1.5);
  });

  it('skips a truncated or foreign segment without throwing', async () => {
    const listed = listB.slice(0, 8);
    await stage(caseB, listed, scratch);
    const [cut, foreign] = [listed[3], listed[5]];
    if (!cut || !foreign) throw new Error('too few segments');
    const whole = await readFile(join(scratch, cut.name));
    await writeFile(join(scratch, cut.name), whole.subarray(0, whole.length >> 1));
    await writeFile(join(scratch, foreign.name), 'not an mp4 at all\n');
    const r = await measure(scratch);
    expect(Math.abs(r.measuredSec - (totalSec(listed) - cut.sec - foreign.sec))).toBeLessThan(0.1);
    expect(Math.abs((r.fps ?? 0) - 25)).toBeLessThan(0.5);
  });

  it('an init cut short measures nothing, and is read once whole', async () => {
    const listed = listB.slice(0, 8);
    await stage(caseB, listed, scratch);
    const init = await readFile(join(scratch, INIT_NAME));
    await writeFile(join(scratch, INIT_NAME), init.subarray(0, 200));
    const meter = new StreamMeter({ dir: scratch });
    await meter.sample();
    expect(meter.reading().measuredSec).toBe(0);
    await writeFile(join(scratch, INIT_NAME), init);
    await meter.sample();
    expect(Math.abs(meter.reading().measuredSec - totalSec(listed))).toBeLessThan(0.1);
  });
});
