/** Live windows as the soak's user opens and closes them, and what "playing" means. */
import type { Page } from 'playwright-core';
import { SHOW_WINDOW_LABEL, WATCH_LABEL } from '../../../src/shared/labels';
import type { FakeCamera } from '../../fixtures/fake-camera';
import { decodedFrames, playingAgainAt } from '../frames';
import type { AppHarness } from '../harness';
import type { PlannedFault } from './schedule';
import type { SoakResult } from './types';

/** Frames a window must decode within a second to count as playing (the cameras send 25). */
export const PLAYING_FRAMES = 5;
/** How long an opened window may take to play. */
export const PLAY_WITHIN_MS = 20_000;
const POLL_MS = 100;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const secs = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

/** One camera, its window (if open), and the work queued for it. */
export interface Lane {
  name: string;
  id: string;
  port: number;
  camera: FakeCamera;
  random: () => number;
  page: Page | null;
  /** Lane work (open, close) runs one at a time. */
  queue: Promise<void>;
  pending: number;
  nextToggleAt: number;
  /** Set from a fault's lead until its recovery was measured: no toggles meanwhile. */
  fault: PlannedFault | null;
  /** A stall outside faults is reported once per episode. */
  stallReported: boolean;
}

/** When the page decoded frames steadily after `after`, waiting up to `withinMs`; else null. */
export async function waitPlaying(
  page: Page,
  after: number,
  withinMs: number,
): Promise<number | null> {
  const until = Date.now() + withinMs;
  while (Date.now() < until && !page.isClosed()) {
    const at = playingAgainAt(await decodedFrames(page, after - 1_000), after, PLAYING_FRAMES);
    if (at !== null) return at;
    await sleep(POLL_MS);
  }
  return null;
}

/**
 * Opens windows from the dashboard and closes them (Stop, or the window itself), one click at
 * a time as one user makes them; a window that closes without being asked to is a problem.
 */
export class Windows {
  readonly counts: SoakResult['windows'] = {
    opened: 0,
    closedByStop: 0,
    closedByWindow: 0,
    startupMs: [],
  };
  private ui: Promise<unknown> = Promise.resolve();
  private readonly expectedClose = new Set<Page>();

  constructor(
    private readonly harness: AppHarness,
    private readonly dashboard: Page,
    private readonly problems: string[],
    private readonly since: () => number,
    /** What main said about a camera lately, for a problem's report. */
    private readonly mainSaid: (cameraId: string) => string,
  ) {}

  private withUi<T>(task: () => Promise<T>): Promise<T> {
    const run = this.ui.then(task);
    this.ui = run.catch(() => undefined);
    return run;
  }

  /** Clicks the camera's card and waits for its window to play (PLAY_WITHIN_MS). */
  async open(lane: Lane): Promise<void> {
    // Queued behind another open of this camera (a fault's lead met a planned open): the card
    // would only focus the window that is already there.
    if (lane.page) return;
    const clicked = await this.withUi(async () => {
      await this.dashboard.bringToFront();
      const at = Date.now();
      await this.dashboard
        .getByRole('article', { name: lane.name })
        .getByRole('button', { name: new RegExp(`^(${WATCH_LABEL}|${SHOW_WINDOW_LABEL})$`) })
        .click({ timeout: 15_000 });
      return at;
    });
    let page: Page | undefined;
    while (!(page = this.harness.livePage(lane.id)) && Date.now() - clicked < 15_000)
      await sleep(20);
    if (!page) throw new Error('no window opened');
    const opened = page;
    // The harness knows the window before it navigates to live.html: wait for the page.
    await opened.waitForURL(/\/live\.html\?/, { waitUntil: 'domcontentloaded', timeout: 15_000 });
    lane.page = opened;
    this.counts.opened++;
    opened.on('close', () => {
      if (!this.expectedClose.delete(opened))
        this.problems.push(
          `${lane.name}: its window closed by itself at ${secs(this.since())} (main: ${this.mainSaid(lane.id)})`,
        );
      if (lane.page === opened) lane.page = null;
    });
    const playing = await waitPlaying(opened, clicked, PLAY_WITHIN_MS);
    if (playing === null)
      this.problems.push(`${lane.name}: the window opened at ${secs(this.since())} never played`);
    else this.counts.startupMs.push(playing - clicked);
    lane.stallReported = false;
  }

  /** Closes the lane's window: with its Stop button (`stop`), or as a window is closed. */
  async close(lane: Lane, how: 'stop' | 'window'): Promise<void> {
    const page = lane.page;
    if (!page) return;
    this.expectedClose.add(page);
    if (how === 'stop') {
      await this.withUi(async () => {
        await page.bringToFront();
        const closed = page.waitForEvent('close', { timeout: 10_000 });
        await page.getByRole('button', { name: 'Stop' }).click({ timeout: 10_000 });
        await closed;
      });
      this.counts.closedByStop++;
    } else {
      await page.close();
      this.counts.closedByWindow++;
    }
    lane.page = null;
  }
}
