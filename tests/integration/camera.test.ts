import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RtspSource } from '../../src/main/services/streaming/source';
import { hasGstreamerRtsp, startFakeCamera, type FakeCamera } from '../fixtures/fake-camera';
import { fromDir, probeFirstSegment } from '../helpers/hls-probe';
import { createHarness, isAlive, type Harness } from '../helpers/stream-harness';

/**
 * The camera-facing checks, against the fake camera by default or against your own:
 * VIGIL_TEST_RTSP_URL=rtsp://user:pass@host:554/path npm run test:camera
 */
const external = process.env.VIGIL_TEST_RTSP_URL;
const runnable = Boolean(external) || hasGstreamerRtsp();
if (!runnable)
  console.warn('SKIP camera tests: no VIGIL_TEST_RTSP_URL and no GStreamer RTSP server');

function sourceFromUrl(raw: string): RtspSource {
  const url = new URL(raw);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return {
    kind: 'rtsp',
    url: url.toString(),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    transport: process.env.VIGIL_TEST_RTSP_TRANSPORT === 'udp' ? 'udp' : 'tcp',
    startTimeoutMs: 15_000,
  };
}

describe.runIf(runnable)(
  `camera under test (${external ? 'VIGIL_TEST_RTSP_URL' : 'fake camera'})`,
  () => {
    let fake: FakeCamera | undefined;
    let source: RtspSource;
    let h: Harness;

    beforeAll(async () => {
      if (external) {
        source = sourceFromUrl(external);
      } else {
        fake = await startFakeCamera({ user: 'viewer', password: 'cam-pass', audio: 'aac' });
        source = sourceFromUrl(fake.urlWithCredentials);
      }
    });
    afterAll(() => fake?.stop());
    beforeEach(async () => {
      h = createHarness();
      await h.service.init();
      h.cameras.set('cam', source);
    });
    afterEach(() => h.dispose());

    it('plays: live, and the first segment decodes as H.264 video', async () => {
      const t0 = Date.now();
      await h.service.start('cam', { viewer: 't' });
      const live = await h.waitFor('cam', ['live', 'failed'], 20_000);
      expect(live.failure).toBeNull();
      console.log(`camera start → live: ${String(Date.now() - t0)} ms`);
      const streams = await probeFirstSegment(
        fromDir(h.service.liveDirectory(live.sessionId) ?? ''),
      );
      expect(streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
      const audio = streams.find((s) => s.codec_type === 'audio');
      if (audio) expect(audio.codec_name).toBe('aac');
    });

    it('stops cleanly: no ffmpeg, no directory', async () => {
      await h.service.start('cam', { viewer: 't' });
      await h.waitFor('cam', 'live', 20_000);
      await h.service.release('cam', 't');
      expect(h.spawned.filter(isAlive)).toEqual([]);
      expect(h.sessionDirs()).toEqual([]);
    });

    it('a wrong password is reported as unauthorized', async (ctx) => {
      if (!source.password) ctx.skip();
      h.cameras.set('cam', { ...source, password: `${source.password ?? ''}-wrong` });
      await h.service.start('cam', { viewer: 't' });
      const failed = await h.waitFor('cam', 'failed', 20_000);
      expect(failed.failure?.reason).toBe('unauthorized');
    });
  },
);
