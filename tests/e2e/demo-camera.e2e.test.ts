import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { presentedFrames, recordPresentedFrames } from './frames';
import { UI_WITHIN } from './live-pages';

// Adding the first camera (issue "Streams that survive the real world" §3) hid the demo camera
// and killed its running stream. Now the demo window plays on, and the dashboard says the demo
// is hidden and offers to show it again.

const available = e2eAvailable();
if (!available.ok) console.warn(`SKIP demo camera e2e: ${available.why}`);

// Start-up on a 2-core machine shared with other suites: seconds, not the ~1.4 s idle.
const FIRST_FRAME_WITHIN = 20_000;
// The demo pattern runs at 25 fps; a stalled or ended player presents none. Headless
// Chromium on a loaded machine presents fewer than 25: this only has to tell "plays" apart.
const MIN_FRAMES_IN_TWO_SECONDS = 10;

describe.runIf(available.ok)('the demo camera when the first camera is added', () => {
  let app: AppHarness;
  let dashboard: Page;

  beforeAll(async () => {
    app = await startApp({ statusIntervalMs: 60_000 });
    await recordPresentedFrames(app.context);
    dashboard = await app.openDashboard();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('the demo window keeps decoding frames, and the dashboard says the demo is hidden with a way back', async () => {
    const demoCard = dashboard.getByRole('article', { name: 'Demo camera' });
    const opened = app.nextPage();
    await demoCard.getByRole('button', { name: 'Watch', exact: true }).click();
    const live = await opened;
    await live.waitForFunction(
      () => ((window as { __vigilFrames?: unknown[] }).__vigilFrames?.length ?? 0) > 0,
      undefined,
      { timeout: FIRST_FRAME_WITHIN, polling: 50 },
    );

    // The first camera, added through the page's own api (what the Add dialog calls).
    await dashboard.evaluate(() =>
      window.vigil.cameras.add({
        name: 'Front door',
        source: { kind: 'rtsp', url: 'rtsp://127.0.0.1:9/cam' },
      }),
    );
    await dashboard.getByRole('article', { name: 'Front door' }).waitFor({ timeout: UI_WITHIN });
    await demoCard.waitFor({ state: 'detached', timeout: UI_WITHIN });
    const addedAt = Date.now();

    // Still playing: frames keep coming for two seconds after the list changed.
    const countAfter = async (from: number): Promise<number> => {
      const frames = await presentedFrames(live);
      const before = frames.filter((f) => f.at <= from).at(-1)?.presented ?? 0;
      return (frames.at(-1)?.presented ?? 0) - before;
    };
    await live.waitForTimeout(Math.max(0, addedAt + 2_000 - Date.now()));
    const played = await countAfter(addedAt);
    console.log(
      `demo window: ${String(played)} frames in the 2 s after the first camera was added`,
    );
    expect(played).toBeGreaterThanOrEqual(MIN_FRAMES_IN_TWO_SECONDS);
    expect(app.streams.list()).toContainEqual(
      expect.objectContaining({ cameraId: 'demo', state: 'live' }),
    );
    expect(await live.getByRole('status', { name: 'Stream status' }).textContent()).not.toMatch(
      /ended|stopped/i,
    );

    const notice = dashboard.getByRole('status', { name: 'Demo camera hidden' });
    await notice.waitFor({ timeout: UI_WITHIN });
    expect(await notice.textContent()).toMatch(/demo camera is now hidden/);
    await notice.getByRole('button', { name: 'Show demo camera' }).click();
    await demoCard.waitFor({ timeout: UI_WITHIN });
    await notice.waitFor({ state: 'detached', timeout: UI_WITHIN });
  });
});
