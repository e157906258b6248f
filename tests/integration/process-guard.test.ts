import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CAMERA_ID } from '../../src/main/services/cameras/demo-camera';
import { commandLineOf, createGuardedSpawn } from '../../src/main/services/streaming/process-guard';
import type * as ProcessGuard from '../../src/main/services/streaming/process-guard';
import { createHarness } from '../helpers/stream-harness';

// A pass-through spy: counts how often the service probes setpriv.
vi.mock('../../src/main/services/streaming/process-guard', async (importOriginal) => {
  const actual = await importOriginal<typeof ProcessGuard>();
  return { ...actual, createGuardedSpawn: vi.fn(actual.createGuardedSpawn) };
});

const OLD_SETPRIV = fileURLToPath(new URL('../fixtures/old-setpriv/setpriv', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-guard-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A private copy of the old-setpriv stand-in, and the calls it received. */
function oldSetpriv(): { path: string; calls: () => string[] } {
  const dir = mkdtempSync(join(scratch, 'setpriv-'));
  const path = join(dir, 'setpriv');
  copyFileSync(OLD_SETPRIV, path);
  chmodSync(path, 0o755);
  const log = join(dir, 'calls.log');
  return {
    path,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

describe.runIf(process.platform === 'linux')('the guarded spawn on Linux', () => {
  it('setpriv without --pdeathsig (util-linux < 2.33): tried once, said once, and streams start with a plain spawn', async () => {
    const setpriv = oldSetpriv();
    const logs: string[] = [];
    const probed = Date.now();
    const guarded = await createGuardedSpawn({
      platform: 'linux',
      setprivPath: setpriv.path,
      log: (line) => logs.push(line),
    });
    console.log(`probe of an old setpriv: ${String(Date.now() - probed)} ms`);

    const h = createHarness({ spawn: guarded });
    try {
      await h.service.init();
      h.cameras.set('demo-2', { kind: 'demo' });
      for (const camera of [DEMO_CAMERA_ID, 'demo-2']) {
        await h.service.start(camera, { viewer: 't' });
        const info = await h.waitFor(camera, ['live', 'failed'], 10_000);
        expect(info.state).toBe('live');
        const [pid] = h.service.pids();
        if (pid === undefined) throw new Error('no ffmpeg pid was recorded');
        expect(await commandLineOf(pid)).toMatch(/ffmpeg .*-f hls/);
        await h.service.release(camera, 't');
      }
    } finally {
      await h.dispose();
    }
    // The probe was the only call: no stream went through setpriv, none probed again.
    expect(setpriv.calls()).toEqual(['--pdeathsig KILL -- true']);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /--pdeathsig does not work here \(setpriv: unrecognized option '--pdeathsig'\)/,
    );
  });

  it.runIf(existsSync('/usr/bin/setpriv'))(
    'a setpriv that has --pdeathsig puts every child under a parent-death signal, silently',
    async () => {
      const logs: string[] = [];
      const guarded = await createGuardedSpawn({ log: (line) => logs.push(line) });
      const child = guarded('/usr/bin/setpriv', ['--dump'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((resolve) => child.once('close', resolve));
      expect(out).toMatch(/Parent death signal: KILL/);
      expect(logs).toEqual([]);
    },
  );

  it('the service probes once, at init, and never again per stream', async () => {
    vi.mocked(createGuardedSpawn).mockClear();
    const h = createHarness({ spawn: undefined });
    try {
      await h.service.init();
      expect(createGuardedSpawn).toHaveBeenCalledTimes(1);
      h.cameras.set('demo-2', { kind: 'demo' });
      for (const camera of [DEMO_CAMERA_ID, 'demo-2']) {
        const started = Date.now();
        await h.service.start(camera, { viewer: 't' });
        expect((await h.waitFor(camera, ['live', 'failed'], 10_000)).state).toBe('live');
        console.log(`${camera}: start → live ${String(Date.now() - started)} ms`);
        await h.service.release(camera, 't');
      }
      expect(createGuardedSpawn).toHaveBeenCalledTimes(1);
    } finally {
      await h.dispose();
    }
  });

  it('off Linux, or without setpriv, spawns plainly without probing', async () => {
    const setpriv = oldSetpriv();
    const logs: string[] = [];
    for (const options of [
      { platform: 'darwin' as const, setprivPath: setpriv.path },
      { platform: 'linux' as const, setprivPath: join(scratch, 'no-such-setpriv') },
    ]) {
      const guarded = await createGuardedSpawn({ ...options, log: (l) => logs.push(l) });
      const child = guarded('/bin/echo', ['plain'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((resolve) => child.once('close', resolve));
      expect(out).toBe('plain\n');
    }
    expect(setpriv.calls()).toEqual([]);
    expect(logs).toEqual([]);
  });
});
