import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCameraOptions,
} from '../fixtures/fake-camera';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { framesPerSecond, longestPause, presentedFrames, recordPresentedFrames } from './frames';

// Cameras and NVRs that send H.264 High with B-frames, a 2–4 s GOP and AAC 44.1 kHz stereo
// froze for seconds at a time in the player, then ran below the camera's rate. Played here
// through the real UI, counting the frames presented in each second after the first one.

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP B-frames e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

// Measured at load 2–6 on 2 cores: 22–26 frames in every second, 19–24 in the first (the
// player starts on the first, short segments). Before the fixes: 0 for up to 4 s, then 21.
// A loaded CI machine presents fewer, a freeze none: 15 leaves room and fails any stall.
const MIN_FPS_EACH_SECOND = 15;
const ASSERTED_SECONDS = 10;
// The full series is logged; the seconds after ASSERTED_SECONDS only for the record.
const LOGGED_SECONDS = 15;
const FIRST_FRAME_WITHIN = 20_000;
const NVR_AUDIO: FakeCameraOptions = { audio: 'aac', audioRate: 44_100, audioChannels: 2 };

/** Extra variants for measuring by hand: VIGIL_FRAME_SERIES=1 also plays the 1 s GOP. */
const MEASURE_BASELINE = process.env.VIGIL_FRAME_SERIES === '1';

interface Played {
  perSecond: number[];
  clickToFirstFrameMs: number;
  spawnToFirstFrameMs: number;
}

describe.runIf(runnable)('B-frames and long GOPs play smoothly from the first frame', () => {
  let app: AppHarness;
  let dashboard: Page;

  beforeAll(async () => {
    app = await startApp({ statusIntervalMs: 60_000 });
    await recordPresentedFrames(app.context);
    dashboard = await app.openDashboard();
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  /** Adds a camera, clicks Start on its card, counts frames for LOGGED_SECONDS, stops. */
  async function play(name: string, options: FakeCameraOptions): Promise<Played> {
    const camera = await startFakeCamera(options);
    await app.registry.add({ name, source: { kind: 'rtsp', url: camera.url } });
    const card = dashboard.getByRole('article', { name });
    const start = card.getByRole('button', { name: 'Watch', exact: true });
    await start.waitFor();
    const opened = app.nextPage();
    const spawnsBefore = app.spawnLog.length;
    const clickedAt = Date.now();
    await start.click();
    const page = await opened;
    try {
      await page.waitForFunction(
        () => ((window as { __vigilFrames?: unknown[] }).__vigilFrames?.length ?? 0) > 0,
        undefined,
        { timeout: FIRST_FRAME_WITHIN, polling: 50 },
      );
      const first = (await presentedFrames(page))[0];
      const firstAt = first?.at ?? Date.now();
      await page.waitForTimeout(Math.max(0, firstAt + LOGGED_SECONDS * 1_000 + 300 - Date.now()));
      const frames = await presentedFrames(page);
      const spawn = app.spawnLog.slice(spawnsBefore).find((s) => s.args.includes('hls'));
      const played: Played = {
        perSecond: framesPerSecond(frames, LOGGED_SECONDS),
        clickToFirstFrameMs: firstAt - clickedAt,
        spawnToFirstFrameMs: spawn ? firstAt - spawn.at : Number.NaN,
      };
      const pause = longestPause(frames, LOGGED_SECONDS);
      console.log(
        `${name}: frames per second after the first frame [${played.perSecond.join(', ')}]; ` +
          `longest pause ${pause.ms.toFixed(0)} ms at ${pause.atSecond.toFixed(1)} s; ` +
          `click → first frame ${String(Math.round(played.clickToFirstFrameMs))} ms, ` +
          `spawn → first frame ${String(Math.round(played.spawnToFirstFrameMs))} ms; ` +
          `load ${loadavg()[0]?.toFixed(2) ?? '?'}`,
      );
      return played;
    } finally {
      await page.close();
      await camera.stop();
    }
  }

  it.runIf(MEASURE_BASELINE)('baseline: 1 s GOP, no B-frames, AAC 44.1 kHz stereo', async () => {
    const { perSecond } = await play('Baseline', { gop: 25, ...NVR_AUDIO });
    expect(Math.min(...perSecond.slice(0, ASSERTED_SECONDS))).toBeGreaterThanOrEqual(
      MIN_FPS_EACH_SECOND,
    );
  });

  it('H.264 High with B-frames, 2 s GOP, AAC 44.1 kHz stereo: every second of the first 10 plays', async () => {
    const { perSecond } = await play('NVR 2 s GOP', { gop: 50, bframes: 2, ...NVR_AUDIO });
    expect(Math.min(...perSecond.slice(0, ASSERTED_SECONDS))).toBeGreaterThanOrEqual(
      MIN_FPS_EACH_SECOND,
    );
  });

  it('H.264 High with B-frames, 4 s GOP, AAC 44.1 kHz stereo: every second of the first 10 plays', async () => {
    const { perSecond } = await play('NVR 4 s GOP', { gop: 100, bframes: 2, ...NVR_AUDIO });
    expect(Math.min(...perSecond.slice(0, ASSERTED_SECONDS))).toBeGreaterThanOrEqual(
      MIN_FPS_EACH_SECOND,
    );
  });
});
