// What reached the display: strips of the X screen grabbed by ffmpeg (x11grab) at 100 pictures a
// second, and for each tile the distinct pictures of its part of a strip counted. The wall bench
// grabs a row of tiles at the height of the SMPTE bars' noise patch (bottom right of each
// picture, different in every frame), so a tile's count is its frames on screen, independent of
// what the page reports. A grab that lands while a frame is being drawn can count one picture
// more (measured with 4 tiles: 25.8 a second for 25 frames). Grabbing every row of a 16-tile wall
// during its measuring window took 15 % of a core more, and that run's tiles showed p50 2 fps
// (22–23 in the clean runs without it): the bench grabs one row, after the window.
import { spawn } from 'node:child_process';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const GRAB_FPS = 100;

/** One row of tiles: the strip to grab, and each tile's part of it (x in screen pixels). */
export interface ScreenRow {
  y: number;
  height: number;
  tiles: Array<{ x: number; width: number }>;
}

export interface ScreenCount {
  /** The grabbers (ffmpeg), for the CPU accounting. */
  pids: number[];
  /** Per tile, in the rows' order: distinct pictures per second; and grabs per second, per row. */
  result: Promise<{ fps: number[]; grabbedFps: number[] }>;
}

function grabRow(display: string, row: ScreenRow, ms: number) {
  const x0 = Math.min(...row.tiles.map((t) => t.x));
  const width = Math.max(...row.tiles.map((t) => t.x + t.width)) - x0;
  const ffmpeg = spawn(
    FFMPEG,
    [
      ...['-v', 'error', '-f', 'x11grab', '-draw_mouse', '0', '-framerate', String(GRAB_FPS)],
      ...['-video_size', `${String(width)}x${String(row.height)}`],
      ...['-i', `${display}+${String(x0)},${String(row.y)}`, '-t', String(ms / 1000)],
      // passthrough: one output picture per grab (the default would duplicate to a constant rate).
      ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const size = width * row.height; // gray: one byte a pixel
  const last: Array<Buffer | undefined> = row.tiles.map(() => undefined);
  const changes = row.tiles.map(() => -1); // the first grab is a change from nothing
  let pending = Buffer.alloc(0);
  let grabbed = 0;
  let first: number | null = null;
  let stderr = '';
  ffmpeg.stdout.on('data', (chunk: Buffer) => {
    first ??= Date.now();
    pending = Buffer.concat([pending, chunk]);
    for (; pending.length >= size; pending = pending.subarray(size), grabbed++) {
      row.tiles.forEach((tile, i) => {
        const picture = Buffer.concat(
          Array.from({ length: row.height }, (_, y) =>
            pending.subarray(y * width + tile.x - x0, y * width + tile.x - x0 + tile.width),
          ),
        );
        if (!last[i]?.equals(picture)) changes[i] = (changes[i] ?? 0) + 1;
        last[i] = picture;
      });
    }
  });
  ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const result = new Promise<{ fps: number[]; grabbedFps: number }>((resolve, reject) => {
    ffmpeg.once('error', reject);
    ffmpeg.once('exit', (code) => {
      const seconds = first === null ? 0 : (Date.now() - first) / 1000;
      if (code !== 0 || seconds <= 0 || grabbed < 2)
        reject(new Error(`x11grab ended with ${String(code)}: ${stderr.trim()}`));
      else resolve({ fps: changes.map((c) => c / seconds), grabbedFps: grabbed / seconds });
    });
  });
  return { pid: ffmpeg.pid ?? -1, result };
}

/** Grabs every row for `ms` at once (one ffmpeg per row) and counts each tile's changes. */
export function countOnScreen(display: string, rows: ScreenRow[], ms: number): ScreenCount {
  const grabs = rows.map((row) => grabRow(display, row, ms));
  return {
    pids: grabs.map((g) => g.pid),
    result: Promise.all(grabs.map((g) => g.result)).then((done) => ({
      fps: done.flatMap((d) => d.fps),
      grabbedFps: done.map((d) => d.grabbedFps),
    })),
  };
}
