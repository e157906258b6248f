import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { PID_FILE, type SpawnFn } from '../../src/main/services/streaming/process-guard';
import { StreamService } from '../../src/main/services/streaming/stream-service';
import { DEFAULT_TIMINGS } from '../../src/main/services/streaming/session-config';
import { StreamSession } from '../../src/main/services/streaming/stream-session';
import { UserFacingError } from '../../src/shared/errors';

// These tests run as root, and root passes every permission check: a folder it "cannot read"
// proves nothing. They check ownership and mode explicitly, and play the other user (and, once,
// the victim) as `nobody` through setpriv.
const NOBODY = 65534;
const SETPRIV = '/usr/bin/setpriv';
const canSwitchUser =
  process.platform === 'linux' && process.getuid?.() === 0 && existsSync(SETPRIV);
const initSource = fileURLToPath(new URL('../fixtures/stream-root/init.ts', import.meta.url));

/**
 * The victim's side runs as nobody, who may not read this checkout (a fresh clone can live in
 * a 0700 folder) nor the node under /root: bundle the script into one file in a folder anyone
 * can read, and find a node nobody can run.
 */
async function victimScript(): Promise<{ node: string; script: string } | null> {
  const node = [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find(
    (candidate) => existsSync(candidate) && asNobody(candidate, ['-e', '0']).status === 0,
  );
  if (!node) return null;
  const outDir = mkdtempSync(join(tmpdir(), 'vigil-root-victim-'));
  made.push(outDir);
  chmodSync(outDir, 0o755);
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: initSource,
      outDir,
      emptyOutDir: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: 'init.cjs' } },
    },
  });
  const script = join(outDir, 'init.cjs');
  chmodSync(script, 0o644);
  return { node, script };
}

/** Runs a command as `nobody` (no supplementary groups). */
function asNobody(command: string, args: string[]) {
  return spawnSync(
    SETPRIV,
    [`--reuid=${String(NOBODY)}`, `--regid=${String(NOBODY)}`, '--clear-groups', command, ...args],
    { encoding: 'utf8', timeout: 20_000 },
  );
}

const made: string[] = [];
/** A folder anyone may create entries in, like /tmp (sticky, 1777). */
function sharedParent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-root-test-'));
  chmodSync(dir, 0o1777);
  made.push(dir);
  return dir;
}
function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-root-test-'));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function service(tempRoot: string): StreamService {
  return new StreamService({
    tempRoot,
    sources: { resolve: () => Promise.reject(new Error('no cameras here')) },
    ffmpeg: () => Promise.reject(new Error('no ffmpeg here')),
    emit: () => undefined,
    // No setpriv probe: these tests are about folders.
    spawn: () => {
      throw new Error('no ffmpeg in these tests');
    },
  });
}

async function refusal(promise: Promise<unknown>): Promise<UserFacingError> {
  const error: unknown = await promise.then(
    () => new Error('expected a refusal, but it was accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof UserFacingError)) throw error;
  return error;
}

const mode = (path: string) => lstatSync(path).mode & 0o7777;

describe.runIf(canSwitchUser)('the stream root is ours alone (a second user: nobody)', () => {
  it('(a) a root another user created first with 0700: a non-root Vigil refuses clearly instead of crashing', async (ctx) => {
    // Attacker: root; victim: nobody. The victim cannot even read the folder.
    const root = join(sharedParent(), 'streams');
    mkdirSync(root, { mode: 0o700 });
    const victim = await victimScript();
    if (!victim) {
      ctx.skip('no node binary that nobody may run on this machine');
      return;
    }
    const run = asNobody(victim.node, [victim.script, root]);
    expect(run.stdout).toMatch(/^REFUSED /);
    expect(run.stdout).toContain(root);
    expect(run.stdout).toMatch(/another user/);
    expect(run.status).toBe(2);
  });

  it('(a) the same from root’s side: a 0700 root owned by nobody is refused, not adopted', async () => {
    const root = join(sharedParent(), 'streams');
    expect(asNobody('mkdir', ['-m', '0700', root]).status).toBe(0);
    const error = await refusal(service(root).init());
    expect(error.message).toContain(root);
    expect(error.message).toMatch(/another user \(uid 65534\)/);
    // Root could have chmod/chown'ed it: it must leave another user's folder alone.
    expect(lstatSync(root).uid).toBe(NOBODY);
    expect(mode(root)).toBe(0o700);
  });

  it('(b) a 0777 root pre-created by another user is refused and left untouched', async () => {
    const root = join(sharedParent(), 'streams');
    expect(asNobody('mkdir', ['-m', '0777', root]).status).toBe(0);
    const error = await refusal(service(root).init());
    expect(error.message).toContain(root);
    expect(error.message).toMatch(/another user/);
    expect(mode(root)).toBe(0o777);
    expect(readdirSync(root)).toEqual([]);
  });

  it('(c) a root that is a symlink is refused, even one pointing to a private folder of ours', async () => {
    const target = privateDir();
    const stale = join(target, randomUUID());
    mkdirSync(stale);
    const root = join(sharedParent(), 'streams');
    symlinkSync(target, root);
    const error = await refusal(service(root).init());
    expect(error.message).toContain(root);
    expect(error.message).toMatch(/link/);
    // Nothing was swept through the link.
    expect(existsSync(stale)).toBe(true);
  });

  it('a root of ours left at 0777 is tightened to 0700, and then nobody cannot plant anything in it', async () => {
    const root = join(privateDir(), 'streams');
    mkdirSync(root);
    chmodSync(root, 0o777);
    await service(root).init();
    expect(mode(root)).toBe(0o700);
    const planted = join(root, randomUUID());
    expect(asNobody('mkdir', [planted]).status).not.toBe(0);
    expect(asNobody('ln', ['-s', '/etc', planted]).status).not.toBe(0);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe.skipIf(process.platform === 'win32')('stream folders never follow links', () => {
  it('the start-up sweep removes planted links and stale folders without following them', async () => {
    const root = join(privateDir(), 'streams');
    const outside = privateDir();
    writeFileSync(join(outside, 'keep.txt'), 'precious');
    writeFileSync(join(outside, PID_FILE), String(process.pid));
    mkdirSync(join(outside, 'folder'));
    writeFileSync(join(outside, 'folder', 'inner.txt'), 'precious too');
    mkdirSync(root, { mode: 0o700 });
    // A session name that is a link to somewhere else…
    const linked = randomUUID();
    symlinkSync(outside, join(root, linked));
    // …and a stale session folder whose files are links out.
    const stale = randomUUID();
    mkdirSync(join(root, stale));
    symlinkSync(join(outside, 'keep.txt'), join(root, stale, 'index.m3u8.tmp'));
    symlinkSync(join(outside, 'folder'), join(root, stale, 'folder'));
    symlinkSync(join(outside, PID_FILE), join(root, stale, PID_FILE));

    const swept = await service(root).init();
    expect(swept.sort()).toEqual([linked, stale].sort());
    expect(readdirSync(root)).toEqual([]);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('precious');
    expect(readFileSync(join(outside, 'folder', 'inner.txt'), 'utf8')).toBe('precious too');
    expect(readdirSync(outside).sort()).toEqual([PID_FILE, 'folder', 'keep.txt'].sort());
  });

  it('(d) a link planted where a session folder will be makes its start fail: ffmpeg never runs, nothing is written through it', async () => {
    const root = join(privateDir(), 'streams');
    await service(root).init();
    // The attacker's folder, with the playlist's temp name pointing at a file in the victim's home.
    const home = privateDir();
    writeFileSync(join(home, '.bashrc'), 'original');
    const lure = privateDir();
    symlinkSync(join(home, '.bashrc'), join(lure, 'index.m3u8.tmp'));
    const id = randomUUID();
    const dir = join(root, id);
    symlinkSync(lure, dir);

    const spawned: string[] = [];
    const spawn: SpawnFn = (command) => {
      spawned.push(command);
      throw new Error('ffmpeg must not run');
    };
    const session = new StreamSession({
      id,
      dir,
      source: { kind: 'demo' },
      binary: { path: '/bin/false', origin: 'PATH', version: 'stub', filters: new Set() },
      spawn,
      timings: DEFAULT_TIMINGS,
      onChange: () => undefined,
      log: () => undefined,
    });
    const error = await refusal(session.start());
    expect(error.message).toContain(dir);
    expect(spawned).toEqual([]);
    // What StreamService does after a failed start: removes the link, never what it points to.
    await session.stop();
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('original');
    expect(readdirSync(lure)).toEqual(['index.m3u8.tmp']);
    expect(statSync(lure).isDirectory()).toBe(true);
  });
});
