import { spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraFarm, type CameraFarm } from '../fixtures/fake-camera/farm';
import { hasGstreamerRtsp } from '../fixtures/fake-camera';

// Proves the wall bench's cameras (fake_camera.py --cameras N: camera_farm.py, one encoder for
// N cameras) with the system ffprobe as the client.
const runnable = hasGstreamerRtsp() && spawnSync('ffprobe', ['-version']).status === 0;
if (!runnable) console.warn('SKIP camera-farm tests: no GStreamer RTSP server or no ffprobe');

const FPS = 25;
const GOP = 25;

/** The video packets a client gets in its first `seconds`: pts (90 kHz) and keyframe flag. */
function packets(url: string, seconds: number): Promise<Array<{ pts: number; key: boolean }>> {
  return new Promise((resolve, reject) => {
    const ffprobe = spawn(
      'ffprobe',
      [
        ...['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', url],
        ...['-read_intervals', `%+${String(seconds)}`, '-select_streams', 'v'],
        ...['-show_entries', 'packet=pts,flags', '-of', 'csv=p=0'],
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    ffprobe.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => ffprobe.kill('SIGKILL'), 20_000);
    ffprobe.once('error', reject);
    ffprobe.once('close', () => {
      clearTimeout(timer);
      resolve(
        out
          .split('\n')
          .map((line) => line.split(','))
          .filter(([pts]) => pts !== undefined && /^\d+$/.test(pts))
          .map(([pts, flags]) => ({ pts: Number(pts), key: (flags ?? '').includes('K') })),
      );
    });
  });
}

/** The SDP a camera answers DESCRIBE with, read over a plain socket. */
function describeSdp(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    let reply = '';
    const timer = setTimeout(() => socket.destroy(new Error('no DESCRIBE answer in 10 s')), 10_000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      const [head, body = ''] = reply.split('\r\n\r\n');
      const length = Number(/Content-Length:\s*(\d+)/i.exec(head ?? '')?.[1] ?? NaN);
      if (body.length >= length) {
        clearTimeout(timer);
        socket.end();
        resolve(body);
      }
    });
    socket.write(`DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`);
  });
}

describe.runIf(runnable)('camera farm (the wall bench’s cameras)', () => {
  let farm: CameraFarm | undefined;
  beforeAll(async () => {
    farm = await startCameraFarm({ cameras: 3, size: '320x180', fps: FPS, gop: GOP });
  });
  afterAll(() => farm?.stop());

  it('serves each camera on its own port', () => {
    const ports = (farm?.urls ?? []).map((url) => new URL(url).port);
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(3);
  });

  it('answers DESCRIBE with the H.264 parameter sets in the SDP', async () => {
    const sdp = await describeSdp(farm?.urls[1] ?? '');
    expect(sdp).toMatch(/a=rtpmap:96 H264\/90000/);
    expect(sdp).toMatch(/sprop-parameter-sets=[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+/);
  });

  it('gives two clients at once frames exactly 1/fps apart with a keyframe every GOP', async () => {
    const [a, b] = await Promise.all([
      packets(farm?.urls[0] ?? '', 4),
      packets(farm?.urls[2] ?? '', 4),
    ]);
    for (const got of [a, b]) {
      expect(got.length).toBeGreaterThan(2 * FPS);
      const steps = new Set(got.slice(1).map((p, i) => p.pts - (got[i]?.pts ?? NaN)));
      expect([...steps]).toEqual([90_000 / FPS]);
      const keys = got.flatMap((p, i) => (p.key ? [i] : []));
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(new Set(keys.slice(1).map((k, i) => k - (keys[i] ?? NaN)))).toEqual(new Set([GOP]));
    }
  });
});
