import { adviceFor } from '../../../shared/advice';
import type { StreamFailure, StreamInfo } from '../../../shared/streams';
import type { PlayerPhase } from './use-live-player';

// What a live window says, as plain functions of main's facts and the player's phase.

/**
 * A failure in the words the dashboard's card uses for the same fault (src/shared/advice.ts).
 * Main's own message is kept where it names specifics (the host a redirect pointed to, how the
 * converter exited).
 */
export function failureText(failure: StreamFailure | null, workedBefore: boolean): string {
  if (!failure) return 'The stream failed.';
  if (failure.reason === 'redirected' || failure.reason === 'crashed') return failure.message;
  const { title, advice } = adviceFor(failure.reason, { workedBefore });
  return `${title}. ${advice}`;
}

/** "Last picture 14:27:39": when the picture left on screen was shown. */
export function lastPictureLabel(at: number): string {
  return `Last picture ${new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
}

/** The status line for every state a viewer can meet. */
export function statusLine(
  info: StreamInfo | null,
  player: PlayerPhase,
  error: string | null,
  paused = false,
  workedBefore = false,
): string {
  if (error) return error;
  if (!info) return 'Connecting…';
  switch (info.state) {
    case 'waking':
      return 'Waking camera…';
    case 'starting':
      return 'Connecting…';
    case 'stopping':
      return 'Stopping…';
    case 'reconnecting':
      // No drop: main restarts the session because the camera was edited (cameraChanged).
      if (info.dropped === null) return 'Applying the new settings…';

      // Main brings the camera back by itself; the window just waits and resumes.
      return `The camera dropped — reconnecting (attempt ${String(info.reconnectAttempt ?? 1)})…`;
    case 'ended':
      return info.endReason === 'timeout' ? 'Time is up' : 'Stream ended';
    case 'failed':
      return failureText(info.failure, workedBefore);
    case 'live':
      if (player === 'reconnecting') return 'Reconnecting…';
      if (player === 'stalled') return 'The picture stopped. Retry, or check the camera.';
      // A still picture is not live, even while the stream behind it is.
      if (player === 'playing') return paused ? 'Paused' : 'Live';
      return 'Connecting…';
  }
}

/**
 * The footer's word for the state, so a failure's message is said once (in the picture) and the
 * footer only names it.
 */
export function shortStatus(
  info: StreamInfo | null,
  player: PlayerPhase,
  error: string | null,
  paused: boolean,
): string {
  if (error) return 'Error';
  if (info?.state === 'live' && player === 'playing') return paused ? 'Paused' : 'Live';
  if (info?.state === 'live' && player === 'stalled') return 'Picture stopped';
  if (info?.state === 'failed')
    return info.failure ? adviceFor(info.failure.reason, { workedBefore: false }).title : 'Failed';
  if (info?.state === 'ended') return 'Ended';
  if (info?.state === 'reconnecting')
    return info.dropped === null ? 'Applying settings…' : 'Reconnecting…';
  return statusLine(info, player, null, paused);
}
