import { listPackage } from '@electron/asar';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { build, Platform } from 'electron-builder';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
      // The Electron binary cannot be downloaded here: a stand-in dist makes the layout
      // step work offline. Fuses need the real binary, so only that step is left out.
      const dist = mkdtempSync(join(tmpdir(), 'vigil-electron-dist-'));
      writeFileSync(join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
      chmodSync(join(dist, 'electron'), 0o755);
      const output = mkdtempSync(join(tmpdir(), 'vigil-pack-'));
      await build({
        targets: Platform.LINUX.createTarget('dir'),
        projectDir: ROOT,
        config: { electronDist: dist, electronFuses: null, directories: { output } },
      });
      unpacked = join(output, 'linux-unpacked');
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
      // Where npm install downloaded the binary (everywhere but this offline machine), it ships too.
      if (existsSync(join(ROOT, 'node_modules/ffmpeg-static/ffmpeg')))
        expect(existsSync(join(dir, 'ffmpeg'))).toBe(true);
    });

    it('ships the tray icons as resources and names the executable after the app', () => {
      expect(existsSync(join(unpacked, 'resources/resources/tray/tray.png'))).toBe(true);
      expect(existsSync(join(unpacked, 'resources/resources/tray/trayTemplate.png'))).toBe(true);
      expect(existsSync(join(unpacked, 'vigil'))).toBe(true);
    });
  });
});
