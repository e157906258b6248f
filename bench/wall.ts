// The camera wall's cost (issue 12 §4): 16 cameras on a 4 × 4 wall in Vigil's real wall window
// (the e2e harness: the real services and ffmpeg in this process, the built renderer in Debian
// Chromium), every tile's presented frames counted, and what each process spent meanwhile.
import { cpus } from 'node:os';
import type { Page } from 'playwright-core';
import { startApp } from '../tests/e2e/harness';
import type { FakeCamera } from '../tests/fixtures/fake-camera';
import {
  CLK_TCK,
  commandLine,
  cpuTicks,
  descendants,
  machineTicks,
  parentOf,
  pssMb,
  rssMb,
} from './proc';
import { WALL_GOAL_FPS } from './report-wall';

/** A wall on its own Full HD screen, fullscreen: 16 tiles of 480 × 270 (smaller than 640 × 360). */
export const WALL_VIEWPORT = { width: 1920, height: 1080 };

export interface WallResults {
  cameras: number;
  cameraSize: string;
  cameraFps: number;
  viewport: { width: number; height: number };
  warmupS: number;
  windowS: number;
  /** Presented frames per second of each tile over the window (requestVideoFrameCallback). */
  tileFps: number[];
  /** Frames Chromium decoded and dropped per second per tile; null where the player started over. */
  decodedFps: Array<number | null>;
  droppedFps: Array<number | null>;
  tilesAtGoal: number;
  minFps: number;
  p50Fps: number;
  /** Tiles showing a face (reconnecting, stalled, …) instead of the bare picture at the end. */
  tilesWithFace: number;
  /** CPU in % of one core over the window; memory at its end (PSS: shared pages split, so sums add up). */
  renderer: { cpu: number; cdpCpu: number; rssMb: number; pssMb: number; jsHeapMb: number };
  /** Chromium's other processes: the browser, the GPU process (compositing, in software here), the dashboard. */
  chromium: { gpuCpu: number; otherCpu: number; pssMb: number };
  main: { cpu: number; rssMb: number; heapMb: number };
  ffmpeg: { cpu: number; pssMb: number; processes: number };
  /** The fake cameras' encoders: the rig, which a real site does not run on this computer. */
  camerasCpu: number;
  /** Whole machine, % of all cores. */
  machineCpu: number;
  /** What the machine spent beyond the processes above (% of one core): the OS, other work. */
  othersCpu: number;
  cores: number;
  /** Frames the page drew per second (requestAnimationFrame), in 3 s after the window. */
  pageFps: number;
  /** What the wall's keep-up strip said at the end of the window (null: nothing). */
  notice: string | null;
}

interface TileCount {
  cameraId: string;
  frames: number;
  decoded: number;
  dropped: number;
  face: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[bench] ${line}`);

// Passed as a string: tsx names inner functions with a helper (__name) the page does not have.
const COUNTERS = `(() => {
  const counts = new Map();
  const attach = () => {
    for (const tile of document.querySelectorAll('[data-camera-id]')) {
      const video = tile.querySelector('video');
      if (!video || counts.has(video)) continue;
      const entry = { frames: 0 };
      counts.set(video, entry);
      const onFrame = () => { entry.frames++; video.requestVideoFrameCallback(onFrame); };
      video.requestVideoFrameCallback(onFrame);
    }
  };
  attach();
  setInterval(attach, 500);
  window.__wallBench = () => [...document.querySelectorAll('[data-camera-id]')].map((tile) => {
    const video = tile.querySelector('video');
    const quality = video ? video.getVideoPlaybackQuality() : null;
    return {
      cameraId: tile.getAttribute('data-camera-id'),
      frames: video ? (counts.get(video)?.frames ?? 0) : 0,
      decoded: quality ? quality.totalVideoFrames : 0,
      dropped: quality ? quality.droppedVideoFrames : 0,
      face: !tile.classList.contains('wall-tile-none'),
    };
  });
})()`;

const readTiles = (page: Page) => page.evaluate<TileCount[]>('window.__wallBench()');

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  );
};

/** CPU ticks of every process below this one, by pid, with the machine's and this process's. */
function snapshot() {
  const pids = descendants(process.pid);
  return {
    at: Date.now(),
    ticks: new Map(pids.map((pid) => [pid, cpuTicks(pid)])),
    machine: machineTicks(),
    main: process.cpuUsage(),
  };
}

/**
 * Plays the given cameras (up to 16) on a 4 × 4 wall opened as a user would (saved through the
 * wall store, opened with `windows.openWall`), waits until every tile shows frames, warms up,
 * then measures over `windowMs`. Fewer than 16 cameras leave cells empty: the tiles keep the
 * size they have on a full wall, so the cost of one tile can be read without a crowded CPU.
 */
export async function benchWall(
  cameras: FakeCamera[],
  opts: { warmupMs: number; windowMs: number },
): Promise<WallResults> {
  const app = await startApp({ statusIntervalMs: 60_000 });
  try {
    const ids: string[] = [];
    for (const [i, camera] of cameras.entries()) {
      const added = await app.registry.add({
        name: `Wall ${String(i + 1).padStart(2, '0')}`,
        source: { kind: 'rtsp', url: camera.url },
      });
      ids.push(added.id);
    }
    const wall = await app.walls.add({ name: 'Bench wall', layout: '4x4', cameraIds: ids });
    const dashboard = await app.openDashboard();
    const opened = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openWall(id), wall.id);
    const page = await opened;
    await page.setViewportSize(WALL_VIEWPORT);
    await page.waitForURL(/\/wall\.html\?wall=/, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-camera-id] video').length === n,
      ids.length,
      { timeout: 20_000 },
    );
    await page.evaluate(COUNTERS);

    const t0 = Date.now();
    for (;;) {
      const tiles = await readTiles(page);
      if (tiles.every((t) => t.frames >= 2)) break;
      if (Date.now() - t0 > 90_000) {
        log(`wall: ${String(tiles.filter((t) => t.frames < 2).length)} tiles never showed a frame`);
        break;
      }
      await sleep(1_000);
    }
    log(`wall: every tile playing after ${String(Date.now() - t0)} ms; warming up`);
    await sleep(opts.warmupMs);

    const cdp = await app.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () =>
      Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
      );
    const sessionPids = app.streams.pids();
    const cameraPids = cameras.map((c) => c.pid);
    const m0 = await metrics();
    const tiles0 = await readTiles(page);
    const s0 = snapshot();
    await sleep(opts.windowMs);
    const s1 = snapshot();
    const tiles1 = await readTiles(page);
    const m1 = await metrics();
    const notice = (await page.locator('.wall-view-keep-up').textContent())?.trim() || null;
    const seconds = (s1.at - s0.at) / 1000;
    // After the window: a rAF loop asks for a frame at every vsync, which the window must not pay.
    const pageFps = await page.evaluate<number>(`new Promise((resolve) => {
      let frames = 0;
      const end = performance.now() + 3000;
      const onFrame = () => {
        frames++;
        if (performance.now() < end) requestAnimationFrame(onFrame);
        else resolve(frames / 3);
      };
      requestAnimationFrame(onFrame);
    })`);

    const cpuOf = (pid: number) =>
      (((s1.ticks.get(pid) ?? 0) - (s0.ticks.get(pid) ?? 0)) / CLK_TCK / seconds) * 100;
    const sumCpu = (pids: number[]) => pids.reduce((a, pid) => a + cpuOf(pid), 0);
    // The wall page's renderer: Chromium's own count of its process's CPU time (CDP
    // Performance.getMetrics ProcessTime, seconds) picks it among the renderers by /proc.
    const cdpCpu = (((m1['ProcessTime'] ?? 0) - (m0['ProcessTime'] ?? 0)) / seconds) * 100;
    const renderers = [...s1.ticks.keys()].filter(
      (pid) => s0.ticks.has(pid) && commandLine(pid).includes('--type=renderer'),
    );
    const rendererPid = renderers.reduce(
      (best, pid) => (Math.abs(cpuOf(pid) - cdpCpu) < Math.abs(cpuOf(best) - cdpCpu) ? pid : best),
      renderers[0] ?? -1,
    );
    let browserPid = rendererPid;
    while (browserPid > 1 && commandLine(browserPid).includes('--type=')) {
      browserPid = parentOf(browserPid);
    }
    const chromiumPids = [browserPid, ...descendants(browserPid)].filter(
      (pid) => pid !== rendererPid && s0.ticks.has(pid),
    );
    const gpuPids = chromiumPids.filter((pid) => commandLine(pid).includes('--type=gpu-process'));
    const mainCpu =
      ((s1.main.user + s1.main.system - s0.main.user - s0.main.system) / 1e6 / seconds) * 100;
    const cores = cpus().length;
    const machineCpu =
      ((s1.machine.busy - s0.machine.busy) / (s1.machine.total - s0.machine.total)) * 100;

    const tileFps = tiles1.map((t, i) => (t.frames - (tiles0[i]?.frames ?? 0)) / seconds);
    const rate = (now: number, before: number | undefined) =>
      before !== undefined && now >= before ? (now - before) / seconds : null;
    const renderer = {
      cpu: cpuOf(rendererPid),
      cdpCpu,
      rssMb: rssMb(rendererPid),
      pssMb: pssMb(rendererPid),
      jsHeapMb: (m1['JSHeapUsedSize'] ?? 0) / 1024 / 1024,
    };
    const chromium = {
      gpuCpu: sumCpu(gpuPids),
      otherCpu: sumCpu(chromiumPids.filter((pid) => !gpuPids.includes(pid))),
      pssMb: chromiumPids.reduce((a, pid) => a + pssMb(pid), 0),
    };
    const ffmpeg = {
      cpu: sumCpu(sessionPids),
      pssMb: sessionPids.reduce((a, pid) => a + pssMb(pid), 0),
      processes: sessionPids.length,
    };
    const camerasCpu = sumCpu(cameraPids);
    const memory = process.memoryUsage();
    const main = {
      cpu: mainCpu,
      rssMb: memory.rss / 1024 / 1024,
      heapMb: memory.heapUsed / 1024 / 1024,
    };
    const ours =
      renderer.cpu + chromium.gpuCpu + chromium.otherCpu + main.cpu + ffmpeg.cpu + camerasCpu;
    return {
      cameras: cameras.length,
      cameraSize: '640x360',
      cameraFps: 25,
      viewport: WALL_VIEWPORT,
      warmupS: opts.warmupMs / 1000,
      windowS: Math.round(seconds * 10) / 10,
      tileFps,
      decodedFps: tiles1.map((t, i) => rate(t.decoded, tiles0[i]?.decoded)),
      droppedFps: tiles1.map((t, i) => rate(t.dropped, tiles0[i]?.dropped)),
      tilesAtGoal: tileFps.filter((f) => f >= WALL_GOAL_FPS).length,
      minFps: Math.min(...tileFps),
      p50Fps: percentile(tileFps, 50),
      tilesWithFace: tiles1.filter((t) => t.face).length,
      renderer,
      chromium,
      main,
      ffmpeg,
      camerasCpu,
      machineCpu,
      othersCpu: Math.max(0, machineCpu * cores - ours),
      cores,
      pageFps,
      notice,
    };
  } finally {
    await app.dispose();
  }
}

/** The quick mode's one line. */
export function wallLine(w: WallResults): string {
  return (
    `wall 4×4: tiles ≥ ${String(WALL_GOAL_FPS)} fps ${String(w.tilesAtGoal)}/${String(w.cameras)}, ` +
    `fps p50 ${w.p50Fps.toFixed(1)} (min ${w.minFps.toFixed(1)}), renderer CPU ${w.renderer.cpu.toFixed(0)} %, ` +
    `main CPU ${w.main.cpu.toFixed(0)} %, ffmpeg CPU ${w.ffmpeg.cpu.toFixed(0)} %`
  );
}
