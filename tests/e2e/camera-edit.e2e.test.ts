// Adding, copying and removing cameras as a demanding user meets them (issue "Add camera, cards
// and live windows that a demanding user would call polished", §4), through the real dashboard
// in Chromium against the real services: the copied RTSP URL is opened by ffprobe, Undo brings
// a removed camera back with its password, a pasted URL's credentials move to their fields.
import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { UI_WITHIN } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP camera-edit e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

const FFPROBE = process.env.FFPROBE_BIN ?? '/usr/bin/ffprobe';
// Room for a 2-core machine shared with other suites.
const DEVICE_WITHIN = 20_000;
// Characters that must be percent-encoded in userinfo: a URL that works has them encoded.
const PASSWORD = 'p@ss:w/rd #1';

/** What ffprobe makes of a URL: its exit code, the video stream it saw, and its errors. */
function ffprobe(url: string): Promise<{ code: number | null; video: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFPROBE, [
      '-v',
      'error',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height',
      '-of',
      'csv=p=0',
      url,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, video: stdout.trim(), stderr }));
  });
}

describe.runIf(runnable)('cameras: copy, add, remove and undo, in Chromium', () => {
  let app: AppHarness;
  let open: FakeCamera;
  let locked: FakeCamera;
  let dashboard: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [open, locked] = await Promise.all([
      startFakeCamera({ audio: 'none', size: '640x360' }),
      startFakeCamera({ audio: 'none', size: '640x360', user: 'admin', password: PASSWORD }),
    ]);
    app = await startApp({ statusIntervalMs: 2_000 });
    ids.Open = (
      await app.registry.add({ name: 'Open', source: { kind: 'rtsp', url: open.url } })
    ).id;
    ids.Locked = (
      await app.registry.add({
        name: 'Locked',
        source: { kind: 'rtsp', url: locked.url },
        username: 'admin',
        password: PASSWORD,
      })
    ).id;
    dashboard = await app.openDashboard();
    await dashboard.getByRole('article', { name: 'Locked' }).waitFor({ timeout: UI_WITHIN });
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  const card = (name: string) => dashboard.getByRole('article', { name });
  const toasts = () => dashboard.getByRole('status', { name: 'Notifications' });
  async function menu(name: string, item: string): Promise<void> {
    await card(name).getByRole('button', { name: 'More' }).click();
    await dashboard.getByRole('menuitem', { name: item }).click();
  }

  it('Copy RTSP URL gives a URL ffprobe opens; with a password, only after confirming, and that one opens too', async () => {
    // A camera without credentials: the copied URL is the whole story.
    await menu('Open', 'Copy RTSP URL');
    await expect
      .poll(() => toasts().textContent(), { timeout: UI_WITHIN })
      .toContain('RTSP URL of Open copied.');
    expect(app.clipboard.readText()).toBe(open.url);
    const plain = await ffprobe(app.clipboard.readText());
    expect(plain.stderr).toBe('');
    expect(plain.video).toBe('h264,640,360');

    // A camera with a password: by default no credentials at all, so the camera says 401.
    await menu('Locked', 'Copy RTSP URL');
    await expect
      .poll(() => toasts().textContent(), { timeout: UI_WITHIN })
      .toContain('RTSP URL of Locked copied, without credentials.');
    const bare = app.clipboard.readText();
    expect(bare).toBe(locked.url);
    const refused = await ffprobe(bare);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/401 Unauthorized/);

    // Copy with password asks first; Cancel copies nothing.
    await menu('Locked', 'Copy with password…');
    const confirm = card('Locked').getByRole('alertdialog', {
      name: 'Copy the password of Locked?',
    });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    expect(app.clipboard.readText()).toBe(bare);

    await menu('Locked', 'Copy with password…');
    await confirm.getByRole('button', { name: 'Copy with password' }).click();
    await expect
      .poll(() => toasts().textContent(), { timeout: UI_WITHIN })
      .toContain('RTSP URL of Locked copied, with its password.');
    const withPassword = app.clipboard.readText();
    expect(withPassword).toBe(locked.urlWithCredentials);
    const opened = await ffprobe(withPassword);
    expect(opened.stderr).toBe('');
    expect(opened.video).toBe('h264,640,360');
    // The password never reached the page.
    expect(await dashboard.content()).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('Remove says the live stream stops, and Undo restores the camera with its password', async () => {
    await app.streams.start(ids.Locked ?? '', { viewer: 'test', durationSec: 60 });
    await expect
      .poll(
        () =>
          card('Locked')
            .getByText(/live|connecting/)
            .count(),
        { timeout: DEVICE_WITHIN },
      )
      .toBeGreaterThan(0);
    await menu('Locked', 'Remove…');
    const confirm = card('Locked').getByRole('alertdialog', { name: 'Remove Locked?' });
    expect(await confirm.textContent()).toMatch(/running live stream stops now/);
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => card('Locked').count(), { timeout: UI_WITHIN }).toBe(0);
    expect(app.registry.get(ids.Locked ?? '')).toBeUndefined();
    await expect
      .poll(() => toasts().textContent(), { timeout: UI_WITHIN })
      .toContain('Locked removed.');

    await toasts().getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => card('Locked').count(), { timeout: UI_WITHIN }).toBe(1);
    await expect
      .poll(() => toasts().textContent(), { timeout: UI_WITHIN })
      .toContain('Locked restored.');
    // Restored as it was, password included (it lives in main's secret store).
    const source = app.registry.resolve(ids.Locked ?? '');
    expect(source).toMatchObject({ kind: 'rtsp', url: locked.url, username: 'admin' });
    expect(source.kind === 'rtsp' ? source.password : null).toBe(PASSWORD);
    expect((await ffprobe(app.registry.copyUrl(ids.Locked ?? '', true))).video).toBe(
      'h264,640,360',
    );
  });

  it('a pasted rtsp://user:pass@… URL moves its credentials to the masked fields; Test connection shows a picture and its size; saving says so and points at the card', async () => {
    await dashboard.getByRole('button', { name: 'Add camera' }).click();
    const dialog = dashboard.getByRole('dialog', { name: 'Add camera' });
    await dialog.getByRole('tab', { name: 'RTSP URL' }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Locked');
    expect(await dialog.getByText('Another camera is already called “Locked”.').count()).toBe(1);
    await dialog.getByLabel('Name', { exact: true }).fill('Driveway');
    await dialog
      .getByRole('textbox', { name: 'RTSP URL', exact: true })
      .fill(locked.urlWithCredentials);
    expect(await dialog.getByRole('textbox', { name: 'RTSP URL', exact: true }).inputValue()).toBe(
      locked.url,
    );
    expect(await dialog.getByLabel('Username', { exact: true }).inputValue()).toBe('admin');
    const password = dialog.getByLabel('Password', { exact: true });
    expect(await password.inputValue()).toBe(PASSWORD);
    expect(await password.getAttribute('type')).toBe('password');
    // The same stream as "Locked": pointed out before saving.
    expect(await dialog.getByText(/“Locked” already shows this stream/).count()).toBe(1);

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => dialog.getByRole('status').last().textContent(), { timeout: DEVICE_WITHIN })
      .toMatch(/Connected: the camera sent a picture \(640×360\)/);
    const picture = dialog.getByRole('img', { name: 'The picture the camera sent for the test' });
    expect(await picture.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(640);

    await dialog.getByRole('button', { name: 'Add camera' }).click();
    await expect.poll(() => dialog.count(), { timeout: UI_WITHIN }).toBe(0);
    await expect
      .poll(() => toasts().textContent(), { timeout: UI_WITHIN })
      .toContain('Driveway added.');
    await expect
      .poll(() => card('Driveway').getAttribute('class'), { timeout: UI_WITHIN })
      .toMatch(/card-highlight/);
    const added = app.registry.list().find((c) => c.name === 'Driveway');
    expect(added?.source).toEqual({ kind: 'rtsp', url: locked.url });
    expect(added?.hasPassword).toBe(true);
  });
});
