import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';
import { isAlive } from '../helpers/stream-harness';
import { SHOW_WINDOW_LABEL, WATCH_LABEL } from '../../src/shared/labels';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { framesInOneSecond } from './frames';
import { card, LIVE_WITHIN, liveStatus, openLive as openLiveFrom, UI_WITHIN } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP browser e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}
// The fake cameras send 25 fps. Playing means frames advance: a stalled player presents 0.
// Smoothness is the benchmark's question (npm run bench counts fps); while other suites
// load the machine, headless Chromium may present well under 25.
const MIN_FPS = 5;
// Round trips to the ONVIF simulator, or a snapshot through main and ffmpeg.
const DEVICE_WITHIN = 10_000;

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
  });

  afterAll(async () => {
    await app?.dispose();
    await onvif?.close();
    await stopAllFakeCameras();
  });

  // Each test opens what it uses, from a dashboard of its own, and leaves nothing open: no
  // test leans on a page or a stream another one left behind.
  beforeEach(async () => {
    dashboard = await app.openDashboard();
  });

  afterEach(async () => {
    await Promise.all(app.context.pages().map((page) => page.close()));
    await expect.poll(() => app.streams.list(), { timeout: UI_WITHIN }).toEqual([]);
  });

  const openLive = (name: string) => openLiveFrom(app, dashboard, name);

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

  it('Stop stops within 3 s, closes the page and cleans up', async () => {
    const page = await openLive('Front door');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    const before = app.streams.list().find((s) => s.cameraId === ids['Front door']);

    // This test's session is the only one (afterEach leaves none): its ffmpeg is the one pid.
    expect(app.streams.pids()).toHaveLength(1);
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
    expect(pid).toBeDefined();
    expect(isAlive(pid ?? 0)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('the countdown reaching 0 ends the session: ffmpeg and the directory are gone, the window stays with Watch again', async () => {
    const page = await openLive('Short clip');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    const session = app.streams.list().find((s) => s.cameraId === ids['Short clip']);
    expect(app.streams.pids()).toHaveLength(1);
    const pid = app.streams.pids()[0];
    expect(pid).toBeDefined();
    // 4 s of stream, then main stops it; the window stays and offers to watch again.
    await expect.poll(() => app.streams.list(), { timeout: 15_000 }).toEqual([]);
    await page.getByRole('button', { name: 'Watch again' }).waitFor({ timeout: UI_WITHIN });
    expect(page.isClosed()).toBe(false);
    expect(isAlive(pid ?? 0)).toBe(false);
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
      // Stream ffmpeg only: the card's picture of a live camera is a short ffmpeg of its own.
      const streamSpawns = () => app.spawnLog.filter((p) => p.args.includes('hls')).length;
      const spawnedBefore = streamSpawns();
      await card(dashboard, 'Front door').getByRole('button', { name: SHOW_WINDOW_LABEL }).click();
      await expect
        .poll(
          () =>
            app.context.pages().filter((p) => p.url().includes(`camera=${ids['Front door'] ?? ''}`))
              .length,
          { timeout: UI_WITHIN },
        )
        .toBe(1);
      expect(streamSpawns()).toBe(spawnedBefore);
      expect(app.streams.pids().filter(isAlive)).toHaveLength(2);

      // The dashboard shows pictures of the cameras that answer.
      await dashboard.bringToFront();
      await expect
        .poll(() => dashboard.locator('.thumb img').count(), { timeout: 20_000 })
        .toBeGreaterThanOrEqual(3);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await expect.poll(() => app.streams.list().length, { timeout: UI_WITHIN }).toBe(0);
  });

  it('an offline camera’s Start is disabled, with the reason', async () => {
    await card(dashboard, 'Garage').getByText('Offline').waitFor({ timeout: 15_000 });
    const start = card(dashboard, 'Garage').getByRole('button', { name: WATCH_LABEL });
    await expect.poll(() => start.isDisabled(), { timeout: UI_WITHIN }).toBe(true);
    expect(await card(dashboard, 'Garage').textContent()).toMatch(
      /refused the connection.*Check the address and port/,
    );
  });

  it('a wrong-password camera opened from the tray shows the reason and leaves no spinning window', async () => {
    // The card offers "Enter password…" instead of Watch; the tray still opens the window.
    const opened = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openLive(id), ids['Side gate'] ?? '');
    const page = await opened;
    await page.waitForURL(/\/live\.html\?/, { waitUntil: 'domcontentloaded' });
    try {
      const alert = page.getByRole('alert');
      await expect
        .poll(() => alert.textContent(), { timeout: 10_000 })
        .toMatch(/refused the username or password/);
      expect(await page.locator('.spinner').count()).toBe(0);
      expect(await alert.getByRole('button', { name: 'Enter password…' }).isVisible()).toBe(true);
      expect(app.streams.list().filter((s) => s.cameraId === ids['Side gate'])).toEqual([]);
      // Another camera's change is not a new password: the window does not ask again.
      // Every stream state the window hears of for this camera from now on (a new try sends some).
      await page.evaluate((id) => {
        const heard: string[] = [];
        (window as unknown as { heard: string[] }).heard = heard;
        window.vigil.streams.onState((s) => {
          if (s.cameraId === id) heard.push(s.state);
        });
      }, ids['Side gate'] ?? '');
      const other = app.registry.get(ids['Garage'] ?? '');
      if (!other) throw new Error('the Garage camera is missing');
      await app.registry.update(other.id, {
        name: 'Garage (renamed)',
        source: other.source.kind === 'rtsp' ? other.source : { kind: 'demo' },
      });
      await expect
        .poll(() => dashboard.getByText('Garage (renamed)').count(), { timeout: UI_WITHIN })
        .toBe(1);
      // Past the list's coalescing and a start's first answer.
      await page.waitForTimeout(1_000);
      expect(await page.locator('.spinner').count()).toBe(0);
      expect(await alert.textContent()).toMatch(/refused the username or password/);
      expect(await page.evaluate(() => (window as unknown as { heard: string[] }).heard)).toEqual(
        [],
      );
      await app.registry.update(other.id, {
        name: 'Garage',
        source: other.source.kind === 'rtsp' ? other.source : { kind: 'demo' },
      });
    } finally {
      await page.close();
    }
  });

  it('a stream ended elsewhere (as the tray’s Stop does) shows "ended" and closes its window', async () => {
    const page = await openLive('Back yard');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    const closed = page.waitForEvent('close', { timeout: 10_000 });
    await app.streams.stop(ids['Back yard'] ?? '');
    await expect
      .poll(() => page.locator('.stage-status').textContent(), { timeout: UI_WITHIN })
      .toBe('Stream ended');
    await closed;
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
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent(), { timeout: DEVICE_WITHIN })
      .toMatch(/Wrong username or password/);
    await dialog.getByLabel('Password', { exact: true }).fill('onvif-pw');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
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
      .poll(() => page.getByText(/Snapshot saved: Porch .*\.png/).count(), {
        timeout: DEVICE_WITHIN,
      })
      .toBe(1);
    await page.getByRole('button', { name: 'Stop' }).click();
  });
});
