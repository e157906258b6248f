import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';
import { isAlive } from '../helpers/stream-harness';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { framesInOneSecond } from './frames';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP browser e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}
// The README's screenshots are taken only on request (npm run screenshots sets this), so a
// test run leaves docs/ alone.
const SCREENSHOTS = process.env.VIGIL_SCREENSHOTS === '1';
const DOCS = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));
// Waits on app events get room for a 2-core machine shared with other suites: start-up that
// takes ~1.4 s idle (npm run bench) took several seconds there. They cost time only on failure.
const LIVE_WITHIN = 20_000;
// The fake cameras send 25 fps. Playing means frames advance: a stalled player presents 0.
// Smoothness is the benchmark's question (npm run bench counts fps); while other suites
// load the machine, headless Chromium may present well under 25.
const MIN_FPS = 5;
// A page reacting to a click or to an event from main: milliseconds idle. expect.poll's
// default of 1 s is tight while other suites load the machine.
const UI_WITHIN = 5_000;
// Round trips to the ONVIF simulator, or a snapshot through main and ffmpeg.
const DEVICE_WITHIN = 10_000;

const card = (page: Page, name: string) => page.getByRole('article', { name });
const liveStatus = (page: Page) => page.getByRole('status', { name: 'Stream status' });
const countdown = (page: Page) => page.getByLabel('Time left');

/** Seconds shown by a live page's countdown. */
async function secondsLeft(page: Page): Promise<number> {
  const text = (await countdown(page).textContent()) ?? '';
  const [m, s] = text.split(':').map(Number);
  return (m ?? 0) * 60 + (s ?? 0);
}

describe.runIf(runnable)('Vigil in Chromium against the real services', () => {
  let app: AppHarness;
  let dashboard: Page;
  let front: FakeCamera;
  let yard: FakeCamera;
  let locked: FakeCamera;
  let onvifCam: FakeCamera;
  let onvif: FakeOnvif;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [front, yard, locked, onvifCam] = await Promise.all([
      startFakeCamera({ audio: 'aac' }),
      startFakeCamera({ audio: 'none', size: '960x540' }),
      startFakeCamera({ user: 'admin', password: 'right', audio: 'none' }),
      startFakeCamera({ user: 'admin', password: 'onvif-pw', audio: 'none', size: '960x540' }),
    ]);
    onvif = await startFakeOnvif({
      username: 'admin',
      password: 'onvif-pw',
      rtspUrl: onvifCam.url,
      manufacturer: 'Acme',
      model: 'Dome 4',
    });
    app = await startApp({ statusIntervalMs: 2_000 });
    const add = async (
      name: string,
      url: string,
      extra: { password?: string; username?: string; durationSec?: number } = {},
    ) => {
      const camera = await app.registry.add({
        name,
        source: { kind: 'rtsp', url },
        ...(extra.username ? { username: extra.username } : {}),
        ...(extra.password ? { password: extra.password } : {}),
        ...(extra.durationSec !== undefined ? { options: { durationSec: extra.durationSec } } : {}),
      });
      ids[name] = camera.id;
    };
    await add('Front door', front.url);
    await add('Back yard', yard.url);
    await add('Garage', `rtsp://127.0.0.1:${String(await freePort())}/cam`);
    await add('Side gate', locked.url, { username: 'admin', password: 'wrong' });
    await add('Short clip', front.url.replace('/cam', '/cam'), { durationSec: 4 });
    await app.monitor.checkAll();
    dashboard = await app.openDashboard();
    await card(dashboard, 'Garage').getByText('Offline').waitFor({ timeout: 15_000 });
    if (SCREENSHOTS) await mkdir(DOCS, { recursive: true });
  });

  afterAll(async () => {
    await app?.dispose();
    await onvif?.close();
    await stopAllFakeCameras();
  });

  async function openLive(name: string): Promise<Page> {
    const opened = app.nextPage();
    await card(dashboard, name)
      .getByRole('button', { name: /Start live stream|Open live view/ })
      .click();
    const page = await opened;
    await page.waitForLoadState('domcontentloaded');
    return page;
  }

  it('Start on a card opens a live page whose frames advance and whose countdown goes down each second', async () => {
    const page = await openLive('Front door');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    expect(await page.title()).toBe('Front door');
    const fps = await framesInOneSecond(page);
    console.log(`Front door: ${String(fps)} frames in 1 s`);
    expect(fps).toBeGreaterThanOrEqual(MIN_FPS);
    // Goes down twice, each within 2.5 s: a ticking countdown, even when a loaded machine
    // delays a tick (fixed 1.1 s sleeps saw the same second twice); a frozen one fails.
    const first = await secondsLeft(page);
    expect(first).toBeLessThanOrEqual(60);
    await expect.poll(() => secondsLeft(page), { timeout: 2_500 }).toBeLessThan(first);
    const second = await secondsLeft(page);
    await expect.poll(() => secondsLeft(page), { timeout: 2_500 }).toBeLessThan(second);
    // The dashboard card shows it too, from main's deadline.
    await expect
      .poll(() => card(dashboard, 'Front door').getByRole('status').textContent(), {
        timeout: UI_WITHIN,
      })
      .toMatch(/live · \d:\d\d left/);
  });

  it('+60 s moves the countdown and main’s deadline; Stop stops within 3 s, closes the page and cleans up', async () => {
    const page = app.livePage(ids['Front door'] ?? '') ?? (await openLive('Front door'));
    const before = app.streams.list().find((s) => s.cameraId === ids['Front door']);
    const shownBefore = await secondsLeft(page);
    await page.getByRole('button', { name: '+60 s' }).click();
    await expect
      .poll(() => app.streams.list().find((s) => s.cameraId === ids['Front door'])?.deadline, {
        timeout: UI_WITHIN,
      })
      .toBe((before?.deadline ?? 0) + 60_000);
    await expect
      .poll(() => secondsLeft(page), { timeout: UI_WITHIN })
      .toBeGreaterThan(shownBefore + 50);

    const pid = app.streams.pids()[0];
    const dir = join(app.tempRoot, before?.sessionId ?? 'none');
    const closed = page.waitForEvent('close');
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Stop' }).click();
    await closed;
    // Typically ~0.1–0.3 s; the stop ladder's worst case is 2 × 400 ms and SIGKILL. The rest
    // is room for a click, IPC and a page close on a loaded machine; a Stop that hangs fails.
    await expect.poll(() => app.streams.list().length, { timeout: 3_000 }).toBe(0);
    const took = Date.now() - t0;
    console.log(`Stop → page closed and session gone in ${String(took)} ms`);
    expect(took).toBeLessThan(3_000);
    expect(isAlive(pid ?? -1)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('the countdown reaching 0 closes the page; ffmpeg and the directory are gone', async () => {
    const page = await openLive('Short clip');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    const session = app.streams.list().find((s) => s.cameraId === ids['Short clip']);
    const pid = app.streams.pids()[0];
    // 4 s of stream, then the stop and the page closing.
    await page.waitForEvent('close', { timeout: 15_000 });
    expect(app.streams.list()).toEqual([]);
    expect(isAlive(pid ?? -1)).toBe(false);
    expect(existsSync(join(app.tempRoot, session?.sessionId ?? 'none'))).toBe(false);
  });

  it('two cameras in two pages both advance; the same camera opened twice is one page and one ffmpeg', async () => {
    const a = await openLive('Front door');
    const b = await openLive('Back yard');
    try {
      await expect.poll(() => liveStatus(a).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
      await expect.poll(() => liveStatus(b).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
      // Headless Chromium renders only the tab in front (Electron windows all render), so
      // count each while it is in front; both sessions stay open all along.
      // The first second after coming to the front is a warm-up; the second one counts.
      const measure = async (page: Page) => {
        await page.bringToFront();
        await framesInOneSecond(page);
        return framesInOneSecond(page);
      };
      const fa = await measure(a);
      const fb = await measure(b);
      const faAgain = await measure(a);
      console.log(`two pages: ${String(fa)}, ${String(fb)}, then ${String(faAgain)} frames in 1 s`);
      expect(Math.min(fa, fb, faAgain)).toBeGreaterThanOrEqual(MIN_FPS);
      const spawnedBefore = app.spawned.length;
      await card(dashboard, 'Front door').getByRole('button', { name: 'Open live view' }).click();
      await expect
        .poll(
          () =>
            app.context.pages().filter((p) => p.url().includes(`camera=${ids['Front door'] ?? ''}`))
              .length,
          { timeout: UI_WITHIN },
        )
        .toBe(1);
      expect(app.spawned.length).toBe(spawnedBefore);
      expect(app.streams.pids().filter(isAlive)).toHaveLength(2);

      // The dashboard shows pictures of the cameras that answer.
      await dashboard.bringToFront();
      await expect
        .poll(() => dashboard.locator('.thumb img').count(), { timeout: 20_000 })
        .toBeGreaterThanOrEqual(3);
      if (SCREENSHOTS) {
        // For the README: a dashboard with a live, an offline and other cameras, and a live window.
        await dashboard.screenshot({ path: join(DOCS, 'dashboard.png') });
        await a.setViewportSize({ width: 800, height: 600 });
        await a.getByRole('button', { name: 'Stats' }).click();
        await a.waitForTimeout(1_200);
        await a.screenshot({ path: join(DOCS, 'live-window.png') });
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await expect.poll(() => app.streams.list().length, { timeout: UI_WITHIN }).toBe(0);
  });

  it('an offline camera’s Start is disabled, with the reason', async () => {
    const start = card(dashboard, 'Garage').getByRole('button', { name: 'Start live stream' });
    await expect.poll(() => start.isDisabled(), { timeout: UI_WITHIN }).toBe(true);
    expect(await card(dashboard, 'Garage').textContent()).toMatch(
      /refused the connection.*Check that it is on/,
    );
  });

  it('a wrong-password camera shows the reason and leaves no spinning window', async () => {
    const page = await openLive('Side gate');
    try {
      const alert = page.getByRole('alert');
      await expect
        .poll(() => alert.textContent(), { timeout: 10_000 })
        .toMatch(/refused the username or password/);
      expect(await page.locator('.spinner').count()).toBe(0);
      expect(await alert.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
      expect(app.streams.list().filter((s) => s.cameraId === ids['Side gate'])).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a camera killed mid-stream and back 3 s later: main reconnects and the same window plays again, no click', async () => {
    const port = await freePort();
    let victim = await startFakeCamera({ port, audio: 'none', size: '640x360' });
    const camera = await app.registry.add({
      name: 'Doomed',
      source: { kind: 'rtsp', url: victim.url },
    });
    await expect
      .poll(() => card(dashboard, 'Doomed').getByText('Online').count(), { timeout: 15_000 })
      .toBe(1);
    const page = await openLive('Doomed');
    try {
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      const t0 = Date.now();
      victim.kill();
      // Main's own state, not hls.js's "Reconnecting…": main noticed and is bringing it back.
      await expect
        .poll(() => page.locator('.stage-status').textContent(), { timeout: 10_000 })
        .toMatch(/The camera dropped — reconnecting \(attempt \d+\)/);
      console.log(`camera killed → main reconnecting shown after ${String(Date.now() - t0)} ms`);
      await page.waitForTimeout(Math.max(0, 3_000 - (Date.now() - t0)));
      victim = await startFakeCamera({ port, audio: 'none', size: '640x360' });
      const back = Date.now();
      await expect.poll(() => liveStatus(page).textContent(), { timeout: 15_000 }).toBe('Live');
      expect(await framesInOneSecond(page)).toBeGreaterThanOrEqual(5);
      const took = Date.now() - back;
      console.log(`camera back → the same window plays again after ${String(took)} ms`);
      // Measured ~2.5 s here (third rung of the 0.5/1/2 s ladder, then the player); room for
      // a loaded machine. The same page: no window was closed or opened.
      expect(took).toBeLessThan(8_000);
      expect(page.isClosed()).toBe(false);
    } finally {
      await page.close();
      await app.registry.remove(camera.id);
      await victim.stop();
    }
  });

  it('a stream ended elsewhere (as the tray’s Stop does) shows "ended" and closes its window', async () => {
    const page = await openLive('Back yard');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    const closed = page.waitForEvent('close', { timeout: 10_000 });
    await app.streams.endSession(ids['Back yard'] ?? '');
    await expect
      .poll(() => page.locator('.stage-status').textContent(), { timeout: UI_WITHIN })
      .toBe('Stream ended');
    await closed;
  });

  it('a frozen camera (session alive, no media): main says it is reconnecting within 10 s', async () => {
    const frozen = await startFakeCamera({ audio: 'none', size: '640x360' });
    const camera = await app.registry.add({
      name: 'Frozen',
      source: { kind: 'rtsp', url: frozen.url },
    });
    await expect
      .poll(() => card(dashboard, 'Frozen').getByText('Online').count(), { timeout: 15_000 })
      .toBe(1);
    const page = await openLive('Frozen');
    try {
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      const t0 = Date.now();
      frozen.freeze();
      // The stall watchdogs fire after ~5 s. 10 s stays: without them hls.js waits forever
      // and ffmpeg's own -timeout takes 10–28 s, and this must fail then.
      await expect
        .poll(() => page.locator('.stage-status').textContent(), { timeout: 10_000 })
        .toMatch(/The camera dropped — reconnecting \(attempt \d+\)/);
      console.log(`camera frozen → main reconnecting shown after ${String(Date.now() - t0)} ms`);
    } finally {
      await page.close();
      await app.registry.remove(camera.id);
      await frozen.stop();
    }
  });

  it('adds a camera through the dialog against the ONVIF simulator, then streams it', async () => {
    await dashboard.getByRole('button', { name: 'Add camera' }).click();
    const dialog = dashboard.getByRole('dialog', { name: 'Add camera' });
    await dialog.getByRole('tab', { name: 'ONVIF address' }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Porch');
    await dialog.getByLabel('Camera address', { exact: true }).fill('127.0.0.1');
    await dialog.getByLabel('ONVIF port', { exact: true }).fill(String(onvif.port));
    await dialog.getByLabel('Username', { exact: true }).fill('admin');
    await dialog.getByLabel('Password', { exact: true }).fill('nope');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent(), { timeout: DEVICE_WITHIN })
      .toMatch(/Wrong username or password/);
    await dialog.getByLabel('Password', { exact: true }).fill('onvif-pw');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect
      .poll(() => dialog.getByRole('status').last().textContent(), { timeout: DEVICE_WITHIN })
      .toMatch(/Connected to Acme Dome 4 \(2 profiles\)/);
    expect(await dialog.getByRole('list', { name: 'Profiles' }).textContent()).toMatch(/1920×1080/);
    await dialog.getByRole('button', { name: 'Add camera' }).click();
    await expect.poll(() => card(dashboard, 'Porch').count(), { timeout: UI_WITHIN }).toBe(1);
    expect(await card(dashboard, 'Porch').textContent()).toMatch(
      /127\.0\.0\.1:\d+ \(main profile\)/,
    );
    const page = await openLive('Porch');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    expect(await framesInOneSecond(page)).toBeGreaterThanOrEqual(MIN_FPS);
    // A frame saved through main (the save dialog is the shell's; here it writes to a folder).
    await page.getByRole('button', { name: 'Snapshot' }).click();
    await expect
      .poll(() => page.getByText(/Saved to .*Porch .*\.png/).count(), { timeout: DEVICE_WITHIN })
      .toBe(1);
    await page.getByRole('button', { name: 'Stop' }).click();
  });
});
