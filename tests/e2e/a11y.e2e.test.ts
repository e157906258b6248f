import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_MIN, LIVE_MIN } from '../../src/main/window-sizes';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { LIVE_WITHIN, UI_WITHIN } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP a11y e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

// A window's minimum size includes its frame; the page gets less. Title bars are ~30–40 px on
// Linux and Windows (28 on macOS), side borders up to 8 px each: the page is checked at the
// minimum less that much.
const FRAME = { width: 16, height: 40 };
const pageAt = (min: { width: number; height: number }) => ({
  width: min.width - FRAME.width,
  height: min.height - FRAME.height,
});

/**
 * axe-core's serious and critical findings on the page, one readable line per element (empty
 * when there are none), and how many rules passed (a scan that checked nothing proves nothing).
 * axe is injected with page.evaluate, which goes through the DevTools protocol and is not
 * subject to the page's CSP: the app's CSP stays as main sends it. Legacy mode runs axe in this
 * page only; the default mode opens a blank page to merge frames' results, which the harness
 * would take for a new app window, and our pages have no frames.
 */
async function axe(page: Page): Promise<{ serious: string[]; passed: string[] }> {
  const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${String(v.impact)}): ${n.target.join(' ')}: ${v.help}`),
    );
  const minor = results.violations.filter((v) => !['serious', 'critical'].includes(v.impact ?? ''));
  if (minor.length) console.log(`axe, minor: ${minor.map((v) => v.id).join(', ')}`);
  return { serious, passed: results.passes.map((p) => p.id) };
}

/** Fails with axe's own words when a page has a serious or critical violation. */
async function expectAccessible(page: Page): Promise<void> {
  const { serious, passed } = await axe(page);
  expect(serious).toEqual([]);
  // The scan did look at the page's text (a blank or failed page would not have any).
  expect(passed).toContain('color-contrast');
}

/** True when the locator's element has focus. */
const hasFocus = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

/** The focused element, described as a test reads it: role or tag, then its name. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const role = el.getAttribute('role') ?? el.tagName.toLowerCase();
    const name =
      el.getAttribute('aria-label') ??
      (el instanceof HTMLInputElement ? (el.labels?.[0]?.firstChild?.textContent ?? '') : null) ??
      el.textContent ??
      '';
    return `${role} ${name.trim()}`;
  });
}

/** Every element is in the viewport and is what a click at its centre would reach. */
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

describe.runIf(runnable)('accessibility and keyboard use, in Chromium', () => {
  let app: AppHarness;
  let camera: FakeCamera;
  let dashboard: Page;

  /** The dashboard as it first shows: every camera's status known. */
  async function dashboardReady(): Promise<void> {
    const card = (name: string) => dashboard.getByRole('article', { name });
    await card('Garage').getByText('Offline').waitFor({ timeout: 15_000 });
    await card('Front door').getByText('Online').waitFor({ timeout: 15_000 });
  }

  beforeAll(async () => {
    camera = await startFakeCamera({ audio: 'none', size: '640x360' });
    app = await startApp({ statusIntervalMs: 2_000 });
    await app.registry.add({ name: 'Front door', source: { kind: 'rtsp', url: camera.url } });
    await app.registry.add({
      name: 'Garage',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(await freePort())}/cam` },
    });
    await app.monitor.checkAll();
    dashboard = await app.openDashboard();
    await dashboardReady();
  });

  // Each test starts from a fresh dashboard: a dialog or menu a failed test left open does not
  // fail the next one.
  afterEach(async () => {
    await dashboard.setViewportSize({ width: 1180, height: 760 });
    await dashboard.reload();
    await dashboardReady();
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  async function openLive(name: string): Promise<Page> {
    const opened = app.nextPage();
    await dashboard
      .getByRole('article', { name })
      .getByRole('button', { name: /^(Watch|Show window)$/ })
      .click();
    const page = await opened;
    await page.waitForLoadState('domcontentloaded');
    return page;
  }

  it('axe: the dashboard (online and offline cards, an open menu) has no serious or critical violation', async () => {
    await expectAccessible(dashboard);
    await dashboard
      .getByRole('article', { name: 'Front door' })
      .getByRole('button', { name: 'More' })
      .click();
    await expectAccessible(dashboard);
    await dashboard.keyboard.press('Escape');
    expect(await dashboard.getByRole('menu').count()).toBe(0);
    expect(app.pageErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('axe: the camera dialog, on each tab, has no serious or critical violation', async () => {
    await dashboard.getByRole('button', { name: 'Add camera' }).click();
    const dialog = dashboard.getByRole('dialog', { name: 'Add camera' });
    for (const name of ['Find on network', 'ONVIF address', 'RTSP URL']) {
      await dialog.getByRole('tab', { name }).click();
      await expectAccessible(dashboard);
    }
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dashboard
      .getByRole('article', { name: 'Front door' })
      .getByRole('button', { name: 'More' })
      .click();
    await dashboard.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = dashboard.getByRole('dialog', { name: 'Edit camera' });
    for (const name of ['ONVIF address', 'RTSP URL']) {
      await edit.getByRole('tab', { name }).click();
      await expectAccessible(dashboard);
    }
    await dashboard.keyboard.press('Escape');
    await expect.poll(() => edit.count(), { timeout: UI_WITHIN }).toBe(0);
  });

  it('axe: a live window, playing and paused, has no serious or critical violation', async () => {
    const page = await openLive('Front door');
    try {
      const status = page.getByRole('status', { name: 'Stream status' });
      await expect.poll(() => status.textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
      // Each window has a heading; a live window's is its camera.
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Front door');
      await page.getByRole('button', { name: 'Stats' }).click();
      await expectAccessible(page);
      await page.evaluate(() => document.querySelector('video')?.pause());
      await expect.poll(() => status.textContent(), { timeout: UI_WITHIN }).toBe('Paused');
      await expectAccessible(page);
    } finally {
      await page.close();
    }
  });

  it('axe: the health panel in a live window and in the dashboard’s dialog has no serious or critical violation', async () => {
    const page = await openLive('Front door');
    try {
      const status = page.getByRole('status', { name: 'Stream status' });
      await expect.poll(() => status.textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
      await page.getByRole('button', { name: 'Health' }).click();
      await page
        .getByRole('region', { name: 'Health' })
        .getByRole('row', { name: /^Video H\.264/ })
        .waitFor({ timeout: LIVE_WITHIN });
      await expectAccessible(page);
      await dashboard.bringToFront();
      await dashboard
        .getByRole('article', { name: 'Front door' })
        .getByRole('button', { name: 'More' })
        .click();
      await dashboard.getByRole('menuitem', { name: 'Health' }).click();
      const dialog = dashboard.getByRole('dialog', { name: 'Health of Front door' });
      await dialog.getByRole('row', { name: /^Video H\.264/ }).waitFor({ timeout: UI_WITHIN });
      await expectAccessible(dashboard);
      await dialog.getByRole('button', { name: 'Close health' }).click();
      await dialog.waitFor({ state: 'detached', timeout: UI_WITHIN });
    } finally {
      await page.close();
    }
  });

  it('axe: a wall window, its grid and an enlarged tile, has no serious or critical violation', async () => {
    const ids = app.registry
      .list()
      .filter((c) => !c.builtIn)
      .map((c) => c.id);
    const wall = await app.walls.add({ name: 'Everything', layout: 'fit', cameraIds: ids });
    const opened = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openWall(id), wall.id);
    const page = await opened;
    try {
      await page.waitForURL(/\/wall\.html\?/, { waitUntil: 'domcontentloaded' });
      const front = page.getByRole('group', { name: 'Front door' });
      await front.waitFor({ timeout: UI_WITHIN });
      // Playing: the tile's face is gone (it says nothing while the picture plays).
      await expect
        .poll(() => front.locator('.wall-tile-face').count(), { timeout: LIVE_WITHIN })
        .toBe(0);
      await expectAccessible(page);
      await front.focus();
      await page.keyboard.press('Enter');
      await expectAccessible(page);
      await page.keyboard.press('Escape');
    } finally {
      await page.close();
      await app.walls.remove(wall.id);
    }
  });

  it('keyboard only: Escape and focus return, tabs by arrows, Tab kept inside, then a camera added by RTSP URL', async () => {
    const page = await app.openDashboard();
    try {
      const add = page.getByRole('button', { name: 'Add camera' });
      await add.waitFor();
      await page.keyboard.press('Tab');
      expect(await hasFocus(add)).toBe(true);

      // Opened with Enter: focus is in the dialog's first field; Escape closes and goes back.
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Add camera' });
      await dialog.waitFor();
      expect(await focused(page)).toBe('button Search network');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('dialog').count(), { timeout: UI_WITHIN }).toBe(0);
      expect(await hasFocus(add)).toBe(true);

      // Opened with Space; the tabs answer arrow keys.
      await page.keyboard.press('Space');
      await dialog.waitFor();
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('tab Find on network');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      expect(await focused(page)).toBe('tab RTSP URL');
      expect(await dialog.getByRole('tab', { selected: true }).textContent()).toBe('RTSP URL');

      // Tab goes round the dialog and never leaves it: tab, Name, URL, sub stream URL,
      // Username, Password, Options, Cancel, Test connection, Add camera, and back to the tab.
      const seen: string[] = [];
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
        seen.push(await focused(page));
      }
      expect(seen).toEqual([
        'input Name',
        'input RTSP URL',
        'input Sub stream URL (optional)',
        'input Username',
        'input Password',
        'summary Options',
        'button Cancel',
        'button Test connection',
        'button Add camera',
        'tab RTSP URL',
      ]);

      await page.keyboard.press('Tab');
      await page.keyboard.type('Keyboard porch');
      await page.keyboard.press('Tab');
      await page.keyboard.type(camera.url);
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.count(), { timeout: UI_WITHIN }).toBe(0);
      expect(await hasFocus(add)).toBe(true);
      await page.getByRole('article', { name: 'Keyboard porch' }).waitFor({ timeout: UI_WITHIN });
      const added = app.registry.list().find((c) => c.name === 'Keyboard porch');
      expect(added?.source).toEqual({ kind: 'rtsp', url: camera.url });
    } finally {
      await page.close();
    }
  });

  it('the dialog keeps one height on every tab, and in the smallest dashboard window its buttons stay in view', async () => {
    await dashboard.getByRole('button', { name: 'Add camera' }).click();
    const dialog = dashboard.getByRole('dialog', { name: 'Add camera' });
    const height = async () => (await dialog.boundingBox())?.height ?? 0;
    const heights: number[] = [];
    for (const name of ['Find on network', 'ONVIF address', 'RTSP URL']) {
      await dialog.getByRole('tab', { name }).click();
      heights.push(await height());
    }
    await dialog.getByText('Options').click();
    heights.push(await height());
    expect(new Set(heights).size, `dialog heights ${heights.join(', ')}`).toBe(1);

    await dashboard.setViewportSize(pageAt(DASHBOARD_MIN));
    for (const name of ['RTSP URL', 'ONVIF address', 'Find on network']) {
      await dialog.getByRole('tab', { name }).click();
      const buttons = dialog.locator('.dialog-actions button');
      expect(await buttons.count()).toBeGreaterThan(0);
      expect(await inViewAndOnTop(buttons), name).toEqual([]);
      expect(await inViewAndOnTop(dialog.getByRole('tab')), name).toEqual([]);
    }
  });

  it('the More menu and the remove confirmation from the keyboard', async () => {
    const card = dashboard.getByRole('article', { name: 'Garage' });
    const more = card.getByRole('button', { name: 'More' });
    await more.focus();
    await dashboard.keyboard.press('Enter');
    expect(await focused(dashboard)).toBe('menuitem Edit');
    await dashboard.keyboard.press('ArrowDown');
    expect(await focused(dashboard)).toBe('menuitem Test connection');
    await dashboard.keyboard.press('Escape');
    expect(await dashboard.getByRole('menu').count()).toBe(0);
    expect(await hasFocus(more)).toBe(true);

    await dashboard.keyboard.press('Space');
    await dashboard.keyboard.press('End');
    expect(await focused(dashboard)).toBe('menuitem Remove…');
    await dashboard.keyboard.press('Enter');
    const confirm = card.getByRole('alertdialog', { name: 'Remove Garage?' });
    await confirm.waitFor();
    expect(await focused(dashboard)).toBe('button Cancel');
    await dashboard.keyboard.press('Escape');
    expect(await confirm.count()).toBe(0);
    expect(await hasFocus(more)).toBe(true);
    expect(app.registry.list().some((c) => c.name === 'Garage')).toBe(true);
  });

  it('live window: Space on a focused button presses it; elsewhere it pauses, and the window says Paused', async () => {
    const page = await openLive('Front door');
    try {
      const status = page.getByRole('status', { name: 'Stream status' });
      await expect.poll(() => status.textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
      const paused = () => page.evaluate(() => document.querySelector('video')?.paused);

      const stats = page.getByRole('button', { name: 'Stats' });
      await stats.focus();
      await page.keyboard.press('Space');
      expect(await stats.getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByRole('definition').count()).toBeGreaterThan(0);
      expect(await paused()).toBe(false);
      expect(await status.textContent()).toBe('Live');

      await stats.evaluate((el) => (el as HTMLElement).blur());
      await page.keyboard.press('Space');
      await expect.poll(() => status.textContent(), { timeout: UI_WITHIN }).toBe('Paused');
      expect(await paused()).toBe(true);
      expect(await page.locator('.stage-status').textContent()).toMatch(/^Paused/);

      // The picture offers Resume; Space on it resumes.
      await page.getByRole('button', { name: 'Resume' }).focus();
      await page.keyboard.press('Space');
      await expect.poll(() => status.textContent(), { timeout: UI_WITHIN }).toBe('Live');
      expect(await paused()).toBe(false);
    } finally {
      await page.close();
    }
  });

  it('live window at its minimum size: every control is in view and reachable', async () => {
    const page = await openLive('Front door');
    try {
      await page.setViewportSize(pageAt(LIVE_MIN));
      const status = page.getByRole('status', { name: 'Stream status' });
      await expect.poll(() => status.textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
      const buttons = page.locator('footer button');
      // Record, Choose folder…, Mute, Snapshot, Stats, Fullscreen, Stop ("Keep watching" shows
      // in the picture near the end): each is there, and every footer button is in view.
      const names = await buttons.evaluateAll((all) => all.map((b) => b.textContent?.trim() ?? ''));
      for (const name of [
        /^Record/,
        /^Choose folder/,
        /^(Mute|Unmute)$/,
        /^Snapshot$/,
        /^Stats$/,
        /Fullscreen$/,
        /^Stop$/,
      ])
        expect(
          names.some((n) => name.test(n)),
          `${String(name)} among ${names.join(', ')}`,
        ).toBe(true);
      expect(await inViewAndOnTop(buttons)).toEqual([]);
      expect(await inViewAndOnTop(status)).toEqual([]);
      // The whole picture shows above the controls (scaled down, not cut off), at a usable size.
      const video = await page.locator('video').boundingBox();
      const footer = await page.locator('footer').boundingBox();
      expect(video && footer && video.y + video.height).toBeLessThanOrEqual(footer?.y ?? 0);
      expect(video?.height ?? 0).toBeGreaterThanOrEqual(120);
    } finally {
      await page.close();
    }
  });
});
