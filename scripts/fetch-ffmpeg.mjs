// Downloads ffmpeg-static's build for other targets, for the afterPack hook to ship:
//   node scripts/fetch-ffmpeg.mjs <dir> <platform-arch>...   (e.g. darwin-x64 darwin-arm64)
// then build with VIGIL_FFMPEG_DIR=<dir>. Each binary lands in <dir>/<platform-arch>/.
// It runs ffmpeg-static's own install.js, which honours npm_config_platform/npm_config_arch
// and writes to FFMPEG_BIN, so the release tag and mirror settings stay ffmpeg-static's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { headerMismatch, readBinaryHeader } from './binary-header.mjs';
import { ffmpegSourceKey } from './ffmpeg-after-pack.mjs';

const [dirArg, ...targets] = process.argv.slice(2);
if (!dirArg || targets.length === 0) {
  console.error('usage: node scripts/fetch-ffmpeg.mjs <dir> <platform-arch>...');
  process.exit(2);
}
const installJs = createRequire(import.meta.url).resolve('ffmpeg-static/install.js');

for (const target of targets) {
  const [platform, arch] = target.split('-');
  const key = ffmpegSourceKey(platform ?? '', arch ?? '');
  const [keyPlatform, keyArch] = key.split('-');
  const folder = join(resolve(dirArg), key);
  const binary = join(folder, keyPlatform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
  mkdirSync(folder, { recursive: true });
  const run = spawnSync(process.execPath, [installJs], {
    stdio: 'inherit',
    env: {
      ...process.env,
      npm_config_platform: keyPlatform,
      npm_config_arch: keyArch,
      FFMPEG_BIN: binary,
    },
  });
  if (run.status !== 0) {
    // install.js skips a file that exists; a partial download must not look installed.
    rmSync(binary, { force: true });
    console.error(`fetch-ffmpeg: downloading ffmpeg for ${key} failed.`);
    process.exit(1);
  }
  let mismatch;
  try {
    mismatch = headerMismatch(readBinaryHeader(readFileSync(binary)), keyPlatform, keyArch);
  } catch (error) {
    mismatch = String(error);
  }
  if (mismatch) {
    console.error(`fetch-ffmpeg: ${binary} is not ffmpeg for ${key}: ${mismatch}.`);
    process.exit(1);
  }
  console.log(`fetch-ffmpeg: ${target} → ${binary}`);
}
