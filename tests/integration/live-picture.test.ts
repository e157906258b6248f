import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LivePictures } from '../../src/main/services/recording/live-picture';
import type { StreamInfo } from '../../src/shared/streams';
import {
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
  type FakeCamera,
} from '../fixtures/fake-camera';
import { createHarness, eventually, type Harness } from '../helpers/stream-harness';

const gst = hasGstreamerRtsp();
if (!gst)
  console.warn('SKIP live picture tests: GStreamer RTSP server (python3-gi) is not installed');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A byte-for-byte TCP relay in front of the fake camera that counts the connections made to
 * it: with RTSP over TCP every client (ffmpeg, a probe, a grab) is one connection.
 */
async function countingRelay(cameraPort: number): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    count++;
    const upstream = connect(cameraPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).on('error', () => undefined);
    upstream.pipe(client).on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.runIf(gst)('live pictures from the session (real ffmpeg, fake camera)', () => {
  let cam: FakeCamera;
  let relay: Awaited<ReturnType<typeof countingRelay>>;
  let h: Harness;
  let pictures: LivePictures;
  let published: Array<{ cameraId: string; jpeg: Buffer; at: number }>;
  let grabs: number;
  let grabDelayMs: number;
  let running: number;
  let mostAtOnce: number;

  async function setup(intervalMs?: number): Promise<void> {
    grabDelayMs = 0;
    running = 0;
    mostAtOnce = 0;
    published = [];
    grabs = 0;
    // The picture makers are told of each state change, as core.ts wires them.
    h = createHarness({ emit: (info: StreamInfo) => pictures.onStreamState(info) });
    await h.service.init();
    h.cameras.set('cam', { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(relay.port)}/cam` });
    pictures = new LivePictures({
      streams: h.service,
      grab: async (clip) => {
        grabs++;
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        try {
          if (grabDelayMs) await sleep(grabDelayMs); // a slow decode on a busy machine
          return await h.service.grabClipFrame(clip);
        } finally {
          running--;
        }
      },
      publish: (cameraId, jpeg) => published.push({ cameraId, jpeg, at: Date.now() }),
      ...(intervalMs ? { intervalMs } : {}),
    });
  }

  beforeEach(async () => {
    // 640×360 keeps the camera cheap on a loaded 2-core machine; its clock is burnt in, so
    // pictures taken seconds apart differ.
    cam = await startFakeCamera({ size: '640x360', audio: 'none' });
    relay = await countingRelay(Number(new URL(cam.url).port));
  });
  afterEach(async () => {
    pictures.stopAll();
    await h.dispose();
    await relay.close();
    await cam.stop();
  });
  afterAll(() => stopAllFakeCameras());

  it('renews the picture every ~10 s from the session itself: a new picture within 15 s, one camera connection', async () => {
    await setup(); // the app's interval
    await h.service.start('cam', { viewer: 't', durationSec: 120 });
    await eventually(() => h.service.output('cam')?.live === true, 15_000, 'the session live');
    const liveAt = Date.now();
    await eventually(() => published.length >= 1, 8_000, 'the first live picture');
    await eventually(() => published.length >= 2, 15_000, 'a second live picture');
    const [first, second] = published;
    if (!first || !second) throw new Error('unreachable');
    expect(first.cameraId).toBe('cam');
    expect(first.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // The camera's clock moved between the two: the card shows the camera as it is now.
    expect(second.jpeg.equals(first.jpeg)).toBe(false);
    expect(second.at - liveAt).toBeLessThan(15_000);
    // ~10 s apart, not a picture per second (lenient both ways on a loaded machine).
    expect(second.at - first.at).toBeGreaterThan(7_000);
    // Only the session's ffmpeg ever spoke to the camera.
    expect(relay.connections()).toBe(1);
  }, 45_000);

  it('never makes two pictures of one camera at once, even when one takes longer than the interval', async () => {
    await setup(500);
    grabDelayMs = 2_000;
    await h.service.start('cam', { viewer: 't', durationSec: 120 });
    await eventually(() => published.length >= 2, 20_000, 'two live pictures');
    expect(mostAtOnce).toBe(1);
    // Ticks that found one under way were skipped, not queued: about one per 2 s, not per 0.5 s.
    expect(grabs).toBeLessThanOrEqual(published.length + 1);
  }, 45_000);

  it('makes no more pictures once the session stops', async () => {
    await setup(1_000);
    await h.service.start('cam', { viewer: 't', durationSec: 120 });
    await eventually(() => published.length >= 2, 20_000, 'two live pictures');
    await h.service.stop('cam');
    // One grab may still be finishing; it is dropped, and nothing new starts.
    const grabsAtStop = grabs;
    const publishedAtStop = published.length;
    expect(pictures.watching()).toEqual([]);
    await sleep(3_500); // 3.5 intervals
    expect(grabs).toBe(grabsAtStop);
    expect(published.length).toBe(publishedAtStop);
    expect(relay.connections()).toBe(1);
  }, 45_000);
});
