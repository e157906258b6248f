// A kept-ready camera (issue "Sub-second live" §2) through the real UI: main keeps it connected
// and holds its picture since the last keyframe; a click on Watch shows a moving picture at once,
// on the low-latency path, and nothing is written to disk while nobody watches.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../src/shared/streams';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { framesPerSecond, presentedFrames, recordPresentedFrames } from './frames';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { LIVE_WITHIN, UI_WITHIN, card, clickedAt, openLive, readyPageLoaded } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP warm-camera e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

// The goal is 0.3 s from the click to a moving picture. The click is handed the ready
// window (a live page loaded in advance while a camera is kept ready), so no page loads after
// it. Measured here (2026-12-03, 12 clicks, from the dashboard's click event): 0.22–0.46 s, p50
// 0.30 s; without the ready window 0.83–1.06 s. The assertion leaves room for a loaded 2-core
// machine and still fails where the picture waits for a page load (≥ 0.8 s), a new keyframe of
// this camera's 4 s GOP or a new camera connection (1–4 s).
const MOVING_AFTER_CLICK_MS = 700;
const MIN_FPS_EACH_SECOND = 15;

const pathTag = (page: Page) => page.locator('.path-tag');

describe.runIf(runnable)('a kept-ready camera', () => {
  let app: AppHarness;
  let dashboard: Page;

  beforeAll(async () => {
    app = await startApp({ statusIntervalMs: 60_000, readyDelayMs: 500 });
    await recordPresentedFrames(app.context);
    dashboard = await app.openDashboard();
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  /** The camera's warm session once it is live (no viewer), polled from main. */
  async function warmLive(cameraId: string, notSession?: string): Promise<StreamInfo> {
    let found: StreamInfo | undefined;
    await expect
      .poll(
        () => {
          found = app.streams
            .list()
            .find(
              (s) =>
                s.cameraId === cameraId &&
                s.warm === true &&
                s.state === 'live' &&
                s.viewers === 0 &&
                s.sessionId !== notSession,
            );
          return found !== undefined;
        },
        { timeout: LIVE_WITHIN, interval: 100 },
      )
      .toBe(true);
    if (!found) throw new Error('unreachable');
    return found;
  }

  it('its window (the ready one, loaded in advance) shows a moving picture within 0.7 s of the click, on the low-latency path, from the session that wrote no files while nobody watched', async () => {
    // A 4 s GOP with B-frames and AAC 44.1 kHz stereo: a cold start would wait up to 4 s for
    // a keyframe; a warm one starts from the cached one.
    const camera = await startFakeCamera({
      size: '640x360',
      audio: 'aac',
      gop: 100,
      bframes: 2,
      audioRate: 44100,
      audioChannels: 2,
    });
    const added = await app.registry.add({
      name: 'Hall',
      source: { kind: 'rtsp', url: camera.url },
      options: { keepReady: true },
    });
    await card(dashboard, 'Hall').waitFor();
    const warm = await warmLive(added.id);
    // Warm for a while (past a keyframe or two), nobody watching: no HLS file on disk.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const files = readdirSync(join(app.tempRoot, warm.sessionId));
    expect(files.filter((f) => /\.(m3u8|m4s|mp4)$/.test(f))).toEqual([]);

    // The ready page, loaded and waiting for a camera before the click.
    const ready = await readyPageLoaded(app);
    const page = await openLive(app, dashboard, 'Hall');
    const clickAt = await clickedAt(dashboard);
    expect(page, 'the click was handed the ready page').toBe(ready);
    try {
      await page.waitForFunction(
        () => ((window as { __vigilFrames?: unknown[] }).__vigilFrames?.length ?? 0) >= 2,
        undefined,
        { timeout: LIVE_WITHIN, polling: 20 },
      );
      const frames = await presentedFrames(page);
      const moving = frames[1];
      if (!moving) throw new Error('unreachable');
      const ms = (at: number) => String(Math.round(at));
      console.log(
        `warm: click → first frame ${ms((frames[0]?.at ?? NaN) - clickAt)} ms, → moving picture ${ms(moving.at - clickAt)} ms`,
      );
      expect(moving.at - clickAt).toBeLessThan(MOVING_AFTER_CLICK_MS);
      // The same session the camera was kept ready in: no new connection, no new start.
      const joined = app.streams.list().find((s) => s.cameraId === added.id);
      expect(joined?.sessionId).toBe(warm.sessionId);
      await expect
        .poll(() => pathTag(page).textContent(), { timeout: UI_WITHIN })
        .toBe('Low latency');
      await page.waitForTimeout(Math.max(0, moving.at + 5_300 - Date.now()));
      const perSecond = framesPerSecond(await presentedFrames(page), 5);
      console.log(`warm: frames per second after the first [${perSecond.join(', ')}]`);
      expect(Math.min(...perSecond.slice(1))).toBeGreaterThanOrEqual(MIN_FPS_EACH_SECOND);
    } finally {
      const closed = page.waitForEvent('close');
      await page.getByRole('button', { name: 'Stop' }).click();
      await closed;
    }
    // The window's session ended with it; the camera is kept ready again in a new one, and a
    // new ready page waits for the next click.
    await warmLive(added.id, warm.sessionId);
    await expect
      .poll(() => app.readyPage() !== undefined && app.readyPage() !== ready, {
        timeout: UI_WITHIN,
      })
      .toBe(true);
  });
});
