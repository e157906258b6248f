// electron-builder afterPack hook: gives each packed app the ffmpeg of its own OS and
// architecture. ffmpeg-static downloads one binary, for the machine that ran npm install,
// and electron-builder copies it as is into every arch's package.
import { existsSync } from 'node:fs';
import { chmod, copyFile, open, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import builderUtil from 'builder-util';
import { HEADER_BYTES, headerMismatch, readBinaryHeader } from './binary-header.mjs';

const { Arch, log } = builderUtil;

/** The ffmpeg-static build ("<platform>-<arch>") that a target ships. */
export function ffmpegSourceKey(platform, arch) {
  const os = platform === 'mas' ? 'darwin' : platform;
  // ffmpeg-static 5.3 has no win32-arm64 build; Windows 11 on ARM runs x64 programs emulated.
  if (os === 'win32' && arch === 'arm64') return 'win32-x64';
  return `${os}-${arch}`;
}

function executableName(platform) {
  return platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
}

/**
 * Where the ffmpeg for a build key comes from: VIGIL_FFMPEG_DIR/<key>/ffmpeg[.exe] (see
 * scripts/fetch-ffmpeg.mjs), else, when the key is the host's, FFMPEG_BIN or ffmpeg-static's
 * own download. Throws naming every place it looked.
 */
export function findFfmpegSource(key, { env, hostKey, ffmpegStaticDir }) {
  const name = executableName(key.split('-')[0]);
  const looked = [];
  if (env.VIGIL_FFMPEG_DIR) {
    const candidate = join(env.VIGIL_FFMPEG_DIR, key, name);
    if (existsSync(candidate)) return candidate;
    looked.push(candidate);
  }
  if (key === hostKey) {
    const candidate = env.FFMPEG_BIN || (ffmpegStaticDir && join(ffmpegStaticDir, name));
    if (candidate && existsSync(candidate)) return candidate;
    looked.push(candidate || 'ffmpeg-static (not installed)');
  } else {
    looked.push(`the host's ffmpeg-static (it is ${hostKey}, not ${key})`);
  }
  throw new Error(
    `No ffmpeg for ${key}: looked in ${looked.join(', ')}. ` +
      `Fetch it with "node scripts/fetch-ffmpeg.mjs <dir> ${key}" and set VIGIL_FFMPEG_DIR=<dir>.`,
  );
}

async function readHeader(file) {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0);
    return readBinaryHeader(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function ffmpegStaticDirOf(projectDir) {
  try {
    const require = createRequire(join(projectDir, 'package.json'));
    return dirname(require.resolve('ffmpeg-static/package.json'));
  } catch {
    return null;
  }
}

/**
 * Puts the target's ffmpeg into app.asar.unpacked/node_modules/ffmpeg-static and checks its
 * header; fails the build with the reason when the binary is missing or for another target.
 */
export async function placeFfmpeg(context, options = {}) {
  const platform = context.electronPlatformName;
  const arch = Arch[context.arch];
  const env = options.env ?? process.env;
  const hostKey = options.hostKey ?? `${process.platform}-${process.arch}`;
  const resources = context.packager.getResourcesDir(context.appOutDir);
  const dir = join(resources, 'app.asar.unpacked', 'node_modules', 'ffmpeg-static');
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: ffmpeg-static must stay in asarUnpack.`);
  }
  const key = ffmpegSourceKey(platform, arch);
  const [, sourceArch] = key.split('-');
  const dest = join(dir, executableName(platform));
  let source = dest;

  // A universal app is merged from its x64 and arm64 packs, which brought their own ffmpeg.
  if (arch !== 'universal') {
    source = findFfmpegSource(key, {
      env,
      hostKey,
      ffmpegStaticDir: options.ffmpegStaticDir ?? ffmpegStaticDirOf(context.packager.projectDir),
    });
    // npm install left the host's binary (and its README) here; it must not ship.
    for (const stale of ['ffmpeg', 'ffmpeg.exe', 'ffmpeg.README', 'ffmpeg.exe.README']) {
      await rm(join(dir, stale), { force: true });
    }
    await copyFile(source, dest);
    await chmod(dest, 0o755);
    for (const suffix of ['.LICENSE', '.README']) {
      if (existsSync(source + suffix)) await copyFile(source + suffix, dest + suffix);
    }
  } else if (!existsSync(dest)) {
    throw new Error(`No ffmpeg in the universal app at ${dest}.`);
  }

  const mismatch = headerMismatch(await readHeader(dest), platform, sourceArch);
  if (mismatch) {
    const target = `${platform}-${arch}`;
    const via = key === target ? '' : ` (which ships the ${key} build)`;
    throw new Error(
      `Wrong ffmpeg for ${target}${via}: ${source} will not run there, ${mismatch}. ` +
        `Fetch the right one with "node scripts/fetch-ffmpeg.mjs <dir> ${key}" and set VIGIL_FFMPEG_DIR=<dir>.`,
    );
  }
  log.info(
    { target: `${platform}-${arch}`, from: source, size: (await stat(dest)).size },
    'ffmpeg',
  );
}

export default async function afterPack(context) {
  await placeFfmpeg(context);
}
