// The health panel (issue "Record, PTZ, and a health panel" §3) through the real UI against
// real cameras: what it measures of a camera with a 4 s GOP and B-frames, and of an H.265
// camera that Vigil transcodes, with the advice each one gets; from the live window (H) and
// from the card's More menu.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { LIVE_WITHIN, UI_WITHIN, card, liveStatus, openLive } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP health e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

// Two keyframes 4 s apart are needed after the first picture: up to ~8 s of segments, more
// on a loaded machine.
const MEASURED_WITHIN = 30_000;

/** The value cell of a row of the panel's "What the camera sends" table. */
function measured(panel: ReturnType<Page['getByRole']>, row: string) {
  return panel.getByRole('row', { name: new RegExp(`^${row}\\b`) }).getByRole('cell');
}

describe.runIf(runnable)('the health panel says why a camera is slow, measured', () => {
  let app: AppHarness;
  let dashboard: Page;

  beforeAll(async () => {
    app = await startApp({ statusIntervalMs: 60_000 });
    dashboard = await app.openDashboard();
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  it('a camera with a keyframe every 4 s and B-frames: GOP 4 s, B-frames yes, the start-up steps, and the keyframe advice (H in the live window)', async () => {
    const camera = await startFakeCamera({
      gop: 100,
      bframes: 2,
      audio: 'aac',
      audioRate: 44_100,
      audioChannels: 2,
      size: '640x360',
    });
    await app.registry.add({ name: 'Slow start', source: { kind: 'rtsp', url: camera.url } });
    await card(dashboard, 'Slow start').waitFor({ timeout: UI_WITHIN });
    const page = await openLive(app, dashboard, 'Slow start');
    try {
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      await page.keyboard.press('h');
      const panel = page.getByRole('region', { name: 'Health' });
      await panel.waitFor({ timeout: UI_WITHIN });
      await expect
        .poll(() => measured(panel, 'Keyframe interval').textContent(), {
          timeout: MEASURED_WITHIN,
        })
        .toMatch(/^4\.0 s$/);
      expect(await measured(panel, 'B-frames').textContent()).toBe('Yes');
      expect(await measured(panel, 'Video').textContent()).toMatch(/^H\.264.*High/i);
      expect(await measured(panel, 'Resolution').textContent()).toMatch(/640\s*×\s*360/);
      expect(await measured(panel, 'Audio').textContent()).toMatch(/AAC.*44\.1 kHz.*stereo/i);
      expect(await measured(panel, 'Transcoding').textContent()).toMatch(/^No/);
      const advice = await panel.getByRole('region', { name: 'What to change' }).textContent();
      expect(advice).toMatch(/Keyframe every 4\.0 s/);
      expect(advice).toMatch(/1\.5 s sooner/);
      expect(advice).toMatch(/B-frames/);
      // Each start-up step was measured on this session, the player's start in this window.
      const startup = (await panel.getByRole('region', { name: 'Start-up' }).textContent()) ?? '';
      for (const step of ['RTSP set-up', 'First keyframe', 'First segment', 'Player start'])
        expect(startup).toMatch(new RegExp(`${step}\\s*\\d+(\\.\\d+)? s`));
      const timeline = (await panel.getByRole('list', { name: 'Timeline' }).textContent()) ?? '';
      expect(timeline).toMatch(/Starting.*Live/s);
      // H again closes it.
      await page.keyboard.press('h');
      await panel.waitFor({ state: 'detached', timeout: UI_WITHIN });
    } finally {
      await page.close();
    }
  });

  it('an H.265 camera: transcoding to H.264 with its CPU use, and the advice to switch the camera to H.264 (from the card’s menu)', async () => {
    const camera = await startFakeCamera({ codec: 'h265', audio: 'none', size: '640x360' });
    await app.registry.add({ name: 'Hevc cam', source: { kind: 'rtsp', url: camera.url } });
    await card(dashboard, 'Hevc cam').waitFor({ timeout: UI_WITHIN });
    const page = await openLive(app, dashboard, 'Hevc cam');
    try {
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      await dashboard.bringToFront();
      await card(dashboard, 'Hevc cam').getByRole('button', { name: 'More' }).click();
      await dashboard.getByRole('menuitem', { name: 'Health' }).click();
      const dialog = dashboard.getByRole('dialog', { name: 'Health of Hevc cam' });
      const panel = dialog.getByRole('region', { name: 'Health' });
      await panel.waitFor({ timeout: UI_WITHIN });
      // ffmpeg's CPU is read once a second: a figure within a few seconds of going live.
      await expect
        .poll(() => measured(panel, 'Transcoding').textContent(), { timeout: MEASURED_WITHIN })
        .toMatch(/^Yes.*\d+ % CPU/);
      expect(await measured(panel, 'Video').textContent()).toMatch(/^H\.265/);
      const advice =
        (await panel.getByRole('region', { name: 'What to change' }).textContent()) ?? '';
      expect(advice).toMatch(/H\.265: being transcoded to H\.264 \(\d+ % CPU\)/);
      expect(advice).toMatch(/H\.264/);
      await dialog.getByRole('button', { name: 'Close health' }).click();
      await dialog.waitFor({ state: 'detached', timeout: UI_WITHIN });
    } finally {
      await page.close();
    }
  });
});
