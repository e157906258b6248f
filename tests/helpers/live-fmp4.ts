import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FPS = 25;
export const GOP = 25;
export const SECONDS = 3;
/** Frames the fixture holds: one video fragment each. */
export const FRAMES = FPS * SECONDS;

export interface LiveFixtureOptions {
  /** ffmpeg's fragmenting: one fragment per packet (the brief's) or `-frag_duration 1` (core's). */
  fragmenting?: 'every-frame' | 'duration-1';
  /** Leave out the video (an audio-only camera). */
  audioOnly?: boolean;
}

/**
 * Real fragmented MP4 as ffmpeg 5.1 writes it to a pipe, in memory: lavfi testsrc encoded with
 * libx264 (2 B-frames, a keyframe every 25 frames exactly) and an AAC sine track, both in the
 * one stream, fragmented for a live pipe (empty_moov, default_base_moof).
 */
export async function liveFmp4(options: LiveFixtureOptions = {}): Promise<Buffer> {
  const video = options.audioOnly
    ? []
    : ['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=${String(FPS)}`];
  const fragmenting =
    options.fragmenting === 'duration-1'
      ? ['-movflags', '+empty_moov+default_base_moof', '-frag_duration', '1']
      : ['-movflags', '+empty_moov+default_base_moof+frag_every_frame'];
  const { stdout } = await run(
    '/usr/bin/ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      ...video,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(SECONDS),
      ...(options.audioOnly
        ? []
        : [
            '-map',
            '0:v',
            '-map',
            '1:a',
            '-c:v',
            'libx264',
            '-preset',
            'ultrafast',
            '-bf',
            '2',
            '-g',
            String(GOP),
            '-keyint_min',
            String(GOP),
            '-sc_threshold',
            '0',
          ]),
      '-c:a',
      'aac',
      '-f',
      'mp4',
      ...fragmenting,
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** The top-level boxes of an MP4 buffer: type, start and end (32- and 64-bit sizes). */
export function topBoxes(buf: Buffer): Array<{ type: string; start: number; end: number }> {
  const out: Array<{ type: string; start: number; end: number }> = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, end: at + size });
    at += size;
  }
  return out;
}

/** A deterministic random generator (mulberry32), so a failing split can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The buffer cut into chunks of 1..maxChunk bytes at random places. */
export function randomChunks(buf: Buffer, seed: number, maxChunk = 4096): Buffer[] {
  const random = seeded(seed);
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length;) {
    // Many tiny chunks too: headers split anywhere.
    const size = 1 + Math.floor(random() * (random() < 0.3 ? 16 : maxChunk));
    chunks.push(buf.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
