import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

/** Checks a playlist is a live HLS media playlist and returns its finished segment names. */
export function parsePlaylist(text: string): {
  segments: string[];
  targetDuration: number;
  map: string | null;
} {
  if (!text.startsWith('#EXTM3U')) throw new Error('playlist does not start with #EXTM3U');
  const target = /#EXT-X-TARGETDURATION:(\d+)/.exec(text);
  if (!target?.[1]) throw new Error('playlist has no #EXT-X-TARGETDURATION');
  const lines = text.split('\n');
  const segments: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXTINF:')) return;
    const next = lines.slice(i + 1).find((l) => l && !l.startsWith('#'));
    if (next) segments.push(next.trim());
  });
  return {
    segments,
    targetDuration: Number(target[1]),
    map: /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1] ?? null,
  };
}

/** Decodes init + the first listed segment with ffprobe; returns its streams. */
export async function probeFirstSegment(
  read: (name: string) => Promise<Buffer>,
): Promise<ProbedStream[]> {
  const playlist = parsePlaylist((await read('index.m3u8')).toString('utf8'));
  const first = playlist.segments[0];
  if (!first || !playlist.map) throw new Error('no finished segment or init map in the playlist');
  const dir = await mkdtemp(join(tmpdir(), 'vigil-probe-'));
  try {
    const file = join(dir, 'first.mp4');
    await writeFile(file, Buffer.concat([await read(playlist.map), await read(first)]));
    const { stdout } = await execFileAsync('ffprobe', [
      '-v',
      'error',
      '-show_streams',
      '-count_frames',
      '-of',
      'json',
      file,
    ]);
    const parsed = JSON.parse(stdout) as {
      streams: Array<ProbedStream & { nb_read_frames?: string }>;
    };
    for (const s of parsed.streams) {
      if (s.codec_type === 'video' && !(Number(s.nb_read_frames) > 0)) {
        throw new Error('the first segment has a video stream but no decodable frame');
      }
    }
    return parsed.streams;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads a file of a session directory. */
export function fromDir(dir: string): (name: string) => Promise<Buffer> {
  return (name) => readFile(join(dir, name));
}
