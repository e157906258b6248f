// What the browser e2e suites do with the app's pages, said once.
import type { Page } from 'playwright-core';
import { SHOW_WINDOW_LABEL, WATCH_LABEL } from '../../src/shared/labels';
import type { AppHarness } from './harness';

// Waits on app events get room for a 2-core machine shared with other suites: start-up that
// takes ~1.4 s idle (npm run bench) took several seconds there. They cost time only on failure.
export const LIVE_WITHIN = 20_000;
// A page reacting to a click or to an event from main: milliseconds idle. expect.poll's
// default of 1 s is tight while other suites load the machine.
export const UI_WITHIN = 5_000;

/**
 * The ready live page (loaded in advance while a camera is kept ready) once it has loaded, to
 * click on; throws after `within` ms without one.
 */
export async function readyPageLoaded(app: AppHarness, within = LIVE_WITHIN): Promise<Page> {
  for (const until = Date.now() + within; Date.now() < until;) {
    const page = app.readyPage();
    const state = await page?.evaluate(() => document.readyState).catch(() => null);
    if (page && state === 'complete') return page;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ready page loaded in ${String(within)} ms`);
}

/** A camera's card on the dashboard. */
export const card = (page: Page, name: string) => page.getByRole('article', { name });
/** The live window's status line ("Live" only while main is live and frames are shown). */
export const liveStatus = (page: Page) => page.getByRole('status', { name: 'Stream status' });

/**
 * What the picture's status box says (the full sentence; the footer only names the state), or ''
 * while there is none (playing). Never waits, so a poll on it cannot hang.
 */
export async function stageText(page: Page): Promise<string> {
  return (await page.locator('.stage-status .status-line').allTextContents()).join(' ');
}

interface ClickLog {
  __vigilClickAt?: number;
}

/**
 * When (Date.now() scale) the page last saw a click: the event's own time, so a figure "from
 * the click" leaves out the test driver's wait before it clicks.
 */
export const clickedAt = (page: Page): Promise<number> =>
  page.evaluate(() => (window as ClickLog).__vigilClickAt ?? NaN);

/**
 * Clicks a card's Watch (or Show window) on the dashboard, brought to the front as a user's
 * click does, and resolves with the live page, once loaded. clickedAt(dashboard) says when.
 */
export async function openLive(app: AppHarness, dashboard: Page, name: string): Promise<Page> {
  await dashboard.bringToFront();
  await dashboard.evaluate(() => {
    const w = window as ClickLog & { __vigilClicks?: true };
    if (w.__vigilClicks) return;
    w.__vigilClicks = true;
    document.addEventListener(
      'click',
      (event) => (w.__vigilClickAt = performance.timeOrigin + event.timeStamp),
      { capture: true },
    );
  });
  const opened = app.nextPage();
  // With a camera kept ready, main hands the click its ready page (loaded in advance), which
  // then takes the camera into its address; otherwise a new page opens.
  const ready = app.readyPage();
  const handed = ready
    ? ready.waitForURL(/\/live\.html\?camera=/, { timeout: UI_WITHIN }).then(() => ready)
    : new Promise<Page>(() => undefined);
  await card(dashboard, name)
    .getByRole('button', { name: new RegExp(`^(${WATCH_LABEL}|${SHOW_WINDOW_LABEL})$`) })
    .click();
  const page = await Promise.race([opened, handed]);
  // The page exists before it navigates to live.html; wait for the live page itself.
  await page.waitForURL(/\/live\.html\?/, { waitUntil: 'domcontentloaded' });
  return page;
}
