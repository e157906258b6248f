// npm run bench [-- --runs 10] [-- --long]
// Measures Vigil against the classic HLS setup and a transcoding setup, in one run, on
// 127.0.0.1 with the fake GStreamer camera(s), in Debian Chromium. Writes docs/benchmarks.*.
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createSourceResolver } from '../src/main/services/cameras/demo-camera';
import { VIGIL_HLS, type HlsProfile } from '../src/main/services/streaming/ffmpeg-args';
import { probeFfmpeg } from '../src/main/services/streaming/ffmpeg-binary';
import { createHlsHandler } from '../src/main/services/streaming/hls-handler';
import type { StreamSource } from '../src/main/services/streaming/source';
import { StreamService } from '../src/main/services/streaming/stream-service';
import { LIVE_HLS_CONFIG } from '../src/renderer/src/live/hls-config';
import type { StreamInfo } from '../src/shared/streams';
import { startApp } from '../tests/e2e/harness';
import { clickedAt, openLive, readyPageLoaded } from '../tests/e2e/live-pages';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
} from '../tests/fixtures/fake-camera';
import { bundleScript } from '../tests/helpers/bundle-script';
import { serveOverHttp } from '../tests/helpers/hls-http';
import { isAlive } from '../tests/helpers/stream-harness';
import { rssMb, sampleCpu } from './proc';
import { measureWarmCost } from './warm-cost';
import { chart, report, type Results } from './report';
import { wallSetups } from './wall-setups';

const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) || 10;
const LONG = argv.includes('--long');
/** Tuning runs: start-up and steady state only (no UI, no scale); results are not written. */
const QUICK = argv.includes('--quick');
const WARMUP_MS = 30_000;
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const ROOT = new URL('..', import.meta.url).pathname;

const CLASSIC: HlsProfile = {
  segmentSeconds: 2,
  listSize: 3,
  segmentType: 'mpegts',
  fastProbe: false,
};
/**
 * The setups compared. `mse`: the page plays main's low-latency stream with Vigil's Media
 * Source player instead of the HLS playlist. `lowLatency`: the service also writes that
 * stream (what the app does); the baselines do not, so their ffmpeg does only their job.
 */
const PROFILES = {
  lowlatency: {
    label: 'Vigil low latency (fMP4 per frame → Media Source)',
    hls: VIGIL_HLS,
    player: {},
    mse: true,
    lowLatency: true,
  },
  vigil: {
    label: `Vigil HLS (${String(VIGIL_HLS.segmentSeconds)} s fMP4, tuned hls.js)`,
    hls: VIGIL_HLS,
    player: LIVE_HLS_CONFIG,
    mse: false,
    lowLatency: true,
  },
  classic: {
    label: 'Classic (2 s mpegts, list 3, hls.js defaults)',
    hls: CLASSIC,
    player: {},
    mse: false,
    lowLatency: false,
  },
  transcode: {
    label: 'Transcode (classic + libx264 veryfast 800k)',
    hls: { ...CLASSIC, transcodeKbps: 800 },
    player: {},
    mse: false,
    lowLatency: false,
  },
} as const;
type ProfileName = keyof typeof PROFILES;
const NAMES = Object.keys(PROFILES) as ProfileName[];

const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The bench page's origin, the one page allowed to read the streams (set by benchPage). */
const benchOrigins: string[] = [];

/** A stream service for one profile, its events, and its HLS files over HTTP. */
async function rig(profile: ProfileName, cameras: Map<string, StreamSource>) {
  const waiters: Array<(info: StreamInfo) => void> = [];
  const service = new StreamService({
    tempRoot: mkdtempSync(join(tmpdir(), `vigil-bench-${profile}-`)),
    sources: createSourceResolver((id) => cameras.get(id)),
    ffmpeg: () => probeFfmpeg({ env: { FFMPEG_BIN: FFMPEG } }),
    emit: (info) => {
      for (const w of waiters.splice(0)) w(info);
    },
    hls: PROFILES[profile].hls,
    lowLatency: PROFILES[profile].lowLatency,
  });
  await service.init();
  // The page reads it with http.toPageHttp: one host per session, as vigil-stream://<session>/
  // is; on one host Chromium's 6 sockets per host would starve the 16-stream page.
  const http = await serveOverHttp(
    createHlsHandler({
      liveDirectory: (id) => service.liveDirectory(id),
      liveStream: (id) => service.liveStream(id),
      allowedOrigins: benchOrigins,
    }),
  );
  const next = (cameraId: string, state: StreamInfo['state']) =>
    new Promise<StreamInfo>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${profile}/${cameraId}: no ${state} in 20 s`)),
        20_000,
      );
      const check = (info: StreamInfo) => {
        if (info.cameraId === cameraId && info.state === state) {
          clearTimeout(timer);
          resolve(info);
        } else if (info.cameraId === cameraId && info.state === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${profile}/${cameraId} failed: ${info.failure?.message ?? ''}`));
        } else waiters.push(check);
      };
      waiters.push(check);
    });
  return { service, http, next };
}

async function benchPage(page: Page): Promise<void> {
  const hlsJs = readFileSync(join(ROOT, 'node_modules/hls.js/dist/hls.min.js'));
  const mseJs = await bundleScript(join(ROOT, 'src/renderer/src/live/mse-player.ts'), 'VigilMse');
  const html = readFileSync(join(ROOT, 'bench/player.html'));
  const server = createServer((req, res) => {
    if (req.url === '/hls.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    else if (req.url === '/mse.js')
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(mseJs);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  benchOrigins.push(origin);
  await page.goto(`${origin}/player.html`);
}

/** Starts a tile in the bench page: the profile's player on the session's stream. */
function playSetup(
  page: Page,
  id: string,
  name: ProfileName,
  info: StreamInfo,
  toHttp: (u: string) => string,
): Promise<void> {
  const profile = PROFILES[name];
  if (profile.mse) {
    if (!info.liveUrl) throw new Error(`${name}: the session offers no low-latency stream`);
    const arg = { id, url: toHttp(info.liveUrl) };
    return page.evaluate((a) => window.benchPlayMse(a.id, a.url), arg);
  }
  return play(page, id, toHttp(info.url ?? ''), profile.player);
}

/** Starts a tile in the bench page with the given hls.js config. */
function play(page: Page, id: string, url: string, config: object): Promise<void> {
  const arg: { id: string; url: string; config: Record<string, unknown> } = {
    id,
    url,
    config: { ...config },
  };
  return page.evaluate((a) => window.benchPlay(a.id, a.url, a.config), arg);
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  );
};
const summary = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  n: values.length,
  values,
});

async function main(): Promise<void> {
  if (!hasGstreamerRtsp())
    throw new Error('the benchmark needs the GStreamer RTSP server (see README)');
  if (!existsSync(join(ROOT, 'out/renderer/index.html')))
    throw new Error('run npm run build first');
  const started = Date.now();
  const camera = await startFakeCamera({ audio: 'pcma', timecode: true });
  log(`camera ${camera.url}: 1280x720 25 fps, 1 s GOP, clients join mid-GOP`);
  const cameras = new Map<string, StreamSource>([['cam', { kind: 'rtsp', url: camera.url }]]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  await benchPage(page);
  const rigs = Object.fromEntries(
    await Promise.all(NAMES.map(async (n) => [n, await rig(n, cameras)] as const)),
  ) as Record<ProfileName, Awaited<ReturnType<typeof rig>>>;

  // 1. Start-up and stop, round-robin over the profiles so drift and noise hit all alike.
  const startup = Object.fromEntries(
    NAMES.map((n) => [
      n,
      { playlist: [] as number[], frame: [] as number[], stop: [] as number[] },
    ]),
  );
  for (let run = 0; run < RUNS; run++) {
    for (const name of NAMES) {
      const { service, http, next } = rigs[name];
      const live = next('cam', 'live');
      const t0 = Date.now();
      await service.start('cam', { viewer: 'bench', durationSec: 0 });
      const info = await live;
      const tPlaylist = Date.now() - t0;
      const id = `${name}-${String(run)}`;
      await playSetup(page, id, name, info, http.toPageHttp);
      const firstFrameAt = await page.evaluate((i) => window.benchFirstFrame(i), id);
      const pid = service.pids()[0];
      if (pid === undefined) throw new Error(`${name}: a live session without ffmpeg`);
      const dir = service.liveDirectory(info.sessionId) ?? '';
      const s0 = Date.now();
      await service.release('cam', 'bench');
      const stopMs = Date.now() - s0;
      if (isAlive(pid) || existsSync(dir))
        throw new Error(`${name}: stop left ffmpeg or its directory`);
      await page.evaluate((i) => window.benchStop(i), id);
      const s = startup[name];
      s?.playlist.push(tPlaylist);
      s?.frame.push(firstFrameAt - t0);
      s?.stop.push(stopMs);
    }
    log(`start-up run ${String(run + 1)}/${String(RUNS)} done`);
  }

  // 2. Vigil through its real UI: click → poster on screen, click → first advancing frame.
  const ui = {
    poster: [] as number[],
    frame: [] as number[],
    stopClick: [] as number[],
    warmFrame: [] as number[],
    warmHanded: 0,
  };
  await uiRuns(ui);
  log(
    `warm: click → frame p50 ${String(percentile(ui.warmFrame, 50))} ms (the ready window handed the camera in ${String(ui.warmHanded)} of ${String(ui.warmFrame.length)} clicks)`,
  );
  const warmCost = await measureWarmCost(
    { kind: 'rtsp', url: camera.url },
    { ffmpeg: FFMPEG, windowMs: QUICK ? 5_000 : 10_000 },
  );
  log(
    `warm cost: ffmpeg ${warmCost.ffmpegCpu.toFixed(1)} % of a core, ${warmCost.ffmpegPssMb.toFixed(0)} MB; main ${warmCost.mainCpu.toFixed(1)} %`,
  );
  async function uiRuns(into: typeof ui): Promise<void> {
    const app = await startApp();
    const cam = await app.registry.add({
      name: 'Bench camera',
      source: { kind: 'rtsp', url: camera.url },
    });
    const dashboard = await app.openDashboard();
    await dashboard
      .getByRole('article', { name: 'Bench camera' })
      .locator('img')
      .waitFor({ timeout: 20_000 });
    await app.context.addInitScript({
      content: `(() => {
      window.__bench = { posterAt: null, firstFrameAt: null, navigationAt: performance.timeOrigin };
      new MutationObserver(() => {
        const v = document.querySelector('video');
        if (!v || window.__bench.watching) return;
        window.__bench.watching = true;
        const poster = () => { if (!window.__bench.posterAt && v.poster) window.__bench.posterAt = Date.now(); };
        poster();
        new MutationObserver(poster).observe(v, { attributes: true, attributeFilter: ['poster'] });
        let n = 0;
        const onFrame = () => { n++; if (n === 2) window.__bench.firstFrameAt = Date.now(); else v.requestVideoFrameCallback(onFrame); };
        v.requestVideoFrameCallback(onFrame);
      }).observe(document, { childList: true, subtree: true });
    })();`,
    });
    /**
     * Clicks Watch; the window (a new one, or the ready one handed the camera) once it shows
     * its second frame, and its marks in ms after the click (the dashboard's click event).
     */
    const watch = async () => {
      const ready = app.readyPage();
      const live = await openLive(app, dashboard, 'Bench camera');
      const t0 = await clickedAt(dashboard);
      await live.waitForFunction(
        () =>
          (window as unknown as { __bench: { firstFrameAt: number | null } }).__bench
            .firstFrameAt !== null,
        undefined,
        { timeout: 20_000 },
      );
      const marks = await live.evaluate(
        () =>
          (
            window as unknown as {
              __bench: { posterAt: number; firstFrameAt: number; navigationAt: number };
            }
          ).__bench,
      );
      return {
        live,
        posterAt: marks.posterAt - t0,
        firstFrameAt: marks.firstFrameAt - t0,
        handed: ready !== undefined && live === ready,
      };
    };
    for (let run = 0; run < RUNS; run++) {
      const { live, ...marks } = await watch();
      into.poster.push(marks.posterAt);
      into.frame.push(marks.firstFrameAt);
      const closed = live.waitForEvent('close');
      const s0 = Date.now();
      await live.getByRole('button', { name: 'Stop' }).click();
      await closed;
      while (app.streams.list().length) await sleep(5);
      into.stopClick.push(Date.now() - s0);
    }
    log('UI runs done');
    // The same camera kept ready: its session runs with nobody watching; a click joins it.
    await app.registry.update(cam.id, {
      name: 'Bench camera',
      source: { kind: 'rtsp', url: camera.url },
      options: { keepReady: true },
    });
    const warmLive = async (notSession: string | null): Promise<string> => {
      const until = Date.now() + 20_000;
      for (;;) {
        const warm = app.streams
          .list()
          .find(
            (s) => s.warm && s.state === 'live' && s.viewers === 0 && s.sessionId !== notSession,
          );
        if (warm) return warm.sessionId;
        if (Date.now() > until) throw new Error('the kept-ready camera did not go live in 20 s');
        await sleep(20);
      }
    };
    let session = await warmLive(null);
    for (let run = 0; run < RUNS; run++) {
      // Past a keyframe or two, as a camera kept ready for a while would be, and the ready
      // window made again (READY_WINDOW_DELAY_MS after the last was handed out) and loaded.
      await sleep(3_000);
      await readyPageLoaded(app);
      const { live, ...marks } = await watch();
      into.warmFrame.push(marks.firstFrameAt);
      if (marks.handed) into.warmHanded++;
      const closed = live.waitForEvent('close');
      await live.getByRole('button', { name: 'Stop' }).click();
      await closed;
      session = await warmLive(session);
    }
    log('UI runs with the camera kept ready done');
    await app.registry.remove(cam.id);
    await app.dispose();
  }

  // 3. Steady state: all three play at once for 30 s; then latency, CPU and memory.
  for (const name of NAMES) {
    const { service, http, next } = rigs[name];
    const live = next('cam', 'live');
    await service.start('cam', { viewer: 'bench', durationSec: 0 });
    const info = await live;
    await playSetup(page, `steady-${name}`, name, info, http.toPageHttp);
  }
  log(`steady state: waiting ${String(WARMUP_MS / 1000)} s`);
  await sleep(WARMUP_MS);
  const steady: Record<
    string,
    {
      g2g: number[];
      g2gTrue: number[];
      hlsLatency: number[];
      cpu: number;
      rssMb: number;
      fps: number;
    }
  > = {};
  const pids = NAMES.map((n) => rigs[n].service.pids()[0] ?? -1);
  const cpu = await sampleCpu(pids, 10_000);
  for (const [i, name] of NAMES.entries()) {
    const g2g: number[] = [];
    const g2gTrue: number[] = [];
    const hlsLatency: number[] = [];
    const f0 = (await page.evaluate((id) => window.benchSample(id), `steady-${name}`)).frames;
    const t0 = Date.now();
    for (let k = 0; k < 10; k++) {
      const sample = await page.evaluate((id) => window.benchSample(id), `steady-${name}`);
      if (sample.glassToGlassMs !== null) g2g.push(sample.glassToGlassMs);
      if (sample.hlsLatencyS !== null) hlsLatency.push(sample.hlsLatencyS * 1000);
      const truth = await page.evaluate((id) => window.benchTimecode(id), `steady-${name}`);
      if (truth !== null) g2gTrue.push(truth);
      await sleep(500);
    }
    const f1 = (await page.evaluate((id) => window.benchSample(id), `steady-${name}`)).frames;
    steady[name] = {
      g2g,
      g2gTrue,
      hlsLatency,
      cpu: cpu.perProcess[i] ?? NaN,
      rssMb: rssMb(pids[i] ?? -1),
      fps: ((f1 - f0) / (Date.now() - t0)) * 1000,
    };
  }
  // 4. Long mode: drift of Vigil's latency over 10 minutes.
  const drift: Array<{ minute: number; g2gMs: number | null }> = [];
  if (LONG) {
    log('long mode: sampling the low-latency path for 10 minutes');
    for (let s = 0; s <= 600; s += 30) {
      const sample = await page.evaluate((id) => window.benchSample(id), 'steady-lowlatency');
      const truth = await page.evaluate((id) => window.benchTimecode(id), 'steady-lowlatency');
      drift.push({ minute: s / 60, g2gMs: truth ?? sample.glassToGlassMs });
      if (s < 600) await sleep(30_000);
    }
  }
  for (const name of NAMES) {
    await page.evaluate((id) => window.benchStop(id), `steady-${name}`);
    await rigs[name].service.stopAll();
  }

  // 5. Scale: 1, 4, 8, 16 simultaneous Vigil streams, each from its own camera.
  const scaleCams = QUICK
    ? []
    : await Promise.all(
        Array.from({ length: 16 }, () => startFakeCamera({ audio: 'none', size: '640x360' })),
      );
  scaleCams.forEach((c, i) => cameras.set(`scale-${String(i)}`, { kind: 'rtsp', url: c.url }));
  const scale: Results['scale'] = [];
  for (const n of QUICK ? [] : [1, 4, 8, 16]) {
    const { service, http, next } = rigs.vigil;
    const ids = Array.from({ length: n }, (_, i) => `scale-${String(i)}`);
    const lives = ids.map((id) => next(id, 'live'));
    await Promise.all(ids.map((id) => service.start(id, { viewer: 'bench', durationSec: 0 })));
    const infos = await Promise.all(lives);
    for (const info of infos) {
      await play(
        page,
        `n${String(n)}-${info.cameraId}`,
        http.toPageHttp(info.url ?? ''),
        LIVE_HLS_CONFIG,
      );
    }
    await sleep(8_000);
    const before = await Promise.all(
      ids.map((id) => page.evaluate((i) => window.benchSample(i), `n${String(n)}-${id}`)),
    );
    const t0 = Date.now();
    const load = await sampleCpu(service.pids(), 4_000);
    const after = await Promise.all(
      ids.map((id) => page.evaluate((i) => window.benchSample(i), `n${String(n)}-${id}`)),
    );
    const seconds = (Date.now() - t0) / 1000;
    const fps = after.map((a, i) => (a.frames - (before[i]?.frames ?? 0)) / seconds);
    scale.push({
      streams: n,
      ffmpegCpuTotal: load.perProcess.reduce((a, b) => a + b, 0),
      machineCpu: load.machine,
      minFps: Math.min(...fps),
      allAdvancing: fps.every((f) => f >= 10),
    });
    log(
      `scale ${String(n)}: min ${Math.min(...fps).toFixed(1)} fps, ffmpeg ${load.perProcess.reduce((a, b) => a + b, 0).toFixed(1)}% of a core`,
    );
    for (const id of ids) await page.evaluate((i) => window.benchStop(i), `n${String(n)}-${id}`);
    await service.stopAll();
  }

  // 5b. The same on the low-latency path, with main's CPU over the window.
  const scaleLowLatency: NonNullable<Results['scaleLowLatency']> = [];
  for (const n of QUICK ? [] : [1, 4, 8, 16]) {
    const { service, http, next } = rigs.lowlatency;
    const ids = Array.from({ length: n }, (_, i) => `scale-${String(i)}`);
    const lives = ids.map((id) => next(id, 'live'));
    await Promise.all(ids.map((id) => service.start(id, { viewer: 'bench', durationSec: 0 })));
    const infos = await Promise.all(lives);
    for (const info of infos)
      await playSetup(page, `ll${String(n)}-${info.cameraId}`, 'lowlatency', info, http.toPageHttp);
    await sleep(8_000);
    const sampleAll = () =>
      Promise.all(
        ids.map((id) => page.evaluate((i) => window.benchSample(i), `ll${String(n)}-${id}`)),
      );
    const before = await sampleAll();
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const load = await sampleCpu(service.pids(), 4_000);
    const cpu1 = process.cpuUsage(cpu0);
    const after = await sampleAll();
    const seconds = (Date.now() - t0) / 1000;
    const fps = after.map((a, i) => (a.frames - (before[i]?.frames ?? 0)) / seconds);
    const mainCpu = ((cpu1.user + cpu1.system) / 1e6 / seconds) * 100;
    scaleLowLatency.push({
      streams: n,
      ffmpegCpuTotal: load.perProcess.reduce((a, b) => a + b, 0),
      machineCpu: load.machine,
      minFps: Math.min(...fps),
      allAdvancing: fps.every((f) => f >= 10),
      mainCpu,
    });
    log(
      `low latency scale ${String(n)}: min ${Math.min(...fps).toFixed(1)} fps, main ${mainCpu.toFixed(1)}% of a core (${(mainCpu / n).toFixed(2)}% per stream)`,
    );
    for (const id of ids) await page.evaluate((i) => window.benchStop(i), `ll${String(n)}-${id}`);
    await service.stopAll();
  }

  // 6. The camera wall: 16 cameras on a 4 × 4 wall in Vigil's real wall window, and the same
  // grid with 4 (wall.ts: its own cameras, one encoder for all, and its own browser).
  const { wall, wallFour } = await wallSetups({ quick: QUICK });

  const results: Results = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'cpu'} × ${String(cpus().length)}, ${execSync('ffmpeg -version').toString().split('\n')[0] ?? ''}, ${browser.version()}`,
    runs: RUNS,
    profiles: Object.fromEntries(NAMES.map((n) => [n, PROFILES[n].label])),
    startup: Object.fromEntries(
      NAMES.map((n) => [
        n,
        {
          playlist: summary(startup[n]?.playlist ?? []),
          frame: summary(startup[n]?.frame ?? []),
          stop: summary(startup[n]?.stop ?? []),
        },
      ]),
    ),
    ui: { poster: summary(ui.poster), frame: summary(ui.frame), stopClick: summary(ui.stopClick) },
    warm: {
      click: summary(ui.warmFrame),
      handed: { ready: ui.warmHanded, of: ui.warmFrame.length },
      cost: warmCost,
    },
    steady: Object.fromEntries(
      NAMES.map((n) => {
        const s = steady[n];
        return [
          n,
          {
            g2g: summary(s?.g2g ?? []),
            g2gTrue: summary(s?.g2gTrue ?? []),
            hlsLatency: summary(s?.hlsLatency ?? []),
            cpu: s?.cpu ?? NaN,
            rssMb: s?.rssMb ?? NaN,
            fps: s?.fps ?? NaN,
          },
        ];
      }),
    ),
    scale,
    scaleLowLatency,
    wall,
    wallFour,
    drift,
    durationS: Math.round((Date.now() - started) / 1000),
  };
  if (QUICK) {
    for (const n of NAMES) {
      const x = results.steady[n];
      log(
        `${n}: start → frame p50 ${String(results.startup[n]?.frame.p50)} ms, g2g p50 ${String(x?.g2gTrue.p50)} ms, ${String(x?.fps.toFixed(1))} fps`,
      );
    }
    await browser.close();
    await stopAllFakeCameras();
    return;
  }
  const docs = join(ROOT, 'docs');
  writeFileSync(join(docs, 'benchmarks.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = report(results);
  writeFileSync(join(docs, 'benchmarks.md'), markdown);
  writeFileSync(join(docs, 'benchmarks.svg'), chart(results));
  console.log(markdown);
  await browser.close();
  await stopAllFakeCameras();
  for (const name of NAMES) await rigs[name].http.close();
}

declare global {
  interface Window {
    benchPlay: (id: string, url: string, config: object) => void;
    benchPlayMse: (id: string, url: string) => void;
    benchFirstFrame: (id: string) => Promise<number>;
    benchSample: (id: string) => {
      frames: number;
      glassToGlassMs: number | null;
      hlsLatencyS: number | null;
    };
    benchStop: (id: string) => void;
    benchTimecode: (id: string) => Promise<number | null>;
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    await stopAllFakeCameras();
    process.exit(1);
  },
);
