import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPrivateDir,
  ensurePrivateRoot,
  UnsafeFolderError,
} from '../../src/main/services/streaming/private-dir';
import { UserFacingError } from '../../src/shared/errors';

// The checks compare owner and mode bits: running as root (which passes every permission
// check) must not make a folder "fine". A uid that is not ours is simulated with `uid`; the
// real second user is in tests/integration/stream-root.test.ts.
const made: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-private-dir-'));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => lstatSync(path).mode & 0o777;
const me = process.getuid?.() ?? 0;

async function refusal(promise: Promise<unknown>): Promise<UnsafeFolderError> {
  const error: unknown = await promise.then(
    () => new Error('expected a refusal, but it was accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof UnsafeFolderError)) throw error;
  expect(error).toBeInstanceOf(UserFacingError);
  expect(error.code).toBe('unsafe-stream-folder');
  return error;
}

async function withUmask<T>(mask: number, task: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await task();
  } finally {
    process.umask(previous);
  }
}

describe.skipIf(process.platform === 'win32')('ensurePrivateRoot (POSIX)', () => {
  it('creates a fresh root, and its missing parents, with mode 0700 and owned by us', async () => {
    const root = join(scratch(), 'userData', 'streams');
    await ensurePrivateRoot(root);
    expect(lstatSync(root).isDirectory()).toBe(true);
    expect(lstatSync(root).uid).toBe(me);
    expect(mode(root)).toBe(0o700);
  });

  it('a fresh root is 0700 even under a umask that takes owner bits away', async () => {
    const root = join(scratch(), 'streams');
    await withUmask(0o277, () => ensurePrivateRoot(root));
    expect(mode(root)).toBe(0o700);
  });

  it('a root of ours at 0755 is tightened to 0700', async () => {
    const root = join(scratch(), 'streams');
    mkdirSync(root);
    chmodSync(root, 0o755);
    await ensurePrivateRoot(root);
    expect(mode(root)).toBe(0o700);
  });

  it('a root of ours at 0700 is adopted as it is', async () => {
    const root = join(scratch(), 'streams');
    mkdirSync(root, { mode: 0o700 });
    writeFileSync(join(root, 'left.txt'), 'x');
    await ensurePrivateRoot(root);
    expect(mode(root)).toBe(0o700);
    expect(existsSync(join(root, 'left.txt'))).toBe(true);
  });

  it('compares the owner, not access: a folder we can read but that is not ours is refused and left alone', async () => {
    const root = join(scratch(), 'streams');
    mkdirSync(root, { mode: 0o777 });
    chmodSync(root, 0o777);
    const error = await refusal(ensurePrivateRoot(root, { uid: me + 4242 }));
    expect(error.path).toBe(root);
    // Which folder, what is wrong, what to do.
    expect(error.message).toContain(root);
    expect(error.message).toMatch(/belongs to another user \(uid \d+\)/);
    expect(error.message).toMatch(/Delete it/);
    expect(mode(root)).toBe(0o777);
  });

  it('a symlink at the root is refused even when it points to a private folder of ours', async () => {
    const target = scratch();
    const root = join(scratch(), 'streams');
    symlinkSync(target, root);
    const error = await refusal(ensurePrivateRoot(root));
    expect(error.message).toContain(root);
    expect(error.message).toMatch(/is a link to another place/);
    expect(error.message).toMatch(/Delete the link/);
  });

  it('a dangling symlink at the root is refused and not followed (nothing appears at its target)', async () => {
    const target = join(scratch(), 'attacker-wants-this');
    const root = join(scratch(), 'streams');
    symlinkSync(target, root);
    await refusal(ensurePrivateRoot(root));
    expect(existsSync(target)).toBe(false);
  });

  it('a file where the root should be is refused', async () => {
    const root = join(scratch(), 'streams');
    writeFileSync(root, 'not a folder');
    const error = await refusal(ensurePrivateRoot(root));
    expect(error.message).toMatch(/is not a folder/);
    expect(error.message).toMatch(/Move it away/);
  });

  it.runIf(process.platform === 'linux' && existsSync(`/proc/${String(process.pid)}`))(
    'a folder of ours that is open to others and cannot be made private is refused with what to do',
    async () => {
      // /proc/<pid> is ours, 0555, and chmod fails there (EPERM) even for root.
      const root = `/proc/${String(process.pid)}`;
      const error = await refusal(ensurePrivateRoot(root));
      expect(error.message).toContain(root);
      expect(error.message).toMatch(/permissions 0555\) and Vigil could not make it private/);
      expect(error.message).toContain(`chmod 700 ${root}`);
    },
  );

  it('a root that cannot be created says which folder and what to check', async () => {
    const file = join(scratch(), 'a-file');
    writeFileSync(file, '');
    const root = join(file, 'streams');
    const error = await refusal(ensurePrivateRoot(root));
    expect(error.message).toContain(root);
    expect(error.message).toMatch(/could not create its folder for live video/);
  });
});

describe('ensurePrivateRoot on Windows (simulated)', () => {
  it('skips the POSIX owner and mode checks, but still refuses a link', async () => {
    const root = join(scratch(), 'streams');
    mkdirSync(root);
    chmodSync(root, 0o777);
    const before = mode(root);
    await ensurePrivateRoot(root, { platform: 'win32', uid: me + 4242 });
    expect(mode(root)).toBe(before); // not touched: no POSIX mode bits to fix there
    const link = join(scratch(), 'streams');
    // A junction on Windows (no privilege needed); the type is ignored elsewhere.
    symlinkSync(root, link, 'junction');
    await refusal(ensurePrivateRoot(link, { platform: 'win32' }));
  });
});

describe.skipIf(process.platform === 'win32')('createPrivateDir (session folders)', () => {
  it('creates a fresh folder with mode 0700, also under a narrow umask', async () => {
    const root = scratch();
    const dir = join(root, 'session');
    await withUmask(0o277, () => createPrivateDir(dir));
    expect(mode(dir)).toBe(0o700);
    expect(lstatSync(dir).uid).toBe(me);
  });

  it('never reuses an existing folder', async () => {
    const dir = join(scratch(), 'session');
    mkdirSync(dir, { mode: 0o700 });
    const error = await refusal(createPrivateDir(dir));
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/already exists/);
    expect(error.message).toMatch(/Start the stream again/);
  });

  it('a planted link at the path fails creation and is not followed', async () => {
    const target = join(scratch(), 'would-be-created-through-the-link');
    const dir = join(scratch(), 'session');
    symlinkSync(target, dir);
    await refusal(createPrivateDir(dir));
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(dir).isSymbolicLink()).toBe(true);
  });
});
