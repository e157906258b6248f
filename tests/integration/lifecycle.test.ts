import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_CAMERA_ID } from '../../src/main/services/cameras/demo-camera';
import { PID_FILE, commandLineOf } from '../../src/main/services/streaming/process-guard';
import { createHarness, eventually, isAlive } from '../helpers/stream-harness';

const crashingMain = fileURLToPath(new URL('../fixtures/crashing-main/main.ts', import.meta.url));

describe('ffmpeg never outlives the app', () => {
  it('the start-up reaper ends a crashed run’s ffmpeg and removes its directory', async () => {
    const crashed = createHarness();
    await crashed.service.init();
    await crashed.service.start(DEMO_CAMERA_ID, { viewer: 't' });
    const live = await crashed.waitFor(DEMO_CAMERA_ID, 'live');
    const [pid] = crashed.service.pids();
    if (pid === undefined) throw new Error('no ffmpeg pid was recorded');
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(join(crashed.tempRoot, live.sessionId, PID_FILE))).toBe(true);

    // The next run of the app finds what the "crashed" one left behind.
    const next = createHarness({ tempRoot: crashed.tempRoot });
    const swept = await next.service.init();
    expect(swept).toEqual([live.sessionId]);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(crashed.tempRoot, live.sessionId))).toBe(false);
    expect(next.logs.join('\n')).toMatch(/ended 1 leftover ffmpeg/);
    await crashed.dispose();
  });

  it('the reaper never ends a process whose command line is not ours, even with its PID on file', async () => {
    const h = createHarness();
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const stale = join(h.tempRoot, '2f1d6c8e-1b7a-4c3e-9d2a-5e6f7a8b9c0d');
      mkdirSync(stale, { recursive: true });
      writeFileSync(join(stale, PID_FILE), String(bystander.pid));
      if (bystander.pid === undefined) throw new Error('the bystander did not start');
      expect(await commandLineOf(bystander.pid)).toMatch(/^sleep 30/);
      await h.service.init();
      expect(isAlive(bystander.pid)).toBe(true);
      expect(existsSync(stale)).toBe(false);
    } finally {
      bystander.kill('SIGKILL');
      await h.dispose();
    }
  });

  it.runIf(process.platform === 'linux' && existsSync('/usr/bin/setpriv'))(
    'on Linux, SIGKILL of the main process takes its ffmpeg with it (parent-death signal)',
    async () => {
      const tempRoot = mkdtempSync(join(tmpdir(), 'vigil-crash-main-'));
      const main = spawn(process.execPath, ['--import', 'tsx', crashingMain, tempRoot], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FFMPEG_BIN: process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg' },
      });
      let out = '';
      main.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const ffmpegPid = await new Promise<number>((resolve, reject) => {
        main.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /LIVE (\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
          if (out.includes('FAILED')) reject(new Error(out));
        });
        main.on('exit', () => reject(new Error(`main exited early: ${out}`)));
      });
      expect(await commandLineOf(ffmpegPid)).toMatch(/ffmpeg .*-f hls/);
      main.kill('SIGKILL');
      // The kernel signals it at once (11 ms measured); without the parent-death signal it
      // lives on forever, so 5 s is only room for a loaded machine.
      const took = await eventually(
        () => !isAlive(ffmpegPid),
        5_000,
        'ffmpeg to die with its parent',
      );
      console.log(`main SIGKILLed → ffmpeg gone after ${String(took)} ms`);
    },
  );
});
