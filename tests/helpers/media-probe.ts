import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ProbedFile {
  durationSec: number;
  startSec: number;
  streams: Array<{
    codec_type: string;
    codec_name: string;
    profile?: string;
    width?: number;
    height?: number;
    /** Seconds, as ffprobe prints it. */
    duration?: string;
  }>;
}

/** ffprobe's view of a media file (or a live RTSP URL): its duration, start and streams. */
export async function probeMedia(target: string, input: string[] = []): Promise<ProbedFile> {
  const { stdout } = await execFileAsync('ffprobe', [
    '-v',
    'error',
    ...input,
    '-show_format',
    '-show_streams',
    '-of',
    'json',
    target,
  ]);
  const parsed = JSON.parse(stdout) as {
    format: { duration?: string; start_time?: string };
    streams: ProbedFile['streams'];
  };
  return {
    durationSec: Number(parsed.format.duration),
    startSec: Number(parsed.format.start_time),
    streams: parsed.streams,
  };
}

/** Decodes the whole file; resolves with what ffmpeg complained about (empty when clean). */
export async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await execFileAsync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return stderr.trim();
}

/** Per stream: how often a packet's decode time went backwards, and the largest gap (s). */
export async function packetTimeline(
  file: string,
): Promise<Array<{ backwards: number; largestGapSec: number }>> {
  const { stdout } = await execFileAsync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=stream_index,dts_time', '-of', 'csv=p=0', file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const last = new Map<number, number>();
  const result: Array<{ backwards: number; largestGapSec: number }> = [];
  for (const line of stdout.split('\n')) {
    const [index, dts] = line.split(',').map(Number);
    if (index === undefined || dts === undefined || !Number.isFinite(dts)) continue;
    const stats = (result[index] ??= { backwards: 0, largestGapSec: 0 });
    const previous = last.get(index);
    if (previous !== undefined) {
      if (dts < previous) stats.backwards++;
      stats.largestGapSec = Math.max(stats.largestGapSec, dts - previous);
    }
    last.set(index, dts);
  }
  return result;
}
