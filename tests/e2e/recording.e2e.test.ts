import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { decodeErrors, probeMedia } from '../helpers/media-probe';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { card, LIVE_WITHIN, liveStatus, openLive, UI_WITHIN } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP recording e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

describe.runIf(runnable)('recording from the live window (Chromium, real services)', () => {
  let app: AppHarness;
  let cam: FakeCamera;
  let dashboard: Page;

  beforeAll(async () => {
    cam = await startFakeCamera({ audio: 'aac' });
    app = await startApp();
    await app.registry.add({ name: 'Porch', source: { kind: 'rtsp', url: cam.url } });
    dashboard = await app.openDashboard();
  });
  afterAll(async () => {
    // The harness's data folder (the recordings' default folder here) goes with it.
    await app.dispose();
    await cam.stop();
    await stopAllFakeCameras();
  });

  it('Record, wait, R stops: the card said Recording, the window names the file, ffprobe plays it', async () => {
    const live = await openLive(app, dashboard, 'Porch');
    await expect.poll(() => liveStatus(live).textContent(), { timeout: LIVE_WITHIN }).toBe('Live');
    const sessionsBefore = app.spawnLog.filter((s) => s.args.includes('hls')).length;

    await live.getByRole('button', { name: 'Record' }).click();
    const status = live.getByRole('status', { name: 'Recording length and size' });
    await expect
      .poll(() => card(dashboard, 'Porch').getByText('Recording').count(), { timeout: UI_WITHIN })
      .toBe(1);
    // Length and size grow while it runs (main reports about once a second).
    await expect
      .poll(async () => (await status.textContent()) ?? '', { timeout: LIVE_WITHIN })
      .toMatch(/^0:0[4-9] · \d/);

    await live.keyboard.press('r');
    const notice = live.locator('.rec-notice');
    await expect
      .poll(async () => (await notice.textContent()) ?? '', { timeout: UI_WITHIN })
      .toMatch(/^Recorded 0:0\d to Porch \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.mp4$/);
    await expect
      .poll(() => card(dashboard, 'Porch').getByText('Recording').count(), { timeout: UI_WITHIN })
      .toBe(0);

    const folder = join(dirname(app.tempRoot), 'Recordings');
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    const file = join(folder, files[0] ?? '');
    const probed = await probeMedia(file);
    expect(probed.durationSec).toBeGreaterThanOrEqual(3.5);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    expect(await decodeErrors(file)).toBe('');
    // From the window's own stream: no other stream ffmpeg, no second camera connection.
    expect(app.spawnLog.filter((s) => s.args.includes('hls'))).toHaveLength(sessionsBefore);
    expect(await liveStatus(live).textContent()).toBe('Live');
  });
});
