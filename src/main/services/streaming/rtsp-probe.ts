import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { CameraFault } from '../../../shared/cameras';
import { bare } from './rtsp-relay';

/** `fault` names the failure for advice shared by the card and the live window. */
export type ProbeResult = { ok: true } | { ok: false; detail: string; fault?: CameraFault };

/**
 * Asks an RTSP server for OPTIONS without credentials. Any RTSP answer (200, 401, …)
 * proves the camera is up; silence, refusal or a non-RTSP answer does not. `signal` ends a
 * probe at once (socket and timer gone): a stopping session must not leave one behind.
 */
export function probeRtsp(
  rawUrl: string,
  timeoutMs = 2_500,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  if (signal?.aborted) return Promise.resolve({ ok: false, detail: 'Cancelled.' });
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.resolve({
      ok: false,
      detail: 'The camera address is not a valid URL.',
      fault: 'invalid-address',
    });
  }
  const secure = url.protocol === 'rtsps:';
  const port = Number(url.port) || (secure ? 322 : 554);
  url.username = '';
  url.password = '';
  return new Promise((resolve) => {
    // `[2001:db8::1]` is the URL's form; the socket wants the address itself.
    const options = { host: bare(url.hostname), port, timeout: timeoutMs };
    const socket = secure
      ? tlsConnect({ ...options, rejectUnauthorized: false })
      : connect(options);
    let answer = '';
    const cancel = (): void => {
      finish({ ok: false, detail: 'Cancelled.' });
    };
    const finish = (result: ProbeResult): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, detail: 'No answer from the camera.', fault: 'timed-out' }),
      timeoutMs,
    );
    signal?.addEventListener('abort', cancel, { once: true });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.write(`OPTIONS ${url.toString()} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Vigil\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        finish(
          answer.startsWith('RTSP/')
            ? { ok: true }
            : {
                ok: false,
                detail: 'Something answers at this address, but it is not an RTSP camera.',
                fault: 'not-rtsp',
              },
        );
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        error.code === 'ECONNREFUSED'
          ? { ok: false, detail: 'The camera refused the connection.', fault: 'refused' }
          : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
            ? { ok: false, detail: 'The camera’s host name cannot be found.', fault: 'unreachable' }
            : { ok: false, detail: 'The camera cannot be reached.', fault: 'unreachable' },
      );
    });
    socket.on('end', () =>
      finish({ ok: false, detail: 'The camera closed the connection.', fault: 'closed' }),
    );
  });
}

/**
 * Knocks (probeRtsp) every `intervalMs`, one knock at a time, until the camera comes back:
 * `onBack` (once) when it answers after being down (`down`, or a knock it did not answer). A
 * camera that answers at once is up already (what fails is its media): knocking ends without
 * `onBack`. Ends too once `wanted()` is false. Returns a cancel that ends the wait and any knock
 * in flight at once, leaving no timer or socket behind.
 */
export function knockUntilBack(
  url: string,
  options: {
    intervalMs: number;
    timeoutMs: number;
    down: boolean;
    wanted: () => boolean;
    onBack: () => void;
  },
): () => void {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let down = options.down;
  const schedule = (): void => {
    timer = setTimeout(() => {
      timer = null;
      if (abort.signal.aborted || !options.wanted()) return;
      void probeRtsp(url, options.timeoutMs, abort.signal).then((answer) => {
        if (abort.signal.aborted || !options.wanted()) return;
        if (!answer.ok) {
          down = true;
          schedule();
        } else if (down) options.onBack();
      });
    }, options.intervalMs);
  };
  schedule();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
    abort.abort();
  };
}
