// npm run screenshots: the README's pictures, taken through the product's browser harness
// (the real services, real ffmpeg, the built pages in Debian Chromium) against fake cameras.
// Writes docs/screenshots/{dashboard,dialog,live-window,health,wall}.png; `npm test` never writes there.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { e2eAvailable, startApp } from '../tests/e2e/harness';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  startSilentTcpServer,
  stopAllFakeCameras,
} from '../tests/fixtures/fake-camera';

const DOCS = fileURLToPath(new URL('../docs/screenshots', import.meta.url));
const WITHIN = 30_000;

const available = e2eAvailable();
if (!available.ok) throw new Error(`screenshots need the browser harness: ${available.why}`);
if (!hasGstreamerRtsp()) throw new Error('screenshots need the GStreamer RTSP fake camera');

const card = (page: Page, name: string) => page.getByRole('article', { name });

async function main(): Promise<void> {
  await mkdir(DOCS, { recursive: true });
  const app = await startApp({ statusIntervalMs: 2_000 });
  const silent = await startSilentTcpServer();
  try {
    const frontDoor = await startFakeCamera({ size: '1280x720', audio: 'none' });
    const porch = await startFakeCamera({ user: 'admin', password: 'right', audio: 'none' });
    const garden = await startFakeCamera({ size: '1280x720', audio: 'none' });
    const front = await app.registry.add({
      name: 'Front door',
      source: { kind: 'rtsp', url: frontDoor.url },
      options: { durationSec: 16 },
    });
    await app.registry.add({
      name: 'Porch',
      source: { kind: 'rtsp', url: porch.url },
      username: 'admin',
      password: 'wrong',
    });
    await app.registry.add({ name: 'Garden', source: { kind: 'rtsp', url: garden.url } });
    // A camera whose address answers nothing: offline, with its advice.
    await app.registry.add({
      name: 'Garage',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:1/stream1` },
    });
    await garden.stop();

    const dashboard = await app.openDashboard();
    await dashboard.setViewportSize({ width: 1100, height: 720 });
    await card(dashboard, 'Porch')
      .getByText('Wrong password', { exact: true })
      .waitFor({ timeout: WITHIN });

    // A live window with "Keep watching": the camera's limit is short, so it shows soon.
    const opened = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openLive(id), front.id);
    const live = await opened;
    await live.setViewportSize({ width: 800, height: 560 });
    await live.getByRole('button', { name: 'Keep watching' }).waitFor({ timeout: WITHIN });
    await live.waitForTimeout(300);
    await live.screenshot({ path: join(DOCS, 'live-window.png') });
    await live.getByRole('button', { name: 'Keep watching' }).click();

    await dashboard.bringToFront();
    await dashboard.waitForTimeout(2_500);
    await dashboard.screenshot({ path: join(DOCS, 'dashboard.png'), fullPage: true });

    await dashboard.getByRole('button', { name: 'Add camera' }).first().click();
    const dialog = dashboard.getByRole('dialog', { name: 'Add camera' });
    await dialog.waitFor({ timeout: WITHIN });
    // The RTSP tab with a pasted URL: its credentials move into the masked fields.
    await dialog.getByRole('tab', { name: 'RTSP URL' }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Driveway');
    await dialog
      .getByRole('textbox', { name: 'RTSP URL', exact: true })
      .fill(`rtsp://admin:right@${new URL(porch.url).host}/cam`);
    await dashboard.waitForTimeout(500);
    await dashboard.screenshot({ path: join(DOCS, 'dialog.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // The health panel of a camera that starts slowly: a keyframe every 4 s, B-frames, AAC
    // 44.1 kHz stereo (an NVR's usual stream), once the GOP has been measured.
    const nvr = await startFakeCamera({
      size: '1280x720',
      gop: 100,
      bframes: 2,
      audio: 'aac',
      audioRate: 44_100,
      audioChannels: 2,
    });
    const slow = await app.registry.add({
      name: 'Driveway',
      source: { kind: 'rtsp', url: nvr.url },
      options: { durationSec: 300 },
    });
    const openedSlow = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openLive(id), slow.id);
    const slowLive = await openedSlow;
    await slowLive.setViewportSize({ width: 1100, height: 760 });
    await slowLive
      .getByRole('status', { name: 'Stream status' })
      .getByText('Live', { exact: true })
      .waitFor({ timeout: WITHIN });
    await slowLive.keyboard.press('h');
    await slowLive
      .getByRole('row', { name: /^Keyframe interval 4\.0 s$/ })
      .waitFor({ timeout: WITHIN });
    await slowLive.waitForTimeout(300);
    await slowLive.screenshot({ path: join(DOCS, 'health.png') });
    await slowLive.close();

    // A 3 × 3 wall: seven cameras playing, one refusing its password, one offline.
    const more: string[] = [];
    for (const name of ['Gate', 'Yard', 'Shop', 'Lobby', 'Dock', 'Lane']) {
      const camera = await startFakeCamera({ size: '640x360', audio: 'none' });
      more.push((await app.registry.add({ name, source: { kind: 'rtsp', url: camera.url } })).id);
    }
    const byName = (name: string) => app.registry.list().find((c) => c.name === name)?.id ?? '';
    const wall = await app.walls.add({
      name: 'Front of house',
      layout: '3x3',
      cameraIds: [
        byName('Front door'),
        ...more.slice(0, 3),
        byName('Porch'),
        ...more.slice(3),
        byName('Garage'),
      ],
    });
    const openedWall = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openWall(id), wall.id);
    const wallPage = await openedWall;
    await wallPage.setViewportSize({ width: 1280, height: 780 });
    // Every camera that can play does (its face is gone), the others say why.
    await wallPage.waitForFunction(
      () => document.querySelectorAll('.wall-tile-face').length <= 2,
      undefined,
      { timeout: WITHIN },
    );
    await wallPage.waitForTimeout(1_000);
    await wallPage.screenshot({ path: join(DOCS, 'wall.png') });
    console.log(`screenshots saved in ${DOCS}`);
  } finally {
    await silent.close();
    await app.dispose();
    await stopAllFakeCameras();
  }
}

await main();
