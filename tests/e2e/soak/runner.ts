/**
 * The soak: fake cameras, the real services in this process ("main"), the built renderer in
 * Debian Chromium (tests/e2e/harness.ts), live windows opened and closed on a seeded schedule
 * while cameras are restarted and frozen. Measures, never writes: main.ts writes the report.
 */
import { startFakeCamera, stopAllFakeCameras } from '../../fixtures/fake-camera';
import { isAlive } from '../../helpers/stream-harness';
import { decodeAdvances, decodedFrames, recordDecodedFrames } from '../frames';
import { startApp, type AppHarness } from '../harness';
import { RECOVERY_WAIT_MS, runFault } from './faults';
import { LeakWatch, MainWatch, takeSample } from './observers';
import {
  added,
  describeSockets,
  everythingIn,
  fdTargets,
  ffmpegBelow,
  openFds,
  rawFdTargets,
} from './probes';
import { between, planFaults, seededRandom, type PlannedFault } from './schedule';
import type { FaultResult, Sample, SoakOptions, SoakResult } from './types';
import { PLAY_WITHIN_MS, secs, sleep, Windows, type Lane } from './windows';

/** Planned time between a camera's return and its next fault (its recovery is measured alone). */
const SETTLE_MS = 20_000;
/** Node's http server closes idle keep-alive sockets after 5 s: then the idle fd count is fair. */
const QUIET_MS = 7_000;
const TICK_MS = 100;
const PLAY_CHECK_EVERY_MS = 10_000;
const STALLED_MS = 4_000;

// tsx (npm run soak) compiles with esbuild's keepNames, which wraps functions in a `__name`
// helper that does not exist in the page: functions passed to the page would throw. Vitest
// does not, so this is a no-op there.
const NAME_SHIM = 'globalThis.__name ??= (fn) => fn;';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** Runs one soak and returns what it measured; budgets.ts judges it. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  const plan = planFaults({
    seed: options.seed,
    durationMs: options.durationMs,
    cameras: options.cameras,
    restartEveryMs: options.restartEveryMs,
    freezeEveryMs: options.freezeEveryMs,
    outageMs: options.outageMs,
    freezeMs: options.freezeMs,
    leadMs: options.faultLeadMs,
    settleMs: SETTLE_MS,
  });
  const cameraOptions = { audio: 'none', size: options.size } as const;
  const cameras = await Promise.all(
    Array.from({ length: options.cameras }, () => startFakeCamera(cameraOptions)),
  );
  let app: AppHarness | undefined;
  try {
    app = await startApp({ statusIntervalMs: 3_000 });
    const harness = app;
    await harness.context.addInitScript({ content: NAME_SHIM });
    await recordDecodedFrames(harness.context);
    const lanes: Lane[] = [];
    for (const [index, camera] of cameras.entries()) {
      const name = `Soak camera ${String(index + 1)}`;
      const { id } = await harness.registry.add({
        name,
        source: { kind: 'rtsp', url: camera.url },
        options: { durationSec: options.streamDurationSec },
      });
      const random = seededRandom((options.seed + 7_919 * (index + 1)) >>> 0);
      lanes.push({
        name,
        id,
        port: camera.port,
        camera,
        random,
        page: null,
        queue: Promise.resolve(),
        pending: 0,
        nextToggleAt: between(random, [0, options.closedMs[1]]),
        fault: null,
        stallReported: false,
      });
    }
    await harness.monitor.checkAll();
    const dashboard = await harness.openDashboard();
    for (const lane of lanes) {
      await dashboard
        .getByRole('article', { name: lane.name })
        .getByText('Online')
        .waitFor({ timeout: 15_000 });
    }
    // One stream started and stopped first: libuv opens its inotify fd on the first fs.watch
    // (a session's readiness watch) and keeps it for the loop's life (init_inotify in
    // deps/uv/src/unix/linux.c); such one-time handles are not what "stable" is about.
    const warmUp = lanes[0];
    if (warmUp) {
      await harness.streams.start(warmUp.id, { viewer: 'soak-warm-up', durationSec: 60 });
      const until = Date.now() + PLAY_WITHIN_MS;
      while (harness.streams.list().some((s) => s.state !== 'live') && Date.now() < until)
        await sleep(TICK_MS);
      await harness.streams.release(warmUp.id, 'soak-warm-up');
    }
    await sleep(QUIET_MS);
    const idleStart = await settledFds(harness);
    const idleTargets = fdTargets();
    const idleRaw = rawFdTargets();
    log(
      `seed ${String(options.seed)}; ${String(plan.length)} faults planned; idle fds ${String(idleStart)}`,
    );

    const t0 = Date.now();
    const since = () => Date.now() - t0;
    const problems: string[] = [];
    const samples: Sample[] = [];
    const main = new MainWatch(harness.streams);
    const mainSaid = (cameraId: string) => {
      main.poll();
      return main.recent(cameraId, t0);
    };
    const windows = new Windows(harness, dashboard, problems, since, mainSaid);
    const leaks = new LeakWatch(harness);
    const sample = () => {
      samples.push(takeSample(harness, since(), lanes.filter((l) => l.page).length));
      const last = samples.at(-1);
      if (last)
        log(
          `${secs(last.atMs)} rss ${mb(last.rss)} fds ${String(last.fds)} windows ${String(last.windows)} ` +
            `sessions ${String(last.sessions)} ffmpeg ${String(last.ffmpeg)} load ${last.load1.toFixed(2)}`,
        );
    };
    const onLane = (lane: Lane, what: string, task: () => Promise<void>): void => {
      lane.pending++;
      lane.queue = lane.queue
        .then(task)
        .catch((error: unknown) => {
          problems.push(`${lane.name}: ${what} failed at ${secs(since())}: ${messageOf(error)}`);
        })
        .finally(() => lane.pending--);
    };
    // In plan order, whichever finishes first (a restart and a freeze may overlap).
    const faultResults: Array<FaultResult | undefined> = plan.map(() => undefined);
    const fault = async (lane: Lane, planned: PlannedFault) => {
      const result = await runFault({ main, since, cameraOptions, mainSaid }, lane, planned);
      faultResults[plan.indexOf(planned)] = result;
      lane.fault = null;
      lane.stallReported = false;
      log(
        `${secs(result.at)} ${planned.kind} ${lane.name} (${String(planned.downMs)} ms): ` +
          (result.recoveryMs === null
            ? 'NOT back'
            : `playing ${String(result.recoveryMs)} ms after its return`) +
          (result.problem ? ` — ${result.problem}` : ''),
      );
    };

    /**
     * Every open window outside a fault keeps decoding: not one frame in STALLED_MS is a stall
     * (a loaded machine slows decoding down, it does not stop it for seconds).
     */
    const checkPlaying = async () => {
      for (const lane of lanes) {
        const page = lane.page;
        if (!page || lane.fault || lane.pending > 0 || lane.stallReported) continue;
        const frames = await decodedFrames(page, Date.now() - STALLED_MS).catch(() => null);
        if (frames === null || page.isClosed() || lane.page !== page || lane.fault) continue;
        if (decodeAdvances(frames).length === 0) {
          lane.stallReported = true;
          problems.push(
            `${lane.name}: its window stopped playing outside any fault at ${secs(since())}`,
          );
        }
      }
    };

    const faultTasks: Array<Promise<void>> = [];
    const pending = [...plan];
    let nextSample = 0;
    let nextLeakCheck = options.leakCheckEveryMs;
    let nextPlayCheck = PLAY_CHECK_EVERY_MS;
    while (since() < options.durationMs) {
      main.poll();
      for (const planned of pending) {
        const lane = lanes[planned.camera];
        if (!lane || lane.fault || since() < planned.at - options.faultLeadMs) continue;
        // Pinned: opened now if closed, and left open until a while after its camera is back.
        lane.fault = planned;
        lane.nextToggleAt = Math.max(lane.nextToggleAt, planned.at + planned.downMs + 10_000);
        // Queued even while a window shows: a close may be under way in the lane's queue (it
        // was, at a fault's lead, in a full run: the fault then found no window). open() does
        // nothing when the window is still there by its turn.
        onLane(lane, 'opening before a fault', () => windows.open(lane));
      }
      for (const planned of pending.filter((f) => since() >= f.at)) {
        pending.splice(pending.indexOf(planned), 1);
        const lane = lanes[planned.camera];
        if (lane) faultTasks.push(fault(lane, planned));
      }
      for (const lane of lanes) {
        if (lane.fault || lane.pending > 0 || since() < lane.nextToggleAt) continue;
        const opening = !lane.page;
        lane.nextToggleAt =
          since() + between(lane.random, opening ? options.openMs : options.closedMs);
        const how = lane.random() < 0.5 ? 'stop' : 'window';
        onLane(lane, opening ? 'opening' : 'closing', () =>
          opening ? windows.open(lane) : windows.close(lane, how),
        );
      }
      if (since() >= nextSample) {
        sample();
        nextSample += options.sampleEveryMs;
      }
      if (since() >= nextLeakCheck) {
        await leaks.check();
        nextLeakCheck += options.leakCheckEveryMs;
      }
      if (since() >= nextPlayCheck) {
        await checkPlaying();
        nextPlayCheck += PLAY_CHECK_EVERY_MS;
      }
      await sleep(TICK_MS);
    }
    // Faults still recovering finish (RECOVERY_WAIT_MS at most) with main watched meanwhile.
    const finishing = Date.now();
    while (lanes.some((l) => l.fault) && Date.now() - finishing < RECOVERY_WAIT_MS + 15_000) {
      main.poll();
      await sleep(TICK_MS);
    }
    await Promise.all(faultTasks);
    await Promise.all(lanes.map((lane) => lane.queue));
    sample();
    const ranMs = since();

    // The end: every window closed as a user closes it; then nothing may be left.
    for (const lane of lanes) await windows.close(lane, 'window');
    const until = Date.now() + 15_000;
    while (harness.streams.list().length > 0 && Date.now() < until) await sleep(TICK_MS);
    await sleep(QUIET_MS);
    const idleEnd = await settledFds(harness);
    await leaks.check();
    const final = {
      ffmpeg: ffmpegBelow(),
      spawnedAlive: harness.spawned.filter(isAlive),
      streamRoot: await everythingIn(harness.tempRoot),
      sessions: harness.streams.list().length,
    };
    const fdsAdded = added(idleTargets, fdTargets());
    log(`idle fds ${String(idleStart)} → ${String(idleEnd)}`);
    if (idleEnd > idleStart)
      log(
        `idle fds added (stream stand-in on ${String(harness.streamPort)}): ${describeSockets(added(idleRaw, rawFdTargets())).join('; ')}`,
      );
    const { log: _log, ...settings } = options;
    return {
      seed: options.seed,
      options: settings,
      startedAt: new Date(t0).toISOString(),
      ranMs,
      faults: faultResults.filter((f): f is FaultResult => f !== undefined),
      windows: windows.counts,
      samples,
      leaks: { ffmpeg: [...leaks.ffmpeg], dirs: [...leaks.dirs], checks: leaks.checks },
      final,
      fds: { idleStart, idleEnd, added: fdsAdded },
      problems,
      pageErrors: harness.pageErrors.length,
      // Without the page's address (a session id each time): what was said, once.
      pageErrorSamples: [
        ...new Set(harness.pageErrors.map((e) => e.replace(/^\S+: /, '').slice(0, 200))),
      ].slice(0, 8),
    };
  } finally {
    await app?.dispose();
    await stopAllFakeCameras();
  }
}

/**
 * This process's open fds with no window, once settled: the browser's idle keep-alive
 * connections to the stream stand-in closed (one per recent session host; Electron's custom
 * scheme has no sockets), and the fewest over 2 s, since a connection being closed goes away
 * while a leak stays.
 */
async function settledFds(harness: AppHarness): Promise<number> {
  let fewest = Infinity;
  for (let i = 0; i < 10; i++) {
    harness.closeIdleStreamConnections();
    await sleep(200);
    fewest = Math.min(fewest, openFds());
  }
  return fewest;
}
