import { spawn } from 'node:child_process';
import { UserFacingError } from '../../../shared/errors';
import { withCredentials } from '../streaming/ffmpeg-args';
import { classifyExit } from '../streaming/failure';
import { createRedactor } from '../streaming/redact';
import type { StreamSource } from '../streaming/source';

const SOCKET_TIMEOUT_MS = 4_000;

/**
 * Takes one JPEG frame from a source with ffmpeg; a failure carries the same reasons
 * and advice as a failed stream (wrong password, not found, refused, timed out …).
 */
export function grabFrame(
  ffmpegPath: string,
  source: StreamSource,
  timeoutMs = 12_000,
): Promise<Buffer> {
  const input =
    source.kind === 'demo'
      ? ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=1']
      : [
          '-rtsp_transport',
          source.transport ?? 'tcp',
          '-timeout',
          String(SOCKET_TIMEOUT_MS * 1000),
          '-i',
          withCredentials(source.url, source.username, source.password),
        ];
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
  const redact = createRedactor(source.kind === 'rtsp' ? [source.password] : []);
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
        : classifyExit({
            code,
            signal,
            stderr: redact(stderr),
            wasLive: false,
            elapsedMs: Date.now() - started,
            socketTimeoutMs: SOCKET_TIMEOUT_MS,
          });
      reject(new UserFacingError(failure.reason, failure.message));
    });
  });
}
