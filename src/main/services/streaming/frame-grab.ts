import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserFacingError } from '../../../shared/errors';
import { createLimiter } from '../limit';
import { INPUT_LIST_NAME, inputListArgs, rtspInputList } from './ffmpeg-args';
import { FfmpegRun, type FfmpegExit } from './ffmpeg-run';
import { classifyExit, relayFailure } from './failure';
import { createPrivateDir } from './private-dir';
import { plainSpawn, type SpawnFn } from './process-guard';
import type { RtspRelay } from './rtsp-relay';
import type { StreamSource } from './source';
import { openSourceAccess, type SourceAccess } from './source-access';

const SOCKET_TIMEOUT_MS = 4_000;
const DEFAULT_STOP_STEP_MS = 400;

/**
 * At most this many grabs (ffmpeg processes) at once, app-wide: "Test connection" on many
 * cameras, or many snapshots, queue instead of starting an ffmpeg each.
 */
export const MAX_CONCURRENT_GRABS = 3;
const grabs = createLimiter(MAX_CONCURRENT_GRABS);

// ffmpeg writes the picture into the grab's folder rather than to a pipe, so its command line
// names that folder: how the start-up reaper recognises a crashed run's grab as ours. With the
// image2 muxer's `-update 1` the name is a plain file name, never a sequence pattern
// (ffmpeg's doc/muxers.texi, "update").
const FRAME_NAME = 'frame.jpg';
/** A session's init segment and one media segment, copied into the grab's folder. */
const CLIP_NAME = 'clip.mp4';

export interface GrabOptions {
  /** Whole grab, from ffmpeg's start (time spent queued does not count). Default 12 s. */
  timeoutMs?: number;
  /**
   * A private folder (the stream root) for the grab's own 0700 folder, which holds the 0600
   * input list, the pid file and the picture; default the OS temp folder.
   */
  workDir?: string;
  /** How ffmpeg is started; the app passes the process guard's (parent-death signal). */
  spawn?: SpawnFn;
  /**
   * Quit: aborting ends the grab (waiting in the queue, or its ffmpeg down the stop ladder),
   * removes its folder, then rejects with `shutting-down`.
   */
  signal?: AbortSignal;
  /** Wait after SIGTERM before SIGKILL when the grab is ended by `signal`. */
  stopStepMs?: number;
}

/** Why a grab was refused or ended: Vigil is quitting. */
export function grabRefusedAtQuit(): UserFacingError {
  return new UserFacingError('shutting-down', 'Vigil is quitting; it takes no pictures now.');
}

/**
 * Takes one JPEG frame from a source with ffmpeg; a failure carries the same reasons
 * and advice as a failed stream (wrong password, not found, refused, timed out …).
 * Credentials stay in this process (an RTSP relay); ffmpeg's command line has none.
 */
export function grabFrame(
  ffmpegPath: string,
  source: StreamSource,
  options: GrabOptions = {},
): Promise<Buffer> {
  return grabs(() => grabOnce(ffmpegPath, source, options));
}

/**
 * Takes one JPEG frame from a clip of a running session's own output (its fMP4 init segment
 * followed by one media segment holding a keyframe): the live picture of a camera that is
 * already streaming, without a second camera connection. Same limit, folder, guard and quit
 * handling as `grabFrame`; the clip is copied into the grab's folder, so ffmpeg deleting the
 * session's segment meanwhile changes nothing.
 */
export function grabClipFrame(
  ffmpegPath: string,
  clip: Buffer,
  options: GrabOptions = {},
): Promise<Buffer> {
  return grabs(() =>
    inGrabFolder(options, async (dir) => {
      const file = join(dir, CLIP_NAME);
      await writeFile(file, clip, { mode: 0o600 });
      // `-skip_frame nokey` (a decoder option, before -i) decodes keyframes only: segments are
      // cut by time, so the clip's first frames may be P-frames that cannot be shown; the
      // first decoded frame is then the clip's keyframe (ffmpeg's doc/codecs.texi, skip_frame;
      // jellyfin#11336 uses it for keyframe thumbnails).
      return runGrab(ffmpegPath, ['-skip_frame', 'nokey', '-i', file], {
        dir,
        redact: (text) => text,
        relay: null,
        options,
      });
    }),
  );
}

/** Runs a grab in its own fresh 0700 folder, removed afterwards whatever happens. */
async function inGrabFolder<T>(options: GrabOptions, run: (dir: string) => Promise<T>): Promise<T> {
  // Quit came while this grab waited for a slot: it never starts.
  if (options.signal?.aborted) throw grabRefusedAtQuit();
  const dir = join(options.workDir ?? tmpdir(), randomUUID());
  await createPrivateDir(dir);
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function grabOnce(ffmpegPath: string, source: StreamSource, options: GrabOptions): Promise<Buffer> {
  return inGrabFolder(options, (dir) => grabSource(ffmpegPath, source, options, dir));
}

async function grabSource(
  ffmpegPath: string,
  source: StreamSource,
  options: GrabOptions,
  dir: string,
): Promise<Buffer> {
  let access: SourceAccess | null = null;
  try {
    access = await openSourceAccess(source, { connectTimeoutMs: SOCKET_TIMEOUT_MS });
    let input = ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=1'];
    if (source.kind === 'rtsp' && access.relay) {
      const list = join(dir, INPUT_LIST_NAME);
      await writeFile(
        list,
        rtspInputList(access.relay.url, {
          transport: source.transport ?? 'tcp',
          socketTimeoutMs: SOCKET_TIMEOUT_MS,
          fastProbe: false,
        }),
        { mode: 0o600 },
      );
      input = inputListArgs(list, false);
    }
    return await runGrab(ffmpegPath, input, {
      dir,
      redact: access.redact,
      relay: access.relay,
      options,
    });
  } finally {
    await access?.close();
  }
}

function isJpeg(body: Buffer): boolean {
  return body.length > 2 && body[0] === 0xff && body[1] === 0xd8;
}

async function runGrab(
  ffmpegPath: string,
  input: string[],
  context: {
    dir: string;
    redact: (text: string) => string;
    relay: RtspRelay | null;
    options: GrabOptions;
  },
): Promise<Buffer> {
  const { dir, redact, relay, options } = context;
  const frame = join(dir, FRAME_NAME);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input,
    '-frames:v',
    '1',
    '-an',
    '-vf',
    'scale=min(1280\\,iw):-2',
    '-q:v',
    '4',
    '-f',
    'image2',
    '-c:v',
    'mjpeg',
    '-update',
    '1',
    frame,
  ];
  // Quit came while the folder or the relay was being set up: no ffmpeg starts after it.
  if (options.signal?.aborted) throw grabRefusedAtQuit();
  const started = Date.now();
  const run = new FfmpegRun({
    spawn: options.spawn ?? plainSpawn,
    command: ffmpegPath,
    args,
    dir,
    redact,
  });
  let ended: 'timed-out' | 'quit' | null = null;
  const timer = setTimeout(() => {
    ended ??= 'timed-out';
    run.kill();
  }, options.timeoutMs ?? 12_000);
  const onQuit = (): void => {
    ended ??= 'quit';
    void run.terminate({ quitFirst: false, stepMs: options.stopStepMs ?? DEFAULT_STOP_STEP_MS });
  };
  options.signal?.addEventListener('abort', onQuit, { once: true });
  let exit: FfmpegExit;
  try {
    exit = await run.exited;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onQuit);
  }
  if (ended === 'quit') throw grabRefusedAtQuit();
  if (exit.spawnError !== undefined) {
    throw new UserFacingError('ffmpeg-missing', `Vigil could not run ffmpeg (${exit.spawnError}).`);
  }
  const jpeg = exit.code === 0 ? await readFile(frame).catch(() => Buffer.alloc(0)) : null;
  if (jpeg && isJpeg(jpeg)) return jpeg;
  const failure =
    ended === 'timed-out'
      ? {
          reason: 'timed-out',
          message: 'The camera did not send a picture in time. Check that it is online.',
        }
      : (relayFailure(relay?.problem) ??
        classifyExit({
          code: exit.code,
          signal: exit.signal,
          stderr: run.stderr,
          wasLive: false,
          elapsedMs: Date.now() - started,
          socketTimeoutMs: SOCKET_TIMEOUT_MS,
        }));
  throw new UserFacingError(failure.reason, failure.message);
}
