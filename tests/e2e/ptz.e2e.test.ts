import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PTZ_DEAD_MAN_MS } from '../../src/shared/ptz';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { startFakeOnvif, type FakeOnvif, type PtzCall } from '../fixtures/fake-onvif';
import { e2eAvailable, startApp, type AppHarness } from './harness';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP ptz e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

// Room for a 2-core machine shared with other suites (see app.e2e.test.ts).
const UI_WITHIN = 10_000;
const CALL_WITHIN = 5_000;

const isStop = (c: PtzCall) => c.action === 'Stop';
const moveOf = (x: number, y: number, zoom: number) => (c: PtzCall) =>
  c.action === 'ContinuousMove' &&
  c.velocity.x === x &&
  c.velocity.y === y &&
  c.velocity.zoom === zoom;

describe.runIf(runnable)('PTZ in a live window, in Chromium, against the fake ONVIF device', () => {
  let app: AppHarness;
  let camera: FakeCamera;
  let dome: FakeOnvif;
  let fixed: FakeOnvif;
  let dashboard: Page;
  const ids = new Map<string, string>();
  const idOf = (name: string): string => {
    const id = ids.get(name);
    if (!id) throw new Error(`no camera ${name}`);
    return id;
  };

  beforeAll(async () => {
    camera = await startFakeCamera({ audio: 'none', size: '640x360' });
    [dome, fixed] = await Promise.all([
      startFakeOnvif({ rtspUrl: camera.url, ptz: true, model: 'Dome PTZ' }),
      startFakeOnvif({ rtspUrl: camera.url, model: 'Bullet' }),
    ]);
    app = await startApp({ statusIntervalMs: 2_000 });
    for (const [name, dev] of [
      ['Dome', dome],
      ['Bullet', fixed],
    ] as const) {
      const added = await app.registry.add({
        name,
        source: { kind: 'onvif', host: dev.hostname, port: dev.port, profile: 'main' },
        username: 'admin',
        password: 'onvif-pass',
      });
      ids.set(name, added.id);
    }
    dashboard = await app.openDashboard();
  });

  afterEach(async () => {
    for (const page of app.context.pages()) if (page !== dashboard) await page.close();
  });

  afterAll(async () => {
    await app?.dispose();
    await Promise.all([dome?.close(), fixed?.close()]);
    await stopAllFakeCameras();
  });

  /** Opens the camera's live window as its card does (windows:openLive from the dashboard). */
  async function openLive(name: string): Promise<Page> {
    const opened = app.nextPage();
    await dashboard.evaluate((id) => window.vigil.windows.openLive(id), idOf(name));
    const page = await opened;
    await page.waitForLoadState('domcontentloaded');
    return page;
  }

  const padOf = (page: Page) => page.getByRole('region', { name: 'Pan, tilt and zoom' });

  it('arrow key held: ContinuousMove with its velocity, kept up past the dead-man time, Stop on release', async () => {
    const page = await openLive('Dome');
    await padOf(page).waitFor({ timeout: UI_WITHIN });
    let from = dome.ptzCalls.length;
    await page.keyboard.down('ArrowLeft');
    await dome.waitForPtzCall(moveOf(-0.5, 0, 0), from, CALL_WITHIN);
    // Held longer than main's dead man: the window's repeats keep the camera moving.
    const heldFrom = dome.ptzCalls.length;
    await page.waitForTimeout(PTZ_DEAD_MAN_MS * 2);
    expect(dome.ptzCalls.slice(heldFrom).filter(isStop)).toEqual([]);
    expect(dome.ptzMoving()).toEqual({ x: -0.5, y: 0, zoom: 0 });
    from = dome.ptzCalls.length;
    await page.keyboard.up('ArrowLeft');
    await dome.waitForPtzCall(isStop, from, CALL_WITHIN);
    expect(dome.ptzMoving()).toBeNull();
    // Every move went to the profile the window plays, under WS-Security.
    expect(dome.ptzCalls.every((c) => c.profileToken === 'main')).toBe(true);
    expect(
      dome.requests.filter((r) => r.action === 'ContinuousMove').every((r) => r.authorized),
    ).toBe(true);
  });

  it('pad buttons: pressed moves (tilt up, zoom in), released stops', async () => {
    const page = await openLive('Dome');
    const pad = padOf(page);
    await pad.waitFor({ timeout: UI_WITHIN });
    for (const [label, match] of [
      ['Tilt up', moveOf(0, 0.5, 0)],
      ['Zoom in', moveOf(0, 0, 0.5)],
    ] as const) {
      const box = await pad.getByRole('button', { name: label }).boundingBox();
      if (!box) throw new Error(`${label} is not shown`);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      let from = dome.ptzCalls.length;
      await page.mouse.down();
      await dome.waitForPtzCall(match, from, CALL_WITHIN);
      from = dome.ptzCalls.length;
      await page.mouse.up();
      await dome.waitForPtzCall(isStop, from, CALL_WITHIN);
    }
    expect(dome.ptzMoving()).toBeNull();
  });

  it('a frozen window mid-move: main stops the camera by itself', async () => {
    const page = await openLive('Dome');
    await padOf(page).waitFor({ timeout: UI_WITHIN });
    let from = dome.ptzCalls.length;
    await page.keyboard.down('ArrowRight');
    await dome.waitForPtzCall(moveOf(0.5, 0, 0), from, CALL_WITHIN);
    from = dome.ptzCalls.length;
    const frozenAt = Date.now();
    // The page's thread is busy for 4 s: no repeat, no key-up, no blur handler can run.
    const frozen = page
      .evaluate(() => {
        const end = Date.now() + 4_000;
        while (Date.now() < end);
      })
      .catch(() => undefined);
    const stop = await dome.waitForPtzCall(isStop, from, CALL_WITHIN);
    expect(stop.at - frozenAt).toBeLessThan(4_000);
    expect(dome.ptzMoving()).toBeNull();
    await frozen;
    await page.keyboard.up('ArrowRight');
  });

  it('presets: one saved under a name, listed, and gone to', async () => {
    const page = await openLive('Dome');
    const pad = padOf(page);
    await pad.waitFor({ timeout: UI_WITHIN });
    await pad.getByText('Presets', { exact: true }).click();
    await pad.getByRole('button', { name: 'Go to Gate' }).waitFor();
    await pad.getByRole('button', { name: 'Save…' }).click();
    await pad.getByRole('textbox', { name: 'Preset name' }).fill('Porch & steps');
    let from = dome.ptzCalls.length;
    await pad.getByRole('button', { name: 'Save', exact: true }).click();
    const saved = await dome.waitForPtzCall((c) => c.action === 'SetPreset', from, CALL_WITHIN);
    expect(saved).toMatchObject({ presetName: 'Porch & steps', profileToken: 'main' });
    const token = dome.ptzPresets().find((p) => p.name === 'Porch & steps')?.token;
    expect(token).toBeDefined();
    from = dome.ptzCalls.length;
    await pad.getByRole('button', { name: 'Go to Porch & steps' }).click();
    const gone = await dome.waitForPtzCall((c) => c.action === 'GotoPreset', from, CALL_WITHIN);
    expect(gone).toMatchObject({ presetToken: token });
    // Reopened, the window lists what the camera has.
    await page.close();
    const again = await openLive('Dome');
    await padOf(again).getByText('Presets', { exact: true }).click();
    await padOf(again).getByRole('button', { name: 'Go to Porch & steps' }).waitFor();
  });

  it('the PTZ window has no serious accessibility violation', async () => {
    const page = await openLive('Dome');
    await padOf(page).waitFor({ timeout: UI_WITHIN });
    await padOf(page).getByText('Presets', { exact: true }).click();
    const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
    expect(serious).toEqual([]);
  });

  it('a camera without PTZ: no controls, arrow keys move nothing, and its window cannot move another camera', async () => {
    const page = await openLive('Bullet');
    // What the page's own question is answered with (main asked the device once, shared).
    const answer = await page.evaluate((id) => window.vigil.ptz.capabilities(id), idOf('Bullet'));
    expect(answer).toEqual({ supported: false });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await padOf(page).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pan left' }).count()).toBe(0);
    const from = dome.ptzCalls.length;
    await page.keyboard.press('ArrowLeft');
    // Only the live window of a camera may move it.
    const refused = await page.evaluate(
      (id) =>
        window.vigil.ptz
          .move(id, { x: 1, y: 0, zoom: 0 })
          .then(() => 'moved')
          .catch((e: unknown) => (e as { code?: string }).code),
      idOf('Dome'),
    );
    expect(refused).toBe('ptz-forbidden');
    const fromDashboard = await dashboard.evaluate(
      (id) =>
        window.vigil.ptz
          .move(id, { x: 1, y: 0, zoom: 0 })
          .then(() => 'moved')
          .catch((e: unknown) => (e as { code?: string }).code),
      idOf('Dome'),
    );
    expect(fromDashboard).toBe('ptz-forbidden');
    expect(dome.ptzCalls.slice(from)).toEqual([]);
  });
});
