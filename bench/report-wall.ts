// The camera wall's part of docs/benchmarks.md (see wall.ts for how it is measured).
import { BEHIND_SHARE, KEEP_UP_WINDOW_MS } from '../src/renderer/src/wall/keep-up';
import type { WallResults } from './wall';

/** The issue's bar: every tile advancing at 15 fps or more. */
export const WALL_GOAL_FPS = 15;

const pct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} %` : '—');
const mb = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : '—');
const fps = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

function p50(values: Array<number | null>): number {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return known[Math.max(0, Math.ceil(known.length / 2) - 1)] ?? NaN;
}

/** Vigil's own processes: the wall's renderer, the rest of Chromium, main and ffmpeg. */
const vigilCpu = (w: WallResults) =>
  w.renderer.cpu + w.chromium.gpuCpu + w.chromium.otherCpu + w.main.cpu + w.ffmpeg.cpu;

/** Met when every tile showed at least WALL_GOAL_FPS frames a second. */
export const wallMet = (w: WallResults): boolean => w.tilesAtGoal === w.cameras;

/** The row in the Goals table. */
export function wallGoalRow(w: WallResults | undefined): string {
  const goal = `4×4 wall of 16 640×360 cameras, every tile ≥ ${String(WALL_GOAL_FPS)} fps (2 cores)`;
  if (!w) return `| ${goal} | not measured | — |`;
  return `| ${goal} | ${String(w.tilesAtGoal)}/${String(w.cameras)} tiles, min ${fps(w.minFps)} fps | ${wallMet(w) ? '✅ met' : '❌ not met'} |`;
}

/**
 * The section: per-tile rates, each process's CPU and memory (the full wall, and the same grid
 * with 4 tiles when measured), and what stands in the way when the goal is not met.
 */
export function wallSection(w: WallResults, four?: WallResults): string[] {
  const runs = four ? [w, four] : [w];
  const row = (label: string, cell: (r: WallResults) => string) =>
    `| ${label} | ${runs.map(cell).join(' | ')} |`;
  const capacity = w.cores * 100;
  const lines = [
    `## Camera wall (4 × 4, cameras at ${w.cameraSize.replace('x', '×')} ${String(w.cameraFps)} fps, Vigil's real wall window)`,
    '',
    `A wall saved through the wall store and opened as the dashboard opens it, at ${String(w.viewport.width)} × ${String(w.viewport.height)}`,
    `(a wall on its own Full HD screen: tiles of about 480 × 270); every tile's presented frames counted with`,
    `\`requestVideoFrameCallback\` over ${String(w.windowS)} s, after every tile played and ${String(w.warmupS)} s more. CPU in % of one core`,
    `(this machine has ${String(capacity)} %) from /proc over the same window; memory at its end, as PSS (shared pages split`,
    'between the processes sharing them, so sums add up).',
    ...(four
      ? [
          'The second column is the same 4 × 4 grid with 4 cameras (12 cells empty): the same tile size, with room on the CPU.',
        ]
      : []),
    '',
    `| | ${runs.map((r) => `${String(r.cameras)} tiles`).join(' | ')} |`,
    `| --- |${runs.map(() => ' --- |').join('')}`,
    row(
      `tiles at ≥ ${String(WALL_GOAL_FPS)} fps`,
      (r) => `${String(r.tilesAtGoal)} of ${String(r.cameras)}`,
    ),
    row('frames shown per tile, min / p50', (r) => `${fps(r.minFps)} / ${fps(r.p50Fps)} fps`),
    row(
      'frames Chromium decoded / dropped per tile, p50',
      (r) => `${fps(p50(r.decodedFps))} / ${fps(p50(r.droppedFps))} fps`,
    ),
    row('frames the page drew per second (requestAnimationFrame, just after)', (r) =>
      fps(r.pageFps),
    ),
    row('tiles showing a face (reconnecting, stalled) at the end', (r) => String(r.tilesWithFace)),
    row('the wall’s keep-up notice at the end', (r) =>
      r.notice === null ? 'none' : `“${r.notice}”`,
    ),
    row(
      'wall renderer CPU (Chromium’s own count)',
      (r) => `${pct(r.renderer.cpu)} (${pct(r.renderer.cdpCpu)})`,
    ),
    row(
      'wall renderer memory',
      (r) =>
        `${mb(r.renderer.pssMb)} PSS (${mb(r.renderer.rssMb)} RSS), ${mb(r.renderer.jsHeapMb)} JS heap`,
    ),
    row('Chromium’s GPU process CPU (compositing, in software here)', (r) =>
      pct(r.chromium.gpuCpu),
    ),
    row('Chromium’s other processes CPU (browser, dashboard, utilities)', (r) =>
      pct(r.chromium.otherCpu),
    ),
    row('all other Chromium processes’ memory', (r) => `${mb(r.chromium.pssMb)} PSS`),
    row(
      'main: this Node process (the services, the stream server, and the harness’s Playwright client)',
      (r) => `${pct(r.main.cpu)}, ${mb(r.main.rssMb)} RSS, ${mb(r.main.heapMb)} heap`,
    ),
    row(
      'ffmpeg, all sessions together',
      (r) =>
        `${pct(r.ffmpeg.cpu)}, ${mb(r.ffmpeg.pssMb)} PSS (${String(r.ffmpeg.processes)} processes)`,
    ),
    row('Vigil’s own processes together (all of the above)', (r) => pct(vigilCpu(r))),
    row('the fake cameras’ encoders (the rig)', (r) => pct(r.camerasCpu)),
    row('everything else on the machine', (r) => pct(r.othersCpu)),
    row('whole machine (% of all cores)', (r) => pct(r.machineCpu)),
    '',
  ];
  if (wallMet(w)) {
    lines.push(
      `Every tile showed ${String(WALL_GOAL_FPS)} fps or more; Vigil's own processes used ${pct(vigilCpu(w))} of a core.`,
      '',
    );
    return lines;
  }
  const decoded = p50(w.decodedFps);
  const where =
    decoded >= 0.9 * w.cameraFps
      ? `Chromium decodes nearly every frame (p50 ${fps(decoded)} of ${String(w.cameraFps)} fps per tile) but shows ${fps(w.p50Fps)}: frames are lost after decoding, while they wait for the CPU to draw them.`
      : `Chromium decodes only ${fps(decoded)} of ${String(w.cameraFps)} fps per tile (p50) and shows ${fps(w.p50Fps)}: decoding itself falls behind, for want of CPU time (the renderer used ${pct(w.renderer.cpu)} of a core, far from all of it).`;
  lines.push(
    '### What stands in the way',
    '',
    `- **The CPU.** The machine was ${pct(w.machineCpu)} busy. ${where}`,
    `- **Where it went** (% of one core, of ${String(capacity)} %): the wall renderer ${pct(w.renderer.cpu)} (16 software H.264 decoders,`,
    `  the page, each frame made into pixels), Chromium's GPU process ${pct(w.chromium.gpuCpu)} and its other processes ${pct(w.chromium.otherCpu)},`,
    `  main ${pct(w.main.cpu)}, ffmpeg ${pct(w.ffmpeg.cpu)}: Vigil's own processes ${pct(vigilCpu(w))}. The 16 fake cameras encode on the same`,
    `  machine (${pct(w.camerasCpu)}; at a real site the cameras encode and this computer only receives); everything else ${pct(w.othersCpu)}.`,
  );
  if (four && p50(four.decodedFps) >= 0.9 * four.cameraFps && four.p50Fps < 0.9 * four.cameraFps) {
    lines.push(
      `- **A ceiling besides the CPU.** With 4 tiles (machine ${pct(four.machineCpu)} busy) Chromium decoded p50 ${fps(p50(four.decodedFps))} fps`,
      `  per tile, yet the page drew ${fps(four.pageFps)} frames a second and each tile showed p50 ${fps(four.p50Fps)}: this Chromium's compositor,`,
      '  not the decoder, sets how many of the decoded frames reach the screen.',
    );
  }
  if (four && wallMet(four)) {
    // Renderer and compositor work grows with the frames shown; main and ffmpeg with the streams.
    const perTile = (four.renderer.cpu + four.chromium.gpuCpu) / four.cameras;
    const perStream = (four.main.cpu + four.ffmpeg.cpu) / four.cameras;
    const need = w.cameras * (perTile + perStream) + four.chromium.otherCpu;
    lines.push(
      `- **What 16 full-rate tiles would take.** With 4 tiles on the same grid every tile played (p50 ${fps(four.p50Fps)} fps) and`,
      `  each cost ${pct(perTile)} of a core in the renderer and the GPU process, ${pct(perStream)} in main and ffmpeg. Sixteen such`,
      `  tiles come to about ${pct(need)} with Chromium's other processes: ${need > capacity ? `more than the ${String(capacity)} % this machine has, even without the cameras` : `within the ${String(capacity)} % this machine has once the cameras' ${pct(w.camerasCpu)} is not on it`}`,
      '  (arithmetic from the measured per-tile cost, not a measurement of its own).',
    );
  }
  lines.push(
    '- **This Chromium draws without a GPU** (`--disable-gpu`, headless): compositing and the colour conversion of every',
    '  frame are done in software. Electron on a desktop with a GPU composites there instead.',
    `- **The wall says so**: a tile under ${String(BEHIND_SHARE * 100)} % of its stream's rate for ${String(KEEP_UP_WINDOW_MS / 1000)} s brings up the keep-up notice in the`,
    `  wall's bar${w.notice === null ? ' (none was up at the end of this window)' : ' (above, as it read at the end of the window)'}.`,
    '',
  );
  return lines;
}
