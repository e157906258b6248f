// The low-latency path through the real UI (issue "Sub-second live" §1, §3): main's fragmented
// MP4 appended to Media Source in the live window, and the fallback to HLS, which the window
// names. The page's stream requests go through the harness's stand-in for vigil-stream://,
// which streams response bodies as Electron's protocol.handle does.
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { framesPerSecond, presentedFrames, recordPresentedFrames } from './frames';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { LIVE_WITHIN, UI_WITHIN, openLive } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP low-latency e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

// 25 fps cameras. A loaded 2-core CI machine presents fewer; a freeze presents none.
const MIN_FPS_EACH_SECOND = 15;
const SECONDS = 6;

const pathTag = (page: Page) => page.locator('.path-tag');

/** Seconds from the picture shown to the newest frame the element holds (the live edge). */
const behindEdge = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector('video');
    if (!video || video.buffered.length === 0) return null;
    return video.buffered.end(video.buffered.length - 1) - video.currentTime;
  });

async function frameSeries(page: Page): Promise<number[]> {
  await page.waitForFunction(
    () => ((window as { __vigilFrames?: unknown[] }).__vigilFrames?.length ?? 0) > 0,
    undefined,
    { timeout: LIVE_WITHIN, polling: 50 },
  );
  const first = (await presentedFrames(page))[0];
  await page.waitForTimeout(
    Math.max(0, (first?.at ?? Date.now()) + SECONDS * 1_000 + 300 - Date.now()),
  );
  return framesPerSecond(await presentedFrames(page), SECONDS);
}

describe.runIf(runnable)('the low-latency path in a live window', () => {
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

  async function addCamera(name: string, options: Parameters<typeof startFakeCamera>[0]) {
    const camera = await startFakeCamera(options);
    await app.registry.add({ name, source: { kind: 'rtsp', url: camera.url } });
    await dashboard.getByRole('article', { name }).waitFor();
    return camera;
  }

  /** Opens the camera's window and turns Low latency on there (remembered for the camera). */
  async function chooseLowLatency(name: string): Promise<void> {
    const page = await openLive(app, dashboard, name);
    const toggle = page.getByRole('button', { name: 'Low latency' });
    await expect
      .poll(() => toggle.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
      .toBe('false');
    await toggle.click();
    await expect
      .poll(() => toggle.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
      .toBe('true');
    const closed = page.waitForEvent('close');
    await page.getByRole('button', { name: 'Stop' }).click();
    await closed;
  }

  it('Low latency is off by default; turned on in a window it is remembered: the next window plays main’s fragmented MP4 through Media Source from the start, every second after its first advances, at the live edge', async () => {
    await addCamera('Porch', { size: '640x360', audio: 'aac' });
    await chooseLowLatency('Porch');
    const requested: string[] = [];
    app.context.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const page = await openLive(app, dashboard, 'Porch');
    try {
      const perSecond = await frameSeries(page);
      console.log(`low latency: frames per second after the first frame [${perSecond.join(', ')}]`);
      // From its second second on: the first still stutters on this path (a pause of up to
      // 0.6 s after the first picture, 4–21 frames measured), which is why it is opt-in.
      expect(Math.min(...perSecond.slice(1))).toBeGreaterThanOrEqual(MIN_FPS_EACH_SECOND);
      await expect
        .poll(() => pathTag(page).textContent(), { timeout: UI_WITHIN })
        .toBe('Low latency');
      // The picture came from the low-latency stream, not the playlist.
      expect(requested.some((p) => p.endsWith('/live.mp4'))).toBe(true);
      expect(requested.some((p) => p.endsWith('.m4s'))).toBe(false);
      // Sampled over 2 s: never more than half a second behind the newest frame received.
      const samples: number[] = [];
      for (let i = 0; i < 8; i++) {
        const behind = await behindEdge(page);
        if (behind !== null) samples.push(behind);
        await page.waitForTimeout(250);
      }
      console.log(
        `low latency: behind the live edge ${samples.map((s) => s.toFixed(2)).join(', ')} s`,
      );
      expect(samples.length).toBeGreaterThan(4);
      expect(Math.max(...samples)).toBeLessThan(0.5);
    } finally {
      await page.close();
    }
  });

  it('falls back to HLS by itself when the low-latency stream cannot be played, and says why', async () => {
    await addCamera('Garden', { size: '640x360', audio: 'none' });
    // The page gets bytes that are not fragmented MP4 where the stream should be.
    const garbage = async (route: Route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'video/mp4', 'access-control-allow-origin': '*' },
        body: Buffer.alloc(4096, 0x41),
      });
    await chooseLowLatency('Garden');
    await app.context.route('**/live.mp4', garbage);
    const page = await openLive(app, dashboard, 'Garden');
    try {
      const perSecond = await frameSeries(page);
      expect(Math.min(...perSecond)).toBeGreaterThanOrEqual(MIN_FPS_EACH_SECOND);
      await expect.poll(() => pathTag(page).textContent(), { timeout: UI_WITHIN }).toBe('HLS');
      expect(await pathTag(page).getAttribute('title')).toMatch(
        /Low latency is off because .*unreadable/,
      );
    } finally {
      await page.close();
      await app.context.unroute('**/live.mp4', garbage);
    }
  });

  it('an H.265 camera where this computer has no H.265 decoder (Debian Chromium): transcoded, played over HLS, and the window says so', async () => {
    await addCamera('Drive', { size: '640x360', codec: 'h265', audio: 'none' });
    await chooseLowLatency('Drive');
    const page = await openLive(app, dashboard, 'Drive');
    try {
      const perSecond = await frameSeries(page);
      expect(Math.min(...perSecond)).toBeGreaterThanOrEqual(MIN_FPS_EACH_SECOND);
      await expect.poll(() => pathTag(page).textContent(), { timeout: UI_WITHIN }).toBe('HLS');
      expect(await pathTag(page).getAttribute('title')).toMatch(/converted to H\.264/);
      // The page asked its platform and told main: H.264 only here.
      expect(app.logs.filter((l) => l.startsWith('pages play:')).at(-1)).toBe('pages play: h264');
    } finally {
      await page.close();
    }
  });
});
