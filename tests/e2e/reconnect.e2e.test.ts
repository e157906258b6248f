// A live camera that drops, in the real renderer (issue "Streams that survive the real world"):
// main notices and brings it back into the same window by itself; a camera that refuses us
// is not retried. Every test opens its own camera, window and dashboard.
import type { Page } from 'playwright-core';
import { adviceFor } from '../../src/shared/advice';
import { ENTER_PASSWORD_LABEL } from '../../src/shared/labels';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
} from '../fixtures/fake-camera';
import { decodedFrames, longestDecodePause, playingAgainAt, recordDecodedFrames } from './frames';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import {
  card,
  LIVE_WITHIN,
  liveStatus,
  openLive as openLiveFrom,
  stageText,
  UI_WITHIN,
} from './live-pages';

const runnable = e2eAvailable().ok && hasGstreamerRtsp();

describe.runIf(runnable)('a camera that drops, in Chromium against the real services', () => {
  let app: AppHarness;
  let dashboard: Page;

  beforeAll(async () => {
    app = await startApp({ statusIntervalMs: 2_000 });
    // Decoded frames, read in the page: what "plays again" means below.
    await recordDecodedFrames(app.context);
  });

  afterAll(async () => {
    await app?.dispose();
    await stopAllFakeCameras();
  });

  beforeEach(async () => {
    dashboard = await app.openDashboard();
  });

  afterEach(async () => {
    await Promise.all(app.context.pages().map((page) => page.close()));
    await expect.poll(() => app.streams.list(), { timeout: UI_WITHIN }).toEqual([]);
  });

  const openLive = (name: string) => openLiveFrom(app, dashboard, name);

  it('a camera killed and restarted 3 s later: the same window decodes frames again within 3 s of its return, no click', async () => {
    const port = await freePort();
    let victim = await startFakeCamera({ port, audio: 'none', size: '640x360' });
    const camera = await app.registry.add({
      name: 'Doomed',
      source: { kind: 'rtsp', url: victim.url },
    });
    const session = () => app.streams.list().find((s) => s.cameraId === camera.id);
    try {
      await expect
        .poll(() => card(dashboard, 'Doomed').getByText('Online').count(), { timeout: 15_000 })
        .toBe(1);
      const page = await openLive('Doomed');
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      const live = session();
      const killed = Date.now();
      victim.kill();
      // Main noticed (its own state), and the window says so in main's words: the attempt
      // number is main's. The footer's "Reconnecting…" is also what the player says when
      // hls.js itself starts over, so it proves nothing.
      await expect.poll(() => session()?.state, { timeout: 10_000 }).toBe('reconnecting');
      expect(session()?.dropped?.reason).toBe('camera-ended');
      await expect
        .poll(() => stageText(page), { timeout: UI_WITHIN })
        .toMatch(/reconnecting \(attempt \d+\)/);
      await new Promise((resolve) => setTimeout(resolve, 3_000 - (Date.now() - killed)));
      victim = await startFakeCamera({ port, audio: 'none', size: '640x360' });
      const back = Date.now();
      // From here the test only watches: no click, no reload, no other window.
      let playing: number | null = null;
      while (playing === null && Date.now() - back < 15_000) {
        playing = playingAgainAt(await decodedFrames(page, killed), back);
        if (playing === null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const frames = await decodedFrames(page, killed);
      console.log(
        `camera back → the same window decodes again after ${playing === null ? 'never' : `${String(playing - back)} ms`}`,
      );
      expect(playing).not.toBeNull();
      // The issue's promise, kept as is. Measured 1.4–2.5 s idle (n=8); in the 30-minute soaks
      // (1–3 s outages, load average 3–14) 1.3–3.6 s, 6 of 30 restarts over 3 s: the ladder's
      // next rung (0.5/1/2 s, so ~3.5 s after the drop), ffmpeg's first segment, the player.
      expect((playing ?? Infinity) - back).toBeLessThan(3_000);
      // The picture really stopped while the camera was away: this is a recovery, not a
      // player that kept going.
      expect(longestDecodePause(frames, killed, playing ?? Date.now())).toBeGreaterThanOrEqual(
        back - killed,
      );
      expect(page.isClosed()).toBe(false);
      expect(app.livePage(camera.id)).toBe(page);
      expect(session()).toMatchObject({ sessionId: live?.sessionId, state: 'live' });
    } finally {
      await app.registry.remove(camera.id);
      await victim.stop();
    }
  });

  it('a camera that comes back refusing the password is not retried: the same window says why and asks for the password', async () => {
    const port = await freePort();
    const auth = { user: 'admin', audio: 'none', size: '640x360' } as const;
    let victim = await startFakeCamera({ ...auth, port, password: 'right' });
    const camera = await app.registry.add({
      name: 'Rekeyed',
      source: { kind: 'rtsp', url: victim.url },
      username: 'admin',
      password: 'right',
    });
    const session = () => app.streams.list().find((s) => s.cameraId === camera.id);
    try {
      await expect
        .poll(() => card(dashboard, 'Rekeyed').getByText('Online').count(), { timeout: 15_000 })
        .toBe(1);
      const page = await openLive('Rekeyed');
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      const sessionId = session()?.sessionId ?? 'none';
      victim.kill();
      await expect.poll(() => session()?.state, { timeout: 10_000 }).toBe('reconnecting');
      // Back with another password: the next attempt meets a 401.
      victim = await startFakeCamera({ ...auth, port, password: 'changed' });
      const refusal = adviceFor('unauthorized', { workedBefore: true });
      await expect.poll(() => stageText(page), { timeout: 20_000 }).toContain(refusal.advice);
      const alert = page.getByRole('alert');
      expect(session()).toBeUndefined();
      // Proving an absence takes a moment: no ffmpeg for this session after the 401.
      const spawns = () => app.spawnLog.filter((s) => s.args.some((a) => a.includes(sessionId)));
      const attempts = spawns().length;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(spawns()).toHaveLength(attempts);
      expect(session()).toBeUndefined();
      // Retrying would meet the same refusal: what it offers is the password.
      expect(await alert.getByRole('button', { name: ENTER_PASSWORD_LABEL }).isVisible()).toBe(
        true,
      );
      expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(0);
      expect(app.livePage(camera.id)).toBe(page);
    } finally {
      await app.registry.remove(camera.id);
      await victim.stop();
    }
  });

  it('a frozen camera (session alive, no media): main notices by itself and the window says it is reconnecting, within 10 s', async () => {
    const frozen = await startFakeCamera({ audio: 'none', size: '640x360' });
    const camera = await app.registry.add({
      name: 'Frozen',
      source: { kind: 'rtsp', url: frozen.url },
    });
    await expect
      .poll(() => card(dashboard, 'Frozen').getByText('Online').count(), { timeout: 15_000 })
      .toBe(1);
    const page = await openLive('Frozen');
    try {
      await expect
        .poll(() => liveStatus(page).textContent(), { timeout: LIVE_WITHIN })
        .toBe('Live');
      const t0 = Date.now();
      frozen.freeze();
      // Main's stall watchdog fires after 5 s; without it hls.js would wait forever.
      await expect
        .poll(() => stageText(page), { timeout: 10_000 })
        .toMatch(/reconnecting \(attempt \d+\)/);
      console.log(`camera frozen → main reconnecting shown after ${String(Date.now() - t0)} ms`);
      expect(app.streams.list().find((s) => s.cameraId === camera.id)?.dropped?.reason).toBe(
        'stalled',
      );
      // Two things in main notice: its stall watchdog (5 s without media time moving), or
      // ffmpeg's own read timeout (it ends with code 0 and a timeout in its output, which is
      // "stalled" while live). The watchdog came first in every run but one fresh-clone CI
      // run (2026-12-02), where ffmpeg ended first. The watchdog alone is proven in
      // tests/integration/failures.test.ts; here it is that the window follows either.
      expect(app.logs.join('\n')).toMatch(
        /no media for \d+ ms|ffmpeg exited \(code 0, signal null\)\n[^\n]*camera dropped \(stalled\)/,
      );
    } finally {
      await app.registry.remove(camera.id);
      await frozen.stop();
    }
  });
});
