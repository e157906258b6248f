// A page holding many low-latency streams at once (a wall on the low-latency path): each
// `live.mp4` is an endless response. In the app each session is its own host
// (vigil-stream://<session>/) served by Electron's own loader, with no per-host socket limit;
// the harness's stand-in must not add one (Chromium allows 6 HTTP/1.1 sockets per host), or a
// page with 7+ streams starves where the app would not. See tests/helpers/hls-http.ts.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasGstreamerRtsp } from '../fixtures/fake-camera';
import { startCameraFarm, type CameraFarm } from '../fixtures/fake-camera/farm';
import { e2eAvailable, startApp, type AppHarness } from './harness';
import { LIVE_WITHIN } from './live-pages';

const available = e2eAvailable();
const runnable = available.ok && hasGstreamerRtsp();
if (!runnable) {
  console.warn(
    `SKIP many-streams e2e: ${available.ok ? 'GStreamer RTSP server is not installed' : available.why}`,
  );
}

/** More than Chromium's 6 sockets per host. */
const STREAMS = 8;
/**
 * From opening the 8th stream to bytes on all: each live stream starts with the session's
 * last keyframe onwards, so a served one answers at once (a probe page: 8 hosts, first bytes
 * on all within 50 ms); a starved one never does. Room for a loaded 2-core machine.
 */
const ALL_ANSWER_WITHIN = 8_000;
const VIEWER = 'many-streams-test';

interface Held {
  url: string;
  bytes: number;
  ended: boolean;
  error: string | null;
}

declare global {
  interface Window {
    __held?: Held[];
  }
}

describe.runIf(runnable)('a page holding many live streams of many sessions', () => {
  let app: AppHarness;
  let farm: CameraFarm;
  let dashboard: Page;
  const cameraIds: string[] = [];

  beforeAll(async () => {
    farm = await startCameraFarm({ cameras: STREAMS, size: '320x180' });
    app = await startApp({ statusIntervalMs: 60_000 });
    for (const [i, url] of farm.urls.entries()) {
      const camera = await app.registry.add({
        name: `Cam ${String(i + 1)}`,
        source: { kind: 'rtsp', url },
      });
      cameraIds.push(camera.id);
    }
    dashboard = await app.openDashboard();
  });

  afterAll(async () => {
    await app?.dispose();
    await farm?.stop();
  });

  it(`gets bytes on all ${String(STREAMS)} live.mp4 streams held at once, each session its own host`, async () => {
    await Promise.all(
      cameraIds.map((id) => app.streams.start(id, { viewer: VIEWER, durationSec: 0 })),
    );
    await expect
      .poll(
        () => app.streams.list().filter((s) => s.state === 'live' && s.liveUrl !== null).length,
        { timeout: LIVE_WITHIN },
      )
      .toBe(STREAMS);

    // The page asks main for the sessions as any page does (window.vigil); the URLs it gets are
    // the transport's, and it holds every stream open while reading them.
    const urls = await dashboard.evaluate(async (ids) => {
      const infos = await window.vigil.streams.list();
      const urls = ids.map((id) => infos.find((s) => s.cameraId === id)?.liveUrl ?? '');
      window.__held = urls.map((url) => {
        const held: Held = { url, bytes: 0, ended: false, error: null };
        fetch(url)
          .then(async (response) => {
            if (!response.ok || !response.body) throw new Error(`HTTP ${String(response.status)}`);
            const reader = response.body.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              held.bytes += value.byteLength;
            }
            held.ended = true;
          })
          .catch((error: unknown) => {
            held.error = String(error);
          });
        return held;
      });
      return urls;
    }, cameraIds);
    expect(urls.every((u) => u.endsWith('/live.mp4'))).toBe(true);

    const held = () => dashboard.evaluate(() => window.__held ?? []);
    await expect
      .poll(async () => (await held()).filter((h) => h.bytes > 0).length, {
        timeout: ALL_ANSWER_WITHIN,
        interval: 250,
      })
      .toBe(STREAMS);
    // All at once: none ended or failed to make room for another.
    const final = await held();
    console.log(`bytes per stream: ${final.map((h) => String(h.bytes)).join(', ')}`);
    expect(final.filter((h) => h.ended || h.error !== null)).toEqual([]);
    // As in the app: vigil-stream://<session>/ gives every session its own host.
    expect(new Set(urls.map((u) => new URL(u).host)).size).toBe(STREAMS);

    await Promise.all(cameraIds.map((id) => app.streams.release(id, VIEWER)));
  });
});
