import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grabFrame } from '../../src/main/services/streaming/frame-grab';
import { INPUT_LIST_NAME } from '../../src/main/services/streaming/ffmpeg-args';
import { secretSpellings } from '../../src/main/services/streaming/redact';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { createHarness, eventually, isAlive, type Harness } from '../helpers/stream-harness';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP argv secrets tests: GStreamer RTSP server is not installed');

/**
 * Every character that ever needed quoting or escaping somewhere on the way: a quote, a
 * backslash, a space, '#', '%41' (decoded once too often it is 'A'), ':', '@', '/', a line
 * break, non-ASCII. All are legal: the password never goes through a URL, a file or an
 * argument, only into Basic (UTF-8, base64) or Digest (UTF-8, hashed) by our own relay.
 */
const CANARY = "Cân'ary\\ #%41:@/\nq-5e1d";

/** ffmpeg children of this process, with their command lines, as /proc shows them to anyone. */
function ffmpegChildren(): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(after[1]) !== process.pid || comm !== 'ffmpeg') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      // A zombie (exited, not yet reaped) shows an empty command line.
      if (cmdline) found.push({ pid: Number(name), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function expectNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    for (const spelling of secretSpellings(secret)) expect(text).not.toContain(spelling);
  }
}

describe.runIf(process.platform === 'linux')('no password on any ffmpeg command line', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness();
    await h.service.init();
  });
  afterEach(() => h.dispose());
  afterAll(() => stopAllFakeCameras());

  it.runIf(gst)(
    'stream: /proc/<pid>/cmdline has neither the password nor the relay token; the 0600 input list dies with the session',
    async () => {
      const cam = await startFakeCamera({ user: 'admin', password: CANARY, audio: 'none' });
      h.cameras.set('cam', { kind: 'rtsp', url: cam.url, username: 'admin', password: CANARY });
      const info = await h.service.start('cam', { viewer: 't' });
      await h.waitFor('cam', 'live');
      const [pid] = h.service.pids();
      expect(pid).toBeDefined();
      const cmdline = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8');
      expectNoSecret(cmdline, [CANARY]);
      expect(cmdline).not.toContain('rtsp://');
      expect(cmdline).not.toContain(cam.url);

      const dir = join(h.tempRoot, info.sessionId);
      const list = join(dir, INPUT_LIST_NAME);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(list).mode & 0o777).toBe(0o600);
      const text = readFileSync(list, 'utf8');
      expectNoSecret(text, [CANARY]);
      // The relay's token (the only way into the relay) is in the private list, not in argv.
      const token = /\/\/127\.0\.0\.1:\d+\/([0-9a-f]{32})\//.exec(text)?.[1];
      expect(token).toBeDefined();
      expect(cmdline).not.toContain(token);
      expectNoSecret(JSON.stringify({ logs: h.logs, events: h.events }), [CANARY, token ?? '']);

      await h.service.release('cam', 't');
      expect(() => statSync(list)).toThrow(/ENOENT/);
      expect(h.sessionDirs()).toEqual([]);
      expect(h.spawned.filter(isAlive)).toEqual([]);
    },
  );

  it.runIf(gst)(
    'frame grab: the same, with the canary password through real ffmpeg (Basic auth this time)',
    async () => {
      const cam = await startFakeCamera({
        user: 'admin',
        password: CANARY,
        auth: 'basic',
        audio: 'none',
      });
      const seen: string[] = [];
      let grabbing = true;
      const watcher = (async () => {
        while (grabbing) {
          for (const child of ffmpegChildren()) seen.push(child.cmdline);
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      })();
      try {
        const jpeg = await grabFrame(FFMPEG, {
          kind: 'rtsp',
          url: cam.url,
          username: 'admin',
          password: CANARY,
        });
        expect(jpeg[0]).toBe(0xff);
      } finally {
        grabbing = false;
        await watcher;
      }
      expect(seen.length).toBeGreaterThan(0);
      for (const cmdline of seen) {
        expectNoSecret(cmdline, [CANARY]);
        expect(cmdline).not.toContain('rtsp://');
        expect(cmdline).toContain('-protocol_whitelist');
      }
      await eventually(() => ffmpegChildren().length === 0, 2_000, 'grab ffmpeg gone');
    },
  );
});
