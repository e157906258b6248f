import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELF_ARM64, ELF_X64, PE_X64, elfHeader, peHeader } from './crafted-binaries';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// ffmpeg-static's release assets as its install.js asks for them, served from here. Each has
// its README and LICENSE: install.js retries a 404 five times before it shrugs.
const ASSETS: Record<string, Buffer> = {};
for (const [key, binary] of [
  ['linux-arm64', elfHeader(ELF_ARM64)],
  ['win32-x64', peHeader(PE_X64)],
  ['darwin-x64', elfHeader(ELF_X64)], // mislabelled on purpose
] as const) {
  ASSETS[`/test/ffmpeg-${key}.gz`] = gzipSync(binary);
  ASSETS[`/test/${key}.README`] = Buffer.from(`ffmpeg for ${key}`);
  ASSETS[`/test/${key}.LICENSE`] = Buffer.from('GPL');
}

describe('scripts/fetch-ffmpeg.mjs (against a local stand-in for the release downloads)', () => {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = ASSETS[req.url ?? ''];
    res.writeHead(body ? 200 : 404).end(body);
  });
  let baseUrl = '';
  const home = mkdtempSync(join(tmpdir(), 'vigil-fetch-home-'));

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function fetchFfmpeg(dir: string, ...targets: string[]) {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (/_proxy$/i.test(key)) delete env[key];
    Object.assign(env, {
      FFMPEG_BINARIES_URL: baseUrl,
      FFMPEG_BINARY_RELEASE: 'test',
      CI: '1',
      // install.js keeps a download cache under the user's cache folder: keep it in a temp one.
      HOME: home,
      XDG_CACHE_HOME: home,
      LOCALAPPDATA: home,
    });
    return new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'scripts/fetch-ffmpeg.mjs'), dir, ...targets],
        { env },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
  }

  it('puts each target in <dir>/<platform>-<arch>, executable; Windows on ARM gets x64', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-fetch-'));
    const result = await fetchFfmpeg(dir, 'linux-arm64', 'win32-arm64');
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'linux-arm64/ffmpeg'))).toEqual(elfHeader(ELF_ARM64));
    expect(readFileSync(join(dir, 'win32-x64/ffmpeg.exe'))).toEqual(peHeader(PE_X64));
    // The afterPack hook ships the license next to the binary.
    expect(readFileSync(join(dir, 'win32-x64/ffmpeg.exe.LICENSE'), 'utf8')).toBe('GPL');
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'linux-arm64/ffmpeg')).mode & 0o111).toBe(0o111);
    }
    expect(requested).toContain('/test/ffmpeg-win32-x64.gz');
  }, 30_000);

  it('fails when a download is not an ffmpeg for that target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-fetch-'));
    const result = await fetchFfmpeg(dir, 'darwin-x64');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'is not ffmpeg for darwin-x64: it is an ELF x86-64 executable, not a Mach-O x86-64 executable.',
    );
  }, 30_000);

  it('fails when there is nothing to download', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-fetch-'));
    const result = await fetchFfmpeg(dir, 'linux-x64');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('downloading ffmpeg for linux-x64 failed');
  }, 30_000);
});
