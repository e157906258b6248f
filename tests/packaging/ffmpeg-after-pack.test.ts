import type { AfterPackContext } from 'app-builder-lib';
import { Arch } from 'electron-builder';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FfmpegPackContext } from '../../scripts/ffmpeg-after-pack.mjs';
import afterPack, { ffmpegSourceKey, placeFfmpeg } from '../../scripts/ffmpeg-after-pack.mjs';
import {
  ELF_ARM64,
  ELF_X64,
  MACHO_ARM64,
  MACHO_X64,
  PE_X64,
  elfHeader,
  fatMachOHeader,
  machOHeader,
  peHeader,
} from './crafted-binaries';

/** A packed app as electron-builder leaves it before afterPack: ffmpeg-static unpacked. */
function packedApp(
  platform: string,
  arch: Arch,
  hostBinary?: [string, Buffer],
): { context: FfmpegPackContext; unpacked: string } {
  const appOutDir = mkdtempSync(join(tmpdir(), 'vigil-afterpack-'));
  // On macOS the resources sit inside the app bundle (PlatformPackager.getResourcesDir).
  const resources =
    platform === 'darwin'
      ? join(appOutDir, 'Vigil.app/Contents/Resources')
      : join(appOutDir, 'resources');
  const unpacked = join(resources, 'app.asar.unpacked/node_modules/ffmpeg-static');
  mkdirSync(unpacked, { recursive: true });
  writeFileSync(join(unpacked, 'index.js'), '');
  if (hostBinary) writeFileSync(join(unpacked, hostBinary[0]), hostBinary[1]);
  const context = {
    electronPlatformName: platform,
    arch,
    appOutDir,
    packager: { projectDir: appOutDir, getResourcesDir: () => resources },
  };
  return { context, unpacked };
}

/** A VIGIL_FFMPEG_DIR holding the given files, keyed "<platform>-<arch>/<name>". */
function ffmpegDir(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ffmpeg-dir-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

// The hook's declared context must be what electron-builder passes to afterPack.
const _hookFits: (context: AfterPackContext) => Promise<void> = afterPack;

describe('the ffmpeg afterPack hook', () => {
  it('maps Windows on ARM to the x64 build (ffmpeg-static has no win32-arm64)', () => {
    expect(ffmpegSourceKey('win32', 'arm64')).toBe('win32-x64');
    expect(ffmpegSourceKey('mas', 'arm64')).toBe('darwin-arm64');
    expect(ffmpegSourceKey('linux', 'x64')).toBe('linux-x64');
  });

  it("ships the target's binary from VIGIL_FFMPEG_DIR and drops the build machine's", async () => {
    const { context, unpacked } = packedApp('win32', Arch.arm64, [
      'ffmpeg',
      machOHeader(MACHO_ARM64),
    ]);
    const dir = ffmpegDir({
      'win32-x64/ffmpeg.exe': peHeader(PE_X64),
      'win32-x64/ffmpeg.exe.LICENSE': 'GPL',
    });
    await placeFfmpeg(context, { env: { VIGIL_FFMPEG_DIR: dir }, hostKey: 'darwin-arm64' });
    expect(readFileSync(join(unpacked, 'ffmpeg.exe'))).toEqual(peHeader(PE_X64));
    expect(readFileSync(join(unpacked, 'ffmpeg.exe.LICENSE'), 'utf8')).toBe('GPL');
    expect(existsSync(join(unpacked, 'ffmpeg'))).toBe(false);
  });

  it("uses the build machine's ffmpeg-static download (or FFMPEG_BIN) when the target is the host", async () => {
    const staticDir = ffmpegDir({ ffmpeg: machOHeader(MACHO_ARM64) });
    const { context, unpacked } = packedApp('darwin', Arch.arm64);
    await placeFfmpeg(context, { env: {}, hostKey: 'darwin-arm64', ffmpegStaticDir: staticDir });
    expect(readFileSync(join(unpacked, 'ffmpeg'))).toEqual(machOHeader(MACHO_ARM64));

    const bin = join(ffmpegDir({ 'elsewhere/ffmpeg': elfHeader(ELF_X64) }), 'elsewhere/ffmpeg');
    const linux = packedApp('linux', Arch.x64);
    await placeFfmpeg(linux.context, {
      env: { FFMPEG_BIN: bin },
      hostKey: 'linux-x64',
      ffmpegStaticDir: staticDir,
    });
    expect(readFileSync(join(linux.unpacked, 'ffmpeg'))).toEqual(elfHeader(ELF_X64));
  });

  it('fails clearly when no binary exists for the target, rather than shipping the host one', async () => {
    const staticDir = ffmpegDir({ ffmpeg: machOHeader(MACHO_ARM64) });
    const { context } = packedApp('darwin', Arch.x64, ['ffmpeg', machOHeader(MACHO_ARM64)]);
    await expect(
      placeFfmpeg(context, { env: {}, hostKey: 'darwin-arm64', ffmpegStaticDir: staticDir }),
    ).rejects.toThrow(
      /^No ffmpeg for darwin-x64: .*Fetch it with "node scripts\/fetch-ffmpeg.mjs <dir> darwin-x64" and set VIGIL_FFMPEG_DIR=<dir>\.$/,
    );
  });

  it('fails clearly when the binary is for another architecture or OS', async () => {
    const dir = ffmpegDir({
      'linux-x64/ffmpeg': elfHeader(ELF_ARM64),
      'win32-x64/ffmpeg.exe': elfHeader(ELF_X64),
    });
    const linux = packedApp('linux', Arch.x64);
    await expect(
      placeFfmpeg(linux.context, { env: { VIGIL_FFMPEG_DIR: dir }, hostKey: 'linux-arm64' }),
    ).rejects.toThrow(
      `Wrong ffmpeg for linux-x64: ${join(dir, 'linux-x64/ffmpeg')} will not run there, ` +
        'it is an ELF arm64 (aarch64) executable, not an ELF x86-64 executable.',
    );
    const windows = packedApp('win32', Arch.arm64);
    await expect(
      placeFfmpeg(windows.context, { env: { VIGIL_FFMPEG_DIR: dir }, hostKey: 'linux-x64' }),
    ).rejects.toThrow(
      /^Wrong ffmpeg for win32-arm64 \(which ships the win32-x64 build\): .* not a PE \(Windows\) x86-64 executable\./,
    );
  });

  it('checks, without replacing, the merged ffmpeg of a universal macOS app', async () => {
    const fat = fatMachOHeader([MACHO_X64, MACHO_ARM64]);
    const good = packedApp('darwin', Arch.universal, ['ffmpeg', fat]);
    await placeFfmpeg(good.context, { env: {}, hostKey: 'darwin-arm64' });
    expect(readFileSync(join(good.unpacked, 'ffmpeg'))).toEqual(fat);
    const thin = packedApp('darwin', Arch.universal, ['ffmpeg', machOHeader(MACHO_ARM64)]);
    await expect(placeFfmpeg(thin.context, { env: {}, hostKey: 'darwin-arm64' })).rejects.toThrow(
      /not a Mach-O x86-64 \+ arm64 executable/,
    );
  });

  it('fails clearly when ffmpeg-static was not unpacked from the asar', async () => {
    const { context, unpacked } = packedApp('linux', Arch.x64);
    const dir = ffmpegDir({ 'linux-x64/ffmpeg': elfHeader(ELF_X64) });
    rmSync(unpacked, { recursive: true });
    await expect(
      placeFfmpeg(context, { env: { VIGIL_FFMPEG_DIR: dir }, hostKey: 'linux-x64' }),
    ).rejects.toThrow(/ffmpeg-static must stay in asarUnpack/);
  });
});
