// Frame grabs under the process guard (issue "Streams that survive the real world" §3): every
// grab's ffmpeg starts like a stream's (parent-death signal, its PID on file in its own folder
// of the stream root, swept at the next start), and the app's quit path ends it.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createVigilCore, type VigilCore } from '../../src/main/core';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import { grabFrame, MAX_CONCURRENT_GRABS } from '../../src/main/services/streaming/frame-grab';
import { startSilentTcpServer, type SilentTcpServer } from '../fixtures/fake-camera';
import { createHarness, eventually, isAlive, type Harness } from '../helpers/stream-harness';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';

/** Running ffmpeg children of this process whose command line points into `root`. */
function ffmpegIn(root: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(after[1]) !== process.pid || comm !== 'ffmpeg' || after[0] === 'Z') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(root)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Settles to 'picture' or the error, so a rejection is never left unhandled. */
function outcome(grab: Promise<unknown>): Promise<unknown> {
  return grab.then(
    () => 'picture',
    (error: unknown) => error,
  );
}

describe.runIf(process.platform === 'linux')('frame grabs under the process guard', () => {
  let silent: SilentTcpServer | undefined;
  let core: VigilCore | undefined;
  let dataDir: string | undefined;
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await core?.shutdown();
    for (const h of harnesses.splice(0)) await h.dispose();
    await silent?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    core = undefined;
    silent = undefined;
    dataDir = undefined;
  });

  it('quit ends a snapshot grab stuck on a camera that never answers: its ffmpeg is gone and nothing is left on disk', async () => {
    silent = await startSilentTcpServer();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-quit-grab-'));
    const tempRoot = join(dataDir, 'streams');
    core = createVigilCore({
      dataDir,
      tempRoot,
      secrets: createMemorySecretStore(),
      ffmpeg: () => probeFfmpeg({ env: { FFMPEG_BIN: FFMPEG } }),
      broadcast: () => undefined,
    });
    await core.init();
    const camera = await core.registry.add({
      name: 'Silent',
      source: { kind: 'rtsp', url: silent.url },
    });
    const taken = outcome(core.snapshots.take(camera.id));
    // The grab's ffmpeg runs, holding a connection the camera never answers (its own socket
    // timeout would end it only after 4 s).
    await eventually(() => ffmpegIn(tempRoot).length === 1, 10_000, 'the grab’s ffmpeg');
    const [pid] = ffmpegIn(tempRoot);
    if (pid === undefined) throw new Error('no grab ffmpeg found');
    expect(readdirSync(tempRoot)).toHaveLength(1);

    const t0 = Date.now();
    await core.shutdown(); // what the app's before-quit runs (through quit-guard)
    const took = Date.now() - t0;
    console.log(`quit with a grab running took ${String(took)} ms`);
    expect(isAlive(pid)).toBe(false);
    expect(readdirSync(tempRoot)).toEqual([]);
    expect(await taken).toMatchObject({ code: 'shutting-down' });
    // SIGTERM and, 400 ms later, SIGKILL: well inside the quit guard's 5 s, with room for load.
    expect(took).toBeLessThan(3_000);
  });

  it(`shutdown also refuses grabs still queued behind the cap of ${String(MAX_CONCURRENT_GRABS)}, and any grab after it`, async () => {
    silent = await startSilentTcpServer();
    const h = createHarness();
    harnesses.push(h);
    await h.service.init();
    const source = { kind: 'rtsp' as const, url: silent.url };
    const grabs = Array.from({ length: MAX_CONCURRENT_GRABS + 2 }, () =>
      outcome(h.service.grabFrame(source)),
    );
    await eventually(
      () => h.spawned.filter(isAlive).length === MAX_CONCURRENT_GRABS,
      10_000,
      'the first grabs’ ffmpeg',
    );
    await h.service.shutdown();
    for (const result of await Promise.all(grabs))
      expect(result).toMatchObject({ code: 'shutting-down' });
    // The queued grabs never started an ffmpeg; the running ones are gone.
    expect(h.spawned).toHaveLength(MAX_CONCURRENT_GRABS);
    expect(h.spawned.filter(isAlive)).toEqual([]);
    expect(h.sessionDirs()).toEqual([]);
    await expect(h.service.grabFrame(source)).rejects.toMatchObject({ code: 'shutting-down' });
    expect(h.spawned).toHaveLength(MAX_CONCURRENT_GRABS);
  });

  it('a grab left running by a crashed main is ended, and its folder removed, at the next start', async () => {
    silent = await startSilentTcpServer();
    const crashed = createHarness();
    harnesses.push(crashed);
    await crashed.service.init();
    // The grab of a main that "crashed": still running, its folder in the stream root.
    const stuck = outcome(
      grabFrame(FFMPEG, { kind: 'rtsp', url: silent.url }, { workDir: crashed.tempRoot }),
    );
    await eventually(() => ffmpegIn(crashed.tempRoot).length === 1, 10_000, 'the grab’s ffmpeg');
    const [pid] = ffmpegIn(crashed.tempRoot);
    if (pid === undefined) throw new Error('no grab ffmpeg found');
    const [folder] = crashed.sessionDirs();

    const next = createHarness({ tempRoot: crashed.tempRoot });
    harnesses.push(next);
    const swept = await next.service.init();
    expect(swept).toEqual([folder]);
    expect(isAlive(pid)).toBe(false);
    expect(next.logs.join('\n')).toMatch(/ended 1 leftover ffmpeg/);
    await stuck;
    expect(crashed.sessionDirs()).toEqual([]);
  });
});
