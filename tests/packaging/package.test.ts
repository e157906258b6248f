import { listPackage } from '@electron/asar';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { BeforePackContext, Configuration } from 'app-builder-lib';
import { Arch, build, Platform } from 'electron-builder';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBinaryHeader } from '../../scripts/binary-header.mjs';
import { ELF_ARM64, ELF_X64, elfHeader } from './crafted-binaries';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST_IS_LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';

/** electron-builder --dir for linux x64, offline: a stand-in Electron and no fuses. */
async function buildLinux(
  target: string,
  overrides: Configuration = {},
): Promise<{ output: string; unpacked: string }> {
  // The Electron binary cannot be downloaded here: a stand-in dist makes the layout
  // step work offline. Fuses need the real binary, so only that step is left out.
  const dist = mkdtempSync(join(tmpdir(), 'vigil-electron-dist-'));
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dist, 'electron'), 0o755);
  const output = mkdtempSync(join(tmpdir(), 'vigil-pack-'));
  await build({
    targets: Platform.LINUX.createTarget(target, Arch.x64),
    projectDir: ROOT,
    config: { electronDist: dist, electronFuses: null, directories: { output }, ...overrides },
  });
  return { output, unpacked: join(output, 'linux-unpacked') };
}

/** Sets (or, for undefined, removes) environment variables; returns the undo. */
function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  return () => apply(saved);
}

/** A VIGIL_FFMPEG_DIR whose linux-x64 ffmpeg is the given bytes. */
function linuxX64FfmpegDir(content: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ffmpeg-dir-'));
  mkdirSync(join(dir, 'linux-x64'));
  writeFileSync(join(dir, 'linux-x64/ffmpeg'), content, { mode: 0o755 });
  return dir;
}

function ffmpegOnPath(): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'ffmpeg'))
    .find((file) => existsSync(file));
}

describe('installers (electron-builder)', () => {
  it('the release configuration is valid, offline: fuses, targets, unpacked ffmpeg', async () => {
    const config = await getConfig(ROOT, null, null);
    await validateConfiguration(config, new DebugLogger());
    expect(config).toMatchObject({
      appId: 'app.vigil.desktop',
      productName: 'Vigil',
      asarUnpack: ['node_modules/ffmpeg-static/**'],
      electronFuses: {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
      },
      mac: {
        hardenedRuntime: true,
        target: [
          { target: 'dmg', arch: ['arm64', 'x64'] },
          { target: 'zip', arch: ['arm64', 'x64'] },
        ],
      },
      win: { target: [{ target: 'nsis' }] },
      linux: { category: 'Video', target: ['AppImage', 'deb'] },
    });
    for (const icon of [
      config.mac?.icon,
      config.win?.icon,
      config.linux?.icon,
      config.mac?.entitlements,
    ]) {
      expect(existsSync(join(ROOT, String(icon))), String(icon)).toBe(true);
    }
  });

  describe('the packed app (electron-builder --dir with a stand-in Electron)', () => {
    let unpacked: string;
    let files: string[];

    beforeAll(async () => {
      if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('run npm run build first');
      const env: Record<string, string | undefined> = { VIGIL_FFMPEG_DIR: undefined };
      if (HOST_IS_LINUX_X64) {
        // The hook's own path for a host build: FFMPEG_BIN, else ffmpeg-static's download
        // (which fails where npm install ran offline; then the system ffmpeg stands in).
        const download = join(ROOT, 'node_modules/ffmpeg-static/ffmpeg');
        if (!process.env.FFMPEG_BIN && !existsSync(download)) env.FFMPEG_BIN = ffmpegOnPath();
      } else {
        // No linux-x64 ffmpeg on this machine: a crafted header is checked, never run.
        env.VIGIL_FFMPEG_DIR = linuxX64FfmpegDir(elfHeader(ELF_X64));
      }
      const restore = setEnv(env);
      try {
        ({ unpacked } = await buildLinux('dir'));
      } finally {
        restore();
      }
      files = listPackage(join(unpacked, 'resources/app.asar'), { isPack: false });
    }, 120_000);

    it('holds the built main, preload and renderer', () => {
      for (const file of [
        '/package.json',
        '/out/main/index.js',
        '/out/preload/index.js',
        '/out/renderer/index.html',
        '/out/renderer/live.html',
      ]) {
        expect(files, file).toContain(file);
      }
      expect(files.some((f) => /^\/out\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    });

    it('holds no sources, tests, docs or source maps', () => {
      expect(
        files.filter(
          (f) =>
            /^\/(src|tests|docs|scripts|resources)\b|\.map$|\.tsx?$/.test(f) &&
            !f.startsWith('/node_modules/'),
        ),
      ).toEqual([]);
    });

    it('keeps what Vite bundled (react, hls.js, zustand) and dev tools out of node_modules', () => {
      for (const name of [
        'react',
        'react-dom',
        'hls.js',
        'zustand',
        'vite',
        'electron',
        'vitest',
        'playwright-core',
      ]) {
        expect(files, name).not.toContain(`/node_modules/${name}`);
      }
      for (const name of ['onvif', 'zod', 'write-file-atomic', 'ffmpeg-static']) {
        expect(files, name).toContain(`/node_modules/${name}`);
      }
    });

    it('unpacks ffmpeg-static next to the asar (a binary cannot run from inside it)', () => {
      const dir = join(unpacked, 'resources/app.asar.unpacked/node_modules/ffmpeg-static');
      expect(existsSync(join(dir, 'index.js'))).toBe(true);
    });

    const shippedFfmpeg = () =>
      join(unpacked, 'resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg');

    it("ships the target's own ffmpeg: an ELF x86-64 for linux x64", () => {
      expect(readBinaryHeader(readFileSync(shippedFfmpeg()))).toEqual({
        format: 'elf',
        machines: ['x64'],
      });
    });

    it.runIf(HOST_IS_LINUX_X64)('ships an ffmpeg that runs', () => {
      expect(execFileSync(shippedFfmpeg(), ['-version'], { encoding: 'utf8' })).toMatch(
        /^ffmpeg version /,
      );
    });

    it('ships the tray icons as resources and names the executable after the app', () => {
      expect(existsSync(join(unpacked, 'resources/resources/tray/tray.png'))).toBe(true);
      expect(existsSync(join(unpacked, 'resources/resources/tray/trayTemplate.png'))).toBe(true);
      expect(existsSync(join(unpacked, 'vigil'))).toBe(true);
    });
  });
});

describe('an installer with the wrong ffmpeg', () => {
  let restore = () => {};
  afterAll(() => restore());

  it('fails the build, naming the target and what the binary is', async () => {
    const dir = linuxX64FfmpegDir(elfHeader(ELF_ARM64));
    restore = setEnv({ VIGIL_FFMPEG_DIR: dir });
    await expect(buildLinux('dir')).rejects.toThrow(
      `Wrong ffmpeg for linux-x64: ${join(dir, 'linux-x64/ffmpeg')} will not run there, ` +
        'it is an ELF arm64 (aarch64) executable, not an ELF x86-64 executable.',
    );
  }, 120_000);
});

describe("the deb's post-install script (Electron's sandbox under AppArmor, Ubuntu 24.04+)", () => {
  let afterInstall = '';
  let profile = '';

  beforeAll(async () => {
    // fpm cannot be downloaded here, so the build stops before packing, once the deb target
    // (electron-builder's FpmTarget) has rendered its scripts from our configuration.
    const stop = new Error('stop: scripts read');
    const readScripts = async ({ targets }: BeforePackContext) => {
      const deb = targets.find((t) => t.name === 'deb') as unknown as {
        scriptFiles: Promise<{ afterInstall: string; appArmor: string }>;
      };
      const scripts = await deb.scriptFiles;
      afterInstall = readFileSync(scripts.afterInstall, 'utf8');
      profile = readFileSync(scripts.appArmor, 'utf8');
      throw stop;
    };
    await expect(buildLinux('deb', { beforePack: readScripts })).rejects.toThrow(stop.message);
  }, 60_000);

  it('installs the bundled AppArmor profile for our executable and loads it', () => {
    // FpmTarget copies the rendered profile to resources/apparmor-profile in the package.
    expect(afterInstall).toContain('/opt/Vigil/resources/apparmor-profile');
    expect(afterInstall).toContain('/etc/apparmor.d/vigil');
    expect(afterInstall).toMatch(/apparmor_parser --replace\b/);
  });

  it('the profile lets /opt/Vigil/vigil create user namespaces', () => {
    expect(profile).toMatch(/^profile "vigil" "\/opt\/Vigil\/vigil" /m);
    expect(profile).toMatch(/^\s*userns,\s*$/m);
  });
});
