import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { testCamera } from '../../src/main/services/cameras/camera-test';
import { grabFrame } from '../../src/main/services/streaming/frame-grab';
import { inspectOnvif } from '../../src/main/services/cameras/onvif-client';
import { startScriptServer, type ScriptServer } from '../helpers/rtsp-script-server';
import { createTempRegistry } from '../helpers/temp-registry';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
/** The caps this test holds the code to (frame-grab.ts, onvif-client.ts). */
const MAX_FFMPEG = 3;
const MAX_ONVIF = 4;

/** Running (not zombie) ffmpeg children of this process. */
function runningFfmpeg(): number {
  let count = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm === 'ffmpeg' && Number(rest[1]) === process.pid && rest[0] !== 'Z') count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

describe('connection tests and frame grabs are capped, the rest queue', () => {
  let camera: ScriptServer | undefined;
  let device: Server | undefined;
  afterEach(async () => {
    await camera?.close();
    await new Promise<void>((resolve) => (device ? device.close(() => resolve()) : resolve()));
    device?.closeAllConnections();
    camera = undefined;
    device = undefined;
  });

  it.runIf(process.platform === 'linux')(
    `20 concurrent RTSP connection tests never run more than ${String(MAX_FFMPEG)} ffmpeg at once, and all answer`,
    async () => {
      // Each test's ffmpeg waits 300 ms for DESCRIBE, then hears 404: long enough to overlap.
      camera = await startScriptServer('127.0.0.1', (request) =>
        request.method === 'OPTIONS'
          ? { status: 200, headers: { Public: 'OPTIONS, DESCRIBE' } }
          : { status: 404, reason: 'Not Found', delayMs: 300 },
      );
      const registry = await createTempRegistry();
      const deps = {
        registry,
        inspect: inspectOnvif,
        grab: (s: Parameters<typeof grabFrame>[1]) => grabFrame(FFMPEG, s),
      };
      let most = 0;
      let busy = true;
      const watcher = (async () => {
        while (busy) {
          most = Math.max(most, runningFfmpeg());
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const t0 = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          testCamera(
            {
              source: { kind: 'rtsp', url: `${camera?.origin ?? ''}/cam${String(i)}` },
              username: 'admin',
              password: 'pw',
            },
            deps,
          ),
        ),
      );
      busy = false;
      await watcher;
      console.log(
        `20 tests: ${String(Date.now() - t0)} ms, at most ${String(most)} ffmpeg, ` +
          `${String(camera.maxOpen)} camera connections at once`,
      );
      expect(most).toBeLessThanOrEqual(MAX_FFMPEG);
      expect(camera.maxOpen).toBeLessThanOrEqual(MAX_FFMPEG);
      // Every test ran and answered with the reason, none was dropped by the queue.
      expect(camera.connections).toBe(20);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect(String((result as PromiseRejectedResult).reason)).toMatch(
          /no stream at this address/,
        );
      }
    },
  );

  it(`20 concurrent ONVIF connection tests never talk to more than ${String(MAX_ONVIF)} devices at once`, async () => {
    let open = 0;
    let most = 0;
    device = createServer((req, res) => {
      open++;
      most = Math.max(most, open);
      req.resume();
      setTimeout(() => {
        open--;
        res.writeHead(500).end('not onvif');
      }, 150);
    });
    await new Promise<void>((resolve) => device?.listen(0, '127.0.0.1', resolve));
    const address = device.address();
    const port = address !== null && typeof address !== 'string' ? address.port : 0;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => inspectOnvif({ host: '127.0.0.1', port, timeoutMs: 8_000 })),
    );
    expect(most).toBeLessThanOrEqual(MAX_ONVIF);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });
});
