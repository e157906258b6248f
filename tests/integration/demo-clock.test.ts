import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEMO_CAMERA_ID } from '../../src/main/services/cameras/demo-camera';
import { buildFfmpegArgs } from '../../src/main/services/streaming/ffmpeg-args';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import type { SpawnFn } from '../../src/main/services/streaming/process-guard';
import { fromDir, probeFirstSegment } from '../helpers/hls-probe';
import { createHarness, type Harness } from '../helpers/stream-harness';

const execFileAsync = promisify(execFile);
const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const PACKAGED_FONT = fileURLToPath(
  new URL('../../resources/fonts/DejaVuSansMono.ttf', import.meta.url),
);
const FONTLESS_FFMPEG = fileURLToPath(
  new URL('../fixtures/fontless-ffmpeg/ffmpeg', import.meta.url),
);

const scratch = mkdtempSync(join(tmpdir(), 'vigil-demo-clock-'));
// A fontconfig that knows no font: ffmpeg here then has no default font, like ffmpeg-static
// on Windows and macOS, and drawtext works only with a font file it can open.
const NO_FONTS = join(scratch, 'no-fonts.conf');
writeFileSync(NO_FONTS, '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
const noFontEnv = { ...process.env, FONTCONFIG_FILE: NO_FONTS };

/** Spawns with no default font, recording each run's arguments. */
function fontlessSpawn(runs: string[][]): SpawnFn {
  return (command, args, options) => {
    runs.push([...args]);
    return spawn(command, args, { ...options, env: noFontEnv });
  };
}

const clockOf = (args: string[]): boolean => args.some((a) => a.includes('drawtext='));

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the demo camera’s clock', () => {
  it('with no default font, draws the clock with the packaged font, from a path full of filtergraph specials', async () => {
    const dir = join(scratch, "Vigil's demo: [fonts], a; b\\c ");
    mkdirSync(dir);
    copyFileSync(PACKAGED_FONT, join(dir, 'DejaVuSansMono.ttf'));
    const runs: string[][] = [];
    h = createHarness({
      spawn: fontlessSpawn(runs),
      demoFontFile: join(dir, 'DejaVuSansMono.ttf'),
    });
    await h.service.init();
    await h.service.start(DEMO_CAMERA_ID, { viewer: 't' });
    const live = await h.waitFor(DEMO_CAMERA_ID, ['live', 'failed'], 10_000);
    expect(live.state).toBe('live');
    // One run, with its clock: no fallback was needed.
    expect(runs.map(clockOf)).toEqual([true]);
    expect(h.logs.join('\n')).not.toMatch(/without its clock/);
  });

  it.each([
    'C:\\Program Files\\Vigil\\resources\\fonts\\DejaVuSansMono.ttf',
    "C:\\Users\\O'Brien\\AppData\\Local\\Programs\\Vigil [beta]\\resources\\fonts\\DejaVuSansMono.ttf",
  ])('real ffmpeg opens exactly %s (a Windows path, here one file name)', async (windowsPath) => {
    // On Linux the Windows path is one odd file name in the working directory: if ffmpeg
    // unescapes anything differently, it opens nothing and drawtext fails.
    const cwd = mkdtempSync(join(scratch, 'win-'));
    copyFileSync(PACKAGED_FONT, join(cwd, windowsPath));
    const args = buildFfmpegArgs({
      source: { kind: 'demo' },
      outDir: cwd,
      socketTimeoutMs: 3000,
      hasDrawtext: true,
      demoFontFile: windowsPath,
    });
    const graph = args[args.indexOf('-i') + 1] ?? '';
    const run = execFileAsync(
      FFMPEG,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        graph,
        '-frames:v',
        '1',
        '-f',
        'null',
        '-',
      ],
      { cwd, env: noFontEnv, timeout: 10_000 },
    );
    await expect(run).resolves.toMatchObject({ stderr: '' });
  });

  it('when drawtext cannot load a font, the demo goes live without its clock, and later demos skip it at once', async () => {
    const runs: string[][] = [];
    h = createHarness({
      ffmpeg: () => probeFfmpeg({ env: { ...process.env, FFMPEG_BIN: FONTLESS_FFMPEG } }),
      spawn: (command, args, options) => {
        runs.push([...args]);
        return spawn(command, args, options);
      },
    });
    await h.service.init();
    const started = Date.now();
    await h.service.start(DEMO_CAMERA_ID, { viewer: 't' });
    const live = await h.waitFor(DEMO_CAMERA_ID, ['live', 'failed'], 10_000);
    expect(live.state).toBe('live');
    console.log(`fontless demo: start → live without clock in ${String(Date.now() - started)} ms`);
    expect(runs.map(clockOf)).toEqual([true, false]);
    expect(h.logs.join('\n')).toMatch(/drawtext failed, relaunching the demo without its clock/);
    const streams = await probeFirstSegment(fromDir(h.service.liveDirectory(live.sessionId) ?? ''));
    expect(streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    await h.service.release(DEMO_CAMERA_ID, 't');

    // The service remembers: another demo camera starts without the clock, first time.
    h.cameras.set('demo-2', { kind: 'demo' });
    await h.service.start('demo-2', { viewer: 't' });
    expect((await h.waitFor('demo-2', ['live', 'failed'], 10_000)).state).toBe('live');
    expect(runs.map(clockOf)).toEqual([true, false, false]);
  });
});
