// What the ready window costs (issue "Sub-second live" §2): while a camera is kept ready, Vigil
// keeps one live window made in advance, hidden, its page loaded and waiting for a camera. In
// the browser stand-in that window is a page: this measures the Chromium processes' memory (PSS)
// with the dashboard and a kept-ready camera, before and after the ready page is made, and the
// CPU of the processes the ready page added while it waits.
//   node --import tsx bench/ready-cost.ts
import { startApp } from '../tests/e2e/harness';
import { readyPageLoaded } from '../tests/e2e/live-pages';
import { startFakeCamera, stopAllFakeCameras } from '../tests/fixtures/fake-camera';
import { commandLine, cpuTicks, CLK_TCK, descendants, pssMb } from './proc';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const chromiumPids = () =>
  descendants(process.pid).filter((pid) => /chrom/i.test(commandLine(pid).split(' ')[0] ?? ''));
const pss = (pids: number[]) => pids.reduce((sum, pid) => sum + pssMb(pid), 0);

/** The median of three readings a second apart (PSS moves as pages settle). */
async function settledPss(): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    readings.push(pss(chromiumPids()));
    await sleep(1_000);
  }
  return readings.sort((a, b) => a - b)[1] ?? NaN;
}

async function main(): Promise<void> {
  const camera = await startFakeCamera({ size: '1280x720' });
  // Long enough to measure without the ready page first.
  const app = await startApp({ statusIntervalMs: 60_000, readyDelayMs: 15_000 });
  try {
    await app.openDashboard();
    await app.registry.add({
      name: 'Kept ready',
      source: { kind: 'rtsp', url: camera.url },
      options: { keepReady: true },
    });
    await sleep(6_000);
    const before = chromiumPids();
    const without = await settledPss();
    await readyPageLoaded(app, 30_000);
    await sleep(3_000);
    const added = chromiumPids().filter((pid) => !before.includes(pid));
    const withReady = await settledPss();
    const t0 = new Map(added.map((pid) => [pid, cpuTicks(pid)]));
    const windowMs = 10_000;
    await sleep(windowMs);
    const ticks = added.reduce((sum, pid) => sum + cpuTicks(pid) - (t0.get(pid) ?? 0), 0);
    const cpu = (ticks / CLK_TCK / (windowMs / 1_000)) * 100;
    console.log(
      `[bench] ready window: Chromium +${(withReady - without).toFixed(0)} MB PSS (${without.toFixed(0)} → ${withReady.toFixed(0)} MB; ${String(added.length)} new process(es), ${pss(added).toFixed(0)} MB of them); its new processes ${cpu.toFixed(1)} % of a core while it waits`,
    );
  } finally {
    await app.dispose();
    await stopAllFakeCameras();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
