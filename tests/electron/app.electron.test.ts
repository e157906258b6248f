// What only real Electron can show: the schemes, CSP and permission handler as Electron applies
// them, windows, the tray, and process lifetime. Runs the built app, the dev pages (`npm
// start`) and, where `electron-builder --dir` has been run, the packaged app. Skips with one
// line where no Electron binary exists (our Debian machines); the GitHub workflow runs it on
// Ubuntu, macOS and Windows.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerMismatch, readBinaryHeader } from '../../scripts/binary-header.mjs';
import { framesInOneSecond } from '../e2e/frames';
import {
  closeDevServer,
  electronBinary,
  isRunning,
  launch,
  packagedExecutable,
  ROOT,
  type Launched,
  type Target,
} from './launch';

const binary = electronBinary();
const built = existsSync(join(ROOT, 'out/main/index.js'));
const packaged = packagedExecutable();
if (!binary || !built) {
  console.warn(
    `SKIP Electron e2e: ${!binary ? 'no Electron binary here (its download is blocked on this machine); the suite runs wherever Electron is installed, e.g. the GitHub workflow' : 'the app is not built (npm run build)'}`,
  );
}
const targets: Target[] =
  binary && built ? ['built', 'dev', ...(packaged ? ['packaged' as const] : [])] : [];
const RULE_ERRORS = /CORS|Content Security Policy|preamble|Access-Control/i;

const liveStatus = (page: Page) => page.getByRole('status', { name: 'Stream status' });

/** Clicks a card's Start and returns the live window that opens. */
async function openFromCard(v: Launched, name: string): Promise<Page> {
  const opened = v.app.waitForEvent('window');
  await v.dashboard
    .getByRole('article', { name })
    .getByRole('button', { name: /^(Watch|Show window)$/ })
    .click();
  const page = await opened;
  await expect.poll(() => liveStatus(page).textContent(), { timeout: 20_000 }).toBe('Live');
  return page;
}

afterAll(async () => {
  await closeDevServer();
});

describe.each(targets)('Vigil in Electron (%s)', (target) => {
  let v: Launched;

  beforeAll(async () => {
    v = await launch(target);
  });
  afterAll(async () => {
    await v?.close();
  });

  it('the dashboard renders the demo camera with no page error', async () => {
    await v.dashboard.getByRole('article', { name: 'Demo camera' }).waitFor({ timeout: 20_000 });
    expect(await v.dashboard.title()).toBe('Vigil');
    expect(v.consoleErrors).toEqual([]);
  });

  it('Start plays the demo camera: frames advance, and nothing complains about CORS, CSP or the preamble', async () => {
    const live = await openFromCard(v, 'Demo camera');
    expect(await framesInOneSecond(live)).toBeGreaterThanOrEqual(5);
    expect(await live.title()).toBe('Demo camera');
    expect(v.consoleErrors.filter((e) => RULE_ERRORS.test(e))).toEqual([]);
    await live.getByRole('button', { name: 'Stop' }).click();
    await live.waitForEvent('close');
  });

  it('F puts the live picture in fullscreen (the permission handler grants our page)', async () => {
    const live = await openFromCard(v, 'Demo camera');
    await live.keyboard.press('f');
    await expect
      .poll(() => live.evaluate(() => document.fullscreenElement !== null), { timeout: 5_000 })
      .toBe(true);
    await live.keyboard.press('Escape');
    await expect.poll(() => live.evaluate(() => document.fullscreenElement === null)).toBe(true);
    await live.getByRole('button', { name: 'Stop' }).click();
    await live.waitForEvent('close');
  });

  it('a file:// page outside our renderer gets "forbidden" from main', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-foreign-'));
    const file = join(dir, 'index.html');
    writeFileSync(file, '<!doctype html><title>foreign</title><p>not Vigil</p>');
    const opened = v.app.waitForEvent('window');
    await v.hook('openForeignPage', pathToFileURL(file).toString());
    const foreign = await opened;
    // Errors cross the context bridge with their message (custom fields may be dropped).
    const outcome = await foreign.evaluate(() =>
      window.vigil.streams.list().then(
        () => 'allowed',
        (error: unknown) => `${String((error as { code?: string }).code)} ${String(error)}`,
      ),
    );
    expect(outcome).toMatch(/forbidden|This page may not use Vigil/);
    await foreign.close();
  });

  it('every window is isolated, sandboxed and without Node; navigation and window.open are denied', async () => {
    const live = await openFromCard(v, 'Demo camera');
    for (const page of [v.dashboard, live]) {
      const before = page.url();
      const globals = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        ipcRenderer: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
        vigil: Object.keys(window.vigil).sort(),
      }));
      expect(globals).toEqual({
        require: 'undefined',
        process: 'undefined',
        ipcRenderer: 'undefined',
        vigil: ['cameras', 'snapshots', 'streams', 'windows'],
      });
      expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
    }
    await live.getByRole('button', { name: 'Stop' }).click();
    await live.waitForEvent('close');
  });

  it.runIf(target === 'built')(
    'the ready window loads hidden (show: false renders its page), Watch hands it the camera: the same window shown, playing',
    async () => {
      const made = v.app.waitForEvent('window');
      await v.hook('setReadyWindow', true);
      const ready = await made;
      await ready.waitForLoadState('load');
      const hidden = async () =>
        (await v.hook('windows')).filter((w) => !w.visible).map((w) => new URL(w.url).search);
      // Its page asks main for a camera once rendered (Electron's paintWhenInitiallyHidden).
      await expect.poll(hidden, { timeout: 10_000 }).toEqual(['?ready=1']);
      const newWindows: Page[] = [];
      v.app.on('window', (page) => newWindows.push(page));
      await v.dashboard
        .getByRole('article', { name: 'Demo camera' })
        .getByRole('button', { name: /^(Watch|Show window)$/ })
        .click();
      await ready.waitForURL(/live\.html\?camera=demo/, { timeout: 10_000 });
      // No next ready window (it would come 3 s after the hand-over: READY_WINDOW_DELAY_MS).
      await v.hook('setReadyWindow', false);
      await expect.poll(() => liveStatus(ready).textContent(), { timeout: 20_000 }).toBe('Live');
      expect(await framesInOneSecond(ready)).toBeGreaterThanOrEqual(5);
      expect(await ready.title()).toBe('Demo camera');
      // Handed over, not opened; and now shown.
      expect(newWindows).toEqual([]);
      expect(await hidden()).toEqual([]);
      await ready.getByRole('button', { name: 'Stop' }).click();
      await ready.waitForEvent('close');
      expect(v.consoleErrors.filter((e) => RULE_ERRORS.test(e))).toEqual([]);
    },
  );

  it.runIf(target === 'built')(
    'tray quick-start opens and starts a camera; its countdown ending closes the window',
    async () => {
      const camera = await v.dashboard.evaluate(() =>
        window.vigil.cameras.add({
          name: 'Quick',
          source: { kind: 'demo' },
          options: { durationSec: 4 },
        }),
      );
      const opened = v.app.waitForEvent('window');
      await v.hook('trayWatch', camera.id);
      const live = await opened;
      await expect.poll(() => liveStatus(live).textContent(), { timeout: 20_000 }).toBe('Live');
      expect(await framesInOneSecond(live)).toBeGreaterThanOrEqual(5);
      await live.waitForEvent('close', { timeout: 20_000 });
      expect(await v.hook('streams')).toEqual([]);
      await v.dashboard.evaluate((id) => window.vigil.cameras.remove(id), camera.id);
    },
  );

  it.runIf(target === 'packaged')(
    'the packaged ffmpeg is built for this OS and architecture',
    async () => {
      const path = await v.hook('ffmpegPath');
      expect(path).toContain('app.asar.unpacked');
      const header = readBinaryHeader(readFileSync(path));
      expect(headerMismatch(header, process.platform, process.arch)).toBeNull();
    },
  );
});

describe.runIf(targets.length > 0)('no ffmpeg and no session folder outlive Vigil', () => {
  /** Starts the demo stream from the tray and returns its ffmpeg PID (exactly one). */
  async function streaming(v: Launched): Promise<{ pid: number; tempRoot: string }> {
    const opened = v.app.waitForEvent('window');
    await v.hook('trayWatch', 'demo');
    const live = await opened;
    await expect.poll(() => liveStatus(live).textContent(), { timeout: 20_000 }).toBe('Live');
    const pids = await v.hook('pids');
    expect(pids).toHaveLength(1);
    const [pid] = pids as [number];
    expect(isRunning(pid)).toBe(true);
    return { pid, tempRoot: await v.hook('tempRoot') };
  }
  const leftovers = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  const exitOf = (v: Launched) =>
    new Promise<void>((resolve) => v.app.process().once('exit', () => resolve()));

  it('quit', async () => {
    const v = await launch('built');
    const { pid, tempRoot } = await streaming(v);
    const exited = exitOf(v);
    await v.app.evaluate(({ app }) => app.quit());
    await exited;
    expect(isRunning(pid)).toBe(false);
    expect(leftovers(tempRoot)).toEqual([]);
  });

  it('the tray’s Quit', async () => {
    const v = await launch('built');
    const { pid, tempRoot } = await streaming(v);
    const exited = exitOf(v);
    await v.hook('trayQuit').catch(() => undefined); // main may be gone before it answers
    await exited;
    expect(isRunning(pid)).toBe(false);
    expect(leftovers(tempRoot)).toEqual([]);
  });

  it('a killed main: ffmpeg ends with it (Linux) or at the next start (every OS)', async () => {
    const v = await launch('built');
    const { pid, tempRoot } = await streaming(v);
    const exited = exitOf(v);
    v.app.process().kill('SIGKILL');
    await exited;
    if (process.platform === 'linux')
      await expect.poll(() => isRunning(pid), { timeout: 5_000 }).toBe(false);
    // The next start sweeps whatever a crash left: the process and its folder.
    const again = await launch('built', v.userDataDir);
    await expect.poll(() => isRunning(pid), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => leftovers(tempRoot), { timeout: 10_000 }).toEqual([]);
    await again.close();
  });
});
