import type { StreamFailure, StreamFailureReason } from '../../../shared/streams';
import type { RelayProblem } from './rtsp-relay';

const MESSAGES: Record<StreamFailureReason, string> = {
  unauthorized:
    'The camera refused the username or password. Check the credentials in the camera settings and try again.',
  'not-found':
    'The camera has no stream at this address. Check the stream path (or pick another ONVIF profile).',
  refused:
    'The camera refused the connection. Check the host and port, and that RTSP is enabled on the camera.',
  unreachable:
    'The camera cannot be reached. Check that it is powered on and on the same network, and its address.',
  'timed-out':
    'The camera did not answer in time. Check that it is online; battery cameras may need a moment to wake.',
  unsupported:
    'The camera sent a stream Vigil cannot read. Try the other profile, or TCP/UDP in the camera options.',
  'camera-ended':
    'The camera stopped the stream. It may have restarted or dropped off the network; try again.',
  stalled: 'The camera stopped sending video. Check its connection and power, then try again.',
  'ffmpeg-missing':
    'Vigil could not run ffmpeg. Reinstall Vigil, or set FFMPEG_BIN to an ffmpeg executable.',
  crashed:
    'The video converter stopped unexpectedly. Try again; if it keeps happening, see the log.',
  redirected:
    'The camera tried to send Vigil on to another address. Vigil did not follow, so your password was not sent there. If the camera really moved, edit its address.',
};

/** A failure with the standard user-facing message for its reason. */
export function streamFailure(reason: StreamFailureReason, detail?: string): StreamFailure {
  return { reason, message: detail ? `${MESSAGES[reason]} (${detail})` : MESSAGES[reason] };
}

/** What we know when ffmpeg has exited without being asked to. */
export interface ExitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Redacted stderr tail. */
  stderr: string;
  /** Whether the session had reached `live`. */
  wasLive: boolean;
  /** Time from spawn to exit. */
  elapsedMs: number;
  /** ffmpeg's socket `-timeout`, in ms. */
  socketTimeoutMs: number;
}

// Status codes only with their phrase: a bare "401" can be a bitrate ("401 kb/s").
const PATTERNS: Array<[RegExp, StreamFailureReason]> = [
  [/\b401 Unauthorized|\b403 Forbidden|authorization failed/i, 'unauthorized'],
  [/\b404 Not Found/i, 'not-found'],
  [/Connection refused/i, 'refused'],
  [/timed out/i, 'timed-out'],
  [
    /No route to host|Network is unreachable|Name or service not known|Temporary failure in name resolution|nodename nor servname|Host is unreachable|Failed to resolve/i,
    'unreachable',
  ],
  [
    /\b461 Unsupported transport|Decoder .* not found|codec not currently supported|Unknown encoder/i,
    'unsupported',
  ],
];

/** Maps how ffmpeg exited (and what it said) to a failure reason for the user. */
export function classifyExit(facts: ExitFacts): StreamFailure {
  for (const [pattern, reason] of PATTERNS) {
    if (!pattern.test(facts.stderr)) continue;
    // A timeout after the picture came means the camera stopped sending, not that it never answered.
    return streamFailure(reason === 'timed-out' && facts.wasLive ? 'stalled' : reason);
  }
  if (/Invalid data found when processing input/i.test(facts.stderr)) {
    // ffmpeg 5.1 says this when a server accepted TCP and never answered until -timeout.
    if (!facts.wasLive && facts.elapsedMs >= facts.socketTimeoutMs * 0.9) {
      return streamFailure('timed-out');
    }
    return streamFailure('unsupported');
  }
  // A camera that dies mid-stream makes ffmpeg exit 0 without a word (measured).
  if (facts.code === 0) return streamFailure(facts.wasLive ? 'camera-ended' : 'timed-out');
  const how = facts.signal ? `signal ${facts.signal}` : `exit code ${String(facts.code)}`;
  return streamFailure('crashed', how);
}

/**
 * What the credential relay saw, when it explains the failure better than ffmpeg can (ffmpeg
 * only talks to the relay): a refused redirect, or why the camera could not be reached.
 */
export function relayFailure(problem: RelayProblem | null | undefined): StreamFailure | null {
  if (!problem) return null;
  if (problem.kind === 'redirect') {
    return {
      reason: 'redirected',
      message:
        `The camera at ${problem.from} tried to send Vigil on to another host (${problem.to}). ` +
        'Vigil did not follow, so your password was not sent there. If the camera really moved, ' +
        'edit its address; otherwise check the camera (or what answers at its address).',
    };
  }
  if (problem.code === 'ECONNREFUSED') return streamFailure('refused');
  if (/^(EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EADDRNOTAVAIL)$/.test(problem.code)) {
    return streamFailure('unreachable');
  }
  if (problem.code === 'ETIMEDOUT') return streamFailure('timed-out');
  return null;
}
