// The mini player and Keep on top (issue 12 §3) through the real live page in Chromium, against
// the real services: the harness's window port stands in for main's WindowManager (a page is the
// window's content, so a mini player is a page of the mini window's size; main's own resizing
// and always-on-top calls are proven on the fake Electron in tests/shell/live-mini-window).
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_MINI_DEFAULT, LIVE_MINI_MIN } from '../../src/main/window-sizes';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { LIVE_WITHIN, UI_WITHIN, card, liveStatus, openLive } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP mini player e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

/** The opacity the mini player's controls are drawn with now ('0' hidden, '1' shown). */
const controlsOpacity = (page: Page) =>
  page.locator('.mini-controls').evaluate((el) => getComputedStyle(el).opacity);

/** Every element is inside the viewport and is what a click at its centre reaches. */
function inViewAndOnTop(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) =>
    elements.flatMap((el) => {
      const r = el.getBoundingClientRect();
      const label = el.textContent?.trim() ?? el.tagName;
      if (r.width === 0 || r.height === 0) return [`${label}: not shown`];
      if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight)
        return [`${label}: outside the ${String(innerWidth)}×${String(innerHeight)} view`];
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit && el.contains(hit) ? [] : [`${label}: covered by ${hit?.outerHTML.slice(0, 60)}`];
    }),
  );
}

describe.runIf(runnable)('the live window as a mini player, and kept on top, in Chromium', () => {
  let app: AppHarness;
  let dashboard: Page;
  let cameraId: string;

  beforeAll(async () => {
    const camera = await startFakeCamera({ audio: 'none', size: '640x360' });
    app = await startApp({ statusIntervalMs: 60_000 });
    cameraId = (
      await app.registry.add({ name: 'Porch', source: { kind: 'rtsp', url: camera.url } })
    ).id;
    dashboard = await app.openDashboard();
    await card(dashboard, 'Porch').waitFor({ timeout: UI_WITHIN });
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  async function watch(): Promise<Page> {
    const page = await openLive(app, dashboard, 'Porch');
    await expect.poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    return page;
  }

  it('Mini player leaves the picture alone; its controls show on hover or focus; Esc gives the window back', async () => {
    const page = await watch();
    try {
      const normal = page.viewportSize();
      await page.getByRole('button', { name: 'Mini player' }).click();
      await expect.poll(() => app.liveMode(cameraId).mini, { timeout: UI_WITHIN }).toBe(true);
      await page.locator('main.live-mini').waitFor({ timeout: UI_WITHIN });
      expect(page.viewportSize()).toEqual(LIVE_MINI_DEFAULT);
      // The picture alone: no footer, and the video fills the page.
      expect(await page.locator('footer').isVisible()).toBe(false);
      const video = await page.locator('video').boundingBox();
      expect(video).toEqual({ x: 0, y: 0, ...LIVE_MINI_DEFAULT });
      // The pointer was where the Mini player button was, outside the small page now.
      await expect.poll(() => controlsOpacity(page), { timeout: UI_WITHIN }).toBe('0');

      await page.mouse.move(LIVE_MINI_DEFAULT.width / 2, LIVE_MINI_DEFAULT.height / 2);
      await expect.poll(() => controlsOpacity(page), { timeout: UI_WITHIN }).toBe('1');
      const controls = page.getByRole('group', { name: 'Mini player controls' });
      expect(
        await controls.getByRole('button').evaluateAll((all) => all.map((b) => b.textContent)),
      ).toEqual(['Exit mini', 'Keep on top', 'Stop']);
      expect(await inViewAndOnTop(controls.getByRole('button'))).toEqual([]);
      // Still playing while small.
      expect(await page.locator('video').evaluate((v: HTMLVideoElement) => v.paused)).toBe(false);

      // Away from the window, the controls go; focus on one brings them back.
      await page.mouse.move(LIVE_MINI_DEFAULT.width + 50, LIVE_MINI_DEFAULT.height + 50);
      await expect.poll(() => controlsOpacity(page), { timeout: UI_WITHIN }).toBe('0');
      await controls.getByRole('button', { name: 'Exit mini' }).focus();
      await expect.poll(() => controlsOpacity(page), { timeout: UI_WITHIN }).toBe('1');

      await page.keyboard.press('Escape');
      await expect.poll(() => app.liveMode(cameraId).mini, { timeout: UI_WITHIN }).toBe(false);
      await page.locator('footer').waitFor({ state: 'visible', timeout: UI_WITHIN });
      expect(await page.locator('main.live-mini').count()).toBe(0);
      expect(page.viewportSize()).toEqual(normal);
      expect(await controls.count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('Keep on top toggles aria-pressed and reaches main, from the footer, from T and from the mini player', async () => {
    const page = await watch();
    try {
      const pin = page.locator('footer').getByRole('button', { name: 'Keep on top' });
      expect(await pin.getAttribute('aria-pressed')).toBe('false');
      await pin.click();
      await expect
        .poll(() => pin.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
        .toBe('true');
      expect(app.liveMode(cameraId)).toEqual({ mini: false, pinned: true });

      await pin.evaluate((el) => (el as HTMLElement).blur());
      await page.keyboard.press('t');
      await expect
        .poll(() => pin.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
        .toBe('false');
      expect(app.liveMode(cameraId)).toEqual({ mini: false, pinned: false });

      // P makes it a mini player; its own Keep on top says and changes the same fact.
      await page.keyboard.press('p');
      const miniPin = page
        .getByRole('group', { name: 'Mini player controls' })
        .getByRole('button', { name: 'Keep on top' });
      await miniPin.waitFor({ timeout: UI_WITHIN });
      expect(await miniPin.getAttribute('aria-pressed')).toBe('false');
      await miniPin.click();
      await expect
        .poll(() => miniPin.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
        .toBe('true');
      expect(app.liveMode(cameraId)).toEqual({ mini: true, pinned: true });

      await page.getByRole('button', { name: 'Exit mini' }).click();
      await expect
        .poll(() => pin.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
        .toBe('true');
      expect(app.liveMode(cameraId)).toEqual({ mini: false, pinned: true });
      await pin.click();
      await expect
        .poll(() => pin.getAttribute('aria-pressed'), { timeout: UI_WITHIN })
        .toBe('false');
    } finally {
      await page.close();
    }
  });

  it('a mini player closed with its Stop comes back as a mini player; axe finds nothing serious in it, down to its minimum size', async () => {
    const first = await watch();
    await first.keyboard.press('p');
    await first.locator('main.live-mini').waitFor({ timeout: UI_WITHIN });
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await first.getByRole('button', { name: 'Stop' }).click();
    await closed;

    // The footer's status is hidden in a mini player: the page's live state is waited on.
    const page = await openLive(app, dashboard, 'Porch');
    try {
      await page.locator('main.live-live.live-mini').waitFor({ timeout: LIVE_WITHIN });
      expect(page.viewportSize()).toEqual(LIVE_MINI_DEFAULT);
      expect(app.liveMode(cameraId).mini).toBe(true);
      await page.mouse.move(10, 10);
      await expect.poll(() => controlsOpacity(page), { timeout: UI_WITHIN }).toBe('1');
      const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help}`);
      expect(serious).toEqual([]);
      expect(results.passes.map((p) => p.id)).toContain('color-contrast');

      // At the mini minimum (less a frame as the a11y suite counts it) the controls still fit.
      await page.setViewportSize({
        width: LIVE_MINI_MIN.width - 16,
        height: LIVE_MINI_MIN.height - 40,
      });
      const buttons = page.getByRole('group', { name: 'Mini player controls' }).getByRole('button');
      expect(await inViewAndOnTop(buttons)).toEqual([]);
      const video = await page.locator('video').boundingBox();
      const last = await buttons.last().boundingBox();
      // The controls take the top of the picture, not all of it.
      expect((last?.y ?? 0) + (last?.height ?? 0)).toBeLessThan((video?.height ?? 0) / 2);

      await page.getByRole('button', { name: 'Exit mini' }).click();
      await page.locator('footer').waitFor({ state: 'visible', timeout: UI_WITHIN });
      expect(app.liveMode(cameraId).mini).toBe(false);
    } finally {
      await page.close();
    }
  });
});
