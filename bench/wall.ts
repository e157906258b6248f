// The camera wall's cost (issue 12 §4): 16 cameras on a 4 × 4 wall in Vigil's real wall window
// (the e2e harness: the real services and ffmpeg in this process, the built renderer in Debian
// Chromium), every tile's presented frames counted, and what each process spent meanwhile.
import type { Page } from 'playwright-core';
import { startApp } from '../tests/e2e/harness';
import { CLK_TCK, cpuTicks, pssMb, rssMb } from './proc';
import { WALL_GOAL_FPS } from './report-wall';
import { countOnScreen, type ScreenRow } from './screen-count';
import type { Viewer } from './viewer';
import { attribute, cpuSnapshot } from './wall-cpu';

/** A wall on its own Full HD screen, fullscreen: 16 tiles of 480 × 270 (smaller than 640 × 360). */
export const WALL_VIEWPORT = { width: 1920, height: 1080 };
export const CAMERA_SIZE = '640x360';
export const CAMERA_FPS = 25;
const SCREEN_CHECK_MS = 5_000;
const GRAB_OVERRUN_MS = 1_500;

export interface WallResults {
  cameras: number;
  cameraSize: string;
  cameraFps: number;
  viewport: { width: number; height: number };
  warmupS: number;
  windowS: number;
  /** When this wall was measured (the wall can be measured on its own: run-wall.ts). */
  measuredAt?: string;
  /** How the wall was watched (viewer.ts) and where the cameras came from (fake-camera/farm.ts). */
  viewer?: string;
  rig?: string;
  /**
   * Frames each tile presented per second over the window: the sum of `presentedFrames` steps
   * seen by requestVideoFrameCallback (results before 2026-12-03 counted callbacks instead).
   */
  tileFps: number[];

  /** requestVideoFrameCallback callbacks per second per tile: at most one per rendering step. */
  callbackFps?: number[];
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
  /**
   * ffmpeg sessions, those that ended during the window included (`endedCpu`, counted by this
   * process as their parent); `spawned`: processes Vigil started during the window (restarts).
   */
  ffmpeg: {
    cpu: number;
    pssMb: number;
    processes: number;
    endedCpu?: number;
    spawned?: number;
    /** Of `spawned`, the dashboard cards' live pictures (frame grabs from a session's clip). */
    pictures?: number;
  };
  /** The fake cameras: the rig, which a real site does not run on this computer. */
  camerasCpu: number;
  /** The X server the headful browser draws to (Xvfb), when there is one. */
  displayCpu?: number;
  /** Whole machine, % of all cores. */
  machineCpu: number;
  /** What the machine spent beyond the processes above (% of one core): the OS, other work. */
  othersCpu: number;
  /** othersCpu by where it went: kernel threads, other programs, steal, and what no process accounts for. */
  elsewhere?: {
    kernelCpu: number;
    otherProgramsCpu: number;
    /** The hypervisor's (this is a virtual machine): time its CPUs ran someone else. */
    stealCpu?: number;
    /** The busiest other programs ("name pid: %"), to tell whose work it was. */
    busiest?: string[];
    unaccountedCpu: number;
  };
  cores: number;
  /** Frames the page drew per second (requestAnimationFrame), in 3 s after the window. */
  pageFps: number;
  /**
   * Under Xvfb, after the window: the first row of tiles as it reached the X display for a few
   * seconds (screen-count.ts), next to the frames the page counted as presented over the same
   * seconds, the slowest grabber's grabs per second and the grab's CPU. Null when headless.
   * Results before this existed had one tile's figures instead.
   */
  screen?: {
    tiles: number;
    tileFps: number[];
    presentedFps: number[];
    grabbedFps: number;
    cpu: number;
  } | null;
  /** What the wall's keep-up strip said at the end of the window (null: nothing). */
  notice: string | null;
  /**
   * Every run of this setup when it was measured more than once (wall-setups.ts); the figures
   * above are the median clean run's.
   */
  repeats?: WallRepeat[];
}

/** One run of a setup measured several times. */
export interface WallRepeat {
  tilesAtGoal: number;
  minFps: number;
  p50Fps: number;
  machineCpu: number;
  othersCpu: number;
  /** Other programs' work during the run (wall-setups.ts noiseOf), and whether it was low enough to use. */
  noiseCpu?: number;
  clean?: boolean;
  /** The slowest tile of the run's screen check, when there was one. */
  screenMinFps?: number;
}

/** The cameras a wall plays and the processes that serve them. */
export interface WallRig {
  urls: string[];
  pids: number[];
  description: string;
}

interface TileCount {
  cameraId: string;
  frames: number;
  callbacks: number;
  decoded: number;
  dropped: number;
  face: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[bench] ${line}`);

// Passed as a string: tsx names inner functions with a helper (__name) the page does not have.
// rVFC callbacks run in the page's rendering steps, at most one per step, and the spec makes no
// promise that each frame gets one: `presentedFrames` counts every frame handed to the compositor,
// so the steps between two callbacks are the frames presented. Measured here with 4 tiles: 18
// callbacks a second, 25 presentedFrames steps, and 25 distinct pictures a second on the X display.
// Counted per tile, across a video element replaced or a player restarted (the count resets).
const COUNTERS = `(() => {
  const tiles = new Map();
  const attach = () => {
    for (const tile of document.querySelectorAll('[data-camera-id]')) {
      const id = tile.getAttribute('data-camera-id');
      let entry = tiles.get(id);
      if (!entry) tiles.set(id, (entry = { frames: 0, callbacks: 0, video: null, last: null }));
      const video = tile.querySelector('video');
      if (!video || entry.video === video) continue;
      entry.video = video;
      entry.last = null;
      const onFrame = (now, meta) => {
        if (entry.video !== video) return;
        entry.callbacks++;
        const p = meta.presentedFrames;
        entry.frames += entry.last === null ? 1 : p >= entry.last ? p - entry.last : p;
        entry.last = p;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
  };
  attach();
  setInterval(attach, 500);
  window.__wallBench = () => [...document.querySelectorAll('[data-camera-id]')].map((tile) => {
    const video = tile.querySelector('video');
    const quality = video ? video.getVideoPlaybackQuality() : null;
    const entry = tiles.get(tile.getAttribute('data-camera-id'));
    return {
      cameraId: tile.getAttribute('data-camera-id'),
      frames: entry ? entry.frames : 0,
      callbacks: entry ? entry.callbacks : 0,
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

/**
 * Where each tile's noise patch is on the X screen, as rows of tiles for screen-count.ts, with
 * the tiles' camera ids in the same order. The picture is fitted inside the video element
 * (object-fit: contain), the viewport sits below the browser's tab strip and toolbar, and the
 * window at the screen's top left (viewer.ts). The SMPTE bars' noise fills the bottom right of
 * the picture.
 */
async function noisePatches(page: Page): Promise<{ rows: ScreenRow[]; ids: string[] } | null> {
  const patches = await page.evaluate(() =>
    [...document.querySelectorAll('[data-camera-id]')].map((tile) => {
      const video = tile.querySelector('video');
      if (!video?.videoWidth) return null;
      const box = video.getBoundingClientRect();
      const scale = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
      const w = video.videoWidth * scale;
      const h = video.videoHeight * scale;
      const left = box.x + (box.width - w) / 2 + (window.outerWidth - window.innerWidth) / 2;
      const top = box.y + (box.height - h) / 2 + (window.outerHeight - window.innerHeight);
      return {
        id: tile.getAttribute('data-camera-id') ?? '',
        x: Math.round(left + 0.8 * w),
        y: Math.round(top + 0.82 * h),
        width: Math.round(0.16 * w),
        height: Math.max(2, Math.round(0.05 * h)),
      };
    }),
  );
  if (patches.some((p) => p === null)) return null;
  const rows = new Map<number, Array<{ id: string; x: number; width: number; height: number }>>();
  for (const p of patches) if (p) rows.set(p.y, [...(rows.get(p.y) ?? []), p]);
  const sorted = [...rows.entries()].sort(([a], [b]) => a - b);
  return {
    rows: sorted.map(([y, tiles]) => ({
      y,
      height: Math.min(...tiles.map((t) => t.height)),
      tiles: tiles.map((t) => ({ x: t.x, width: t.width })),
    })),
    ids: sorted.flatMap(([, tiles]) => tiles.map((t) => t.id)),
  };
}

/**
 * Plays the rig's cameras (up to 16) on a 4 × 4 wall opened as a user would (saved through the
 * wall store, opened with `windows.openWall`), waits until every tile shows frames, warms up,
 * then measures over `windowMs`. Fewer than 16 cameras leave cells empty: the tiles keep the
 * size they have on a full wall, so the cost of one tile can be read without a crowded CPU.
 */
export async function benchWall(
  rig: WallRig,
  viewer: Viewer,
  opts: { warmupMs: number; windowMs: number },
): Promise<WallResults> {
  const app = await viewer.use(() => startApp({ statusIntervalMs: 60_000 }));
  try {
    const ids: string[] = [];
    for (const [i, url] of rig.urls.entries()) {
      const added = await app.registry.add({
        name: `Wall ${String(i + 1).padStart(2, '0')}`,
        source: { kind: 'rtsp', url },
      });
      ids.push(added.id);
    }
    const wall = await app.walls.add({ name: 'Bench wall', layout: '4x4', cameraIds: ids });
    const dashboard = await app.openDashboard();
    const opened = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openWall(id), wall.id);
    const page = await opened;
    await page.setViewportSize(WALL_VIEWPORT);
    await page.bringToFront();
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
    const m0 = await metrics();
    const tiles0 = await readTiles(page);
    const s0 = cpuSnapshot();
    await sleep(opts.windowMs);
    const s1 = cpuSnapshot();
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
    const screen = viewer.display === null ? null : await screenCheck(page, viewer.display);

    // Chromium's own count of the wall renderer's CPU time (CDP ProcessTime, seconds).
    const cdpCpu = (((m1['ProcessTime'] ?? 0) - (m0['ProcessTime'] ?? 0)) / seconds) * 100;
    const cpu = attribute(s0, s1, {
      cdpCpu,
      ffmpegPids: [...sessionPids, ...app.streams.pids()],
      rigPids: rig.pids,
    });
    const spawned = app.spawnLog.filter((e) => e.at >= s0.at && e.at <= s1.at);
    // A card's live picture: one short ffmpeg decoding a clip of the session to frame.jpg.
    const pictures = spawned.filter((e) => e.args.some((a) => a.endsWith('frame.jpg'))).length;

    const tileFps = tiles1.map((t, i) => (t.frames - (tiles0[i]?.frames ?? 0)) / seconds);

    const rate = (now: number, before: number | undefined) =>
      before !== undefined && now >= before ? (now - before) / seconds : null;
    const renderer = {
      cpu: cpu.renderer,
      cdpCpu,
      rssMb: rssMb(cpu.rendererPid),
      pssMb: pssMb(cpu.rendererPid),
      jsHeapMb: (m1['JSHeapUsedSize'] ?? 0) / 1024 / 1024,
    };
    const alive = app.streams.pids();
    const memory = process.memoryUsage();
    return {
      cameras: rig.urls.length,
      cameraSize: CAMERA_SIZE,
      cameraFps: CAMERA_FPS,
      viewport: WALL_VIEWPORT,
      warmupS: opts.warmupMs / 1000,
      windowS: Math.round(seconds * 10) / 10,
      measuredAt: new Date().toISOString(),
      viewer: viewer.description,
      rig: rig.description,
      tileFps,
      callbackFps: tiles1.map((t, i) => (t.callbacks - (tiles0[i]?.callbacks ?? 0)) / seconds),
      decodedFps: tiles1.map((t, i) => rate(t.decoded, tiles0[i]?.decoded)),
      droppedFps: tiles1.map((t, i) => rate(t.dropped, tiles0[i]?.dropped)),
      tilesAtGoal: tileFps.filter((f) => f >= WALL_GOAL_FPS).length,
      minFps: Math.min(...tileFps),
      p50Fps: percentile(tileFps, 50),
      tilesWithFace: tiles1.filter((t) => t.face).length,
      renderer,
      chromium: {
        gpuCpu: cpu.gpu,
        otherCpu: cpu.chromiumOther,
        pssMb: cpu.chromiumPids.reduce((a, pid) => a + pssMb(pid), 0),
      },
      main: {
        cpu: cpu.main,
        rssMb: memory.rss / 1024 / 1024,
        heapMb: memory.heapUsed / 1024 / 1024,
      },
      ffmpeg: {
        cpu: cpu.ffmpeg + cpu.ended,
        pssMb: alive.reduce((a, pid) => a + pssMb(pid), 0),
        processes: alive.length,
        endedCpu: cpu.ended,
        spawned: spawned.length,
        pictures,
      },
      camerasCpu: cpu.rig,
      displayCpu: viewer.display === null ? undefined : cpu.display,
      machineCpu: cpu.machine,
      othersCpu: cpu.benchOther + cpu.kernel + cpu.otherPrograms + cpu.steal + cpu.unaccounted,
      elsewhere: {
        kernelCpu: cpu.kernel,
        otherProgramsCpu: cpu.otherPrograms + cpu.benchOther,
        stealCpu: cpu.steal,
        busiest: cpu.topOthers,
        unaccountedCpu: cpu.unaccounted,
      },
      cores: cpu.cores,
      pageFps,
      screen,
      notice,
    };
  } finally {
    await app.dispose();
  }
}

/**
 * After the window: the first row of tiles on the X display for SCREEN_CHECK_MS, next to what
 * the page counted over the same seconds, and what the grab cost.
 */
async function screenCheck(page: Page, display: string): Promise<WallResults['screen']> {
  const patches = await noisePatches(page);
  const row = patches?.rows[0];
  if (!patches || !row) return null;
  const ids = patches.ids.slice(0, row.tiles.length);
  const before = await readTiles(page);
  const t0 = Date.now();
  // Past the check's end, so that the grabber is alive when its CPU time is read.
  const grab = countOnScreen(display, [row], SCREEN_CHECK_MS + GRAB_OVERRUN_MS);
  const ticks0 = grab.pids.map(cpuTicks);
  await sleep(SCREEN_CHECK_MS);
  const seconds = (Date.now() - t0) / 1000;
  const ticks1 = grab.pids.map(cpuTicks);
  const after = await readTiles(page);
  const counted = await grab.result;
  const presented = (id: string) => {
    const a = after.find((t) => t.cameraId === id);
    const b = before.find((t) => t.cameraId === id);
    return a && b ? (a.frames - b.frames) / seconds : NaN;
  };
  return {
    tiles: ids.length,
    tileFps: counted.fps,
    presentedFps: ids.map(presented),
    grabbedFps: Math.min(...counted.grabbedFps),
    cpu: (ticks1.reduce((a, t, i) => a + t - (ticks0[i] ?? 0), 0) / CLK_TCK / seconds) * 100,
  };
}

/** The quick mode's one line. */
export function wallLine(w: WallResults): string {
  return (
    `wall ${String(w.cameras)} tiles: ≥ ${String(WALL_GOAL_FPS)} fps ${String(w.tilesAtGoal)}/${String(w.cameras)}, ` +
    `fps p50 ${w.p50Fps.toFixed(1)} (min ${w.minFps.toFixed(1)}), renderer CPU ${w.renderer.cpu.toFixed(0)} %, ` +
    `main CPU ${w.main.cpu.toFixed(0)} %, ffmpeg CPU ${w.ffmpeg.cpu.toFixed(0)} %, cameras ${w.camerasCpu.toFixed(0)} %, ` +
    `machine ${w.machineCpu.toFixed(0)} %` +
    (w.screen
      ? `; after, row 1 on the X display p50 ${percentile(w.screen.tileFps, 50).toFixed(1)} fps (presented ${percentile(w.screen.presentedFps, 50).toFixed(1)})`
      : '')
  );
}
