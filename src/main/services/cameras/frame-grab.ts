import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserFacingError } from '../../../shared/errors';
import { createLimiter } from '../limit';
import { INPUT_LIST_NAME, inputListArgs, rtspInputList } from '../streaming/ffmpeg-args';
import { classifyExit, relayFailure } from '../streaming/failure';
import { createPrivateDir } from '../streaming/private-dir';
import { createRedactor } from '../streaming/redact';
import { RtspRelay } from '../streaming/rtsp-relay';
import type { StreamSource } from '../streaming/source';

const SOCKET_TIMEOUT_MS = 4_000;

/**
 * At most this many grabs (ffmpeg processes) at once, app-wide: "Test connection" on many
 * cameras, or many snapshots, queue instead of starting an ffmpeg each.
 */
export const MAX_CONCURRENT_GRABS = 3;
const grabs = createLimiter(MAX_CONCURRENT_GRABS);

export interface GrabOptions {
  /** Whole grab, from ffmpeg's start (time spent queued does not count). Default 12 s. */
  timeoutMs?: number;
  /**
   * A private folder (the stream root) for the grab's own 0700 folder, which holds the
   * 0600 input list; default the OS temp folder.
   */
  workDir?: string;
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

async function grabOnce(
  ffmpegPath: string,
  source: StreamSource,
  options: GrabOptions,
): Promise<Buffer> {
  if (source.kind === 'demo') {
    return runGrab(ffmpegPath, ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=1'], {
      redact: (text) => text,
      relay: null,
      timeoutMs: options.timeoutMs ?? 12_000,
    });
  }
  const dir = join(options.workDir ?? tmpdir(), randomUUID());
  await createPrivateDir(dir);
  let relay: RtspRelay | null = null;
  try {
    relay = await RtspRelay.start({
      url: source.url,
      ...(source.username !== undefined ? { username: source.username } : {}),
      ...(source.password !== undefined ? { password: source.password } : {}),
      connectTimeoutMs: SOCKET_TIMEOUT_MS,
    });
    const list = join(dir, INPUT_LIST_NAME);
    await writeFile(
      list,
      rtspInputList(relay.url, {
        transport: source.transport ?? 'tcp',
        socketTimeoutMs: SOCKET_TIMEOUT_MS,
        fastProbe: false,
      }),
      { mode: 0o600 },
    );
    return await runGrab(ffmpegPath, inputListArgs(list, false), {
      redact: createRedactor([source.password, relay.token]),
      relay,
      timeoutMs: options.timeoutMs ?? 12_000,
    });
  } finally {
    await relay?.close();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function runGrab(
  ffmpegPath: string,
  input: string[],
  context: {
    redact: (text: string) => string;
    relay: RtspRelay | null;
    timeoutMs: number;
  },
): Promise<Buffer> {
  const { redact, relay, timeoutMs } = context;
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
    'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new UserFacingError('ffmpeg-missing', `Vigil could not run ffmpeg (${error.message}).`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(chunks);
      if (code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) {
        resolve(jpeg);
        return;
      }
      const failure = timedOut
        ? {
            reason: 'timed-out',
            message: 'The camera did not send a picture in time. Check that it is online.',
          }
        : (relayFailure(relay?.problem) ??
          classifyExit({
            code,
            signal,
            stderr: redact(stderr),
            wasLive: false,
            elapsedMs: Date.now() - started,
            socketTimeoutMs: SOCKET_TIMEOUT_MS,
          }));
      reject(new UserFacingError(failure.reason, failure.message));
    });
  });
}
