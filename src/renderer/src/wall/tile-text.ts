import { adviceFor } from '../../../shared/advice';
import type { Camera, CameraStatus } from '../../../shared/cameras';
import { failureText } from '../live/status-text';
import type { PlayerPhase } from '../live/use-live-player';
import type { TileStream } from './use-wall-streams';

/**
 * How a tile's face looks: `busy` works on it (a spinner), `idle` waits for the user, `offline`
 * waits for the camera (never a spinner: nothing is being tried), `error` failed, `none` plays.
 */
export type FaceKind = 'none' | 'busy' | 'idle' | 'offline' | 'error';

/** The button a face offers: what the user can do about it. */
export type FaceAction = 'play' | 'retry' | 'restart' | 'password' | null;

export interface TileFace {
  kind: FaceKind;
  /** The words on the tile; empty while it plays. */
  text: string;
  action: FaceAction;
}

export interface TileFaceInput {
  camera: Camera | undefined;
  status: CameraStatus | undefined;
  /** main answered the statuses: before that an offline camera is not known to be offline. */
  statusesKnown: boolean;
  stream: TileStream;
  player: PlayerPhase;
  /** The camera played in this tile: a failure now is an outage, not a setup mistake. */
  playedHere: boolean;
}

/** "Offline. <what main found>. <what to do>", the card's words for the same status. */
export function offlineText(status: CameraStatus): string {
  const { advice } = adviceFor(status.fault ?? 'unreachable', {
    workedBefore: status.lastSeen !== null,
  });
  return `Offline. ${status.detail ?? 'The camera does not answer.'} ${advice}`;
}

/** What a tile says for every state it can meet, from main's facts and its player. */
export function tileFace(input: TileFaceInput): TileFace {
  const { camera, status, stream, player } = input;
  const battery = camera?.options.battery ?? false;
  if (!camera)
    return { kind: 'offline', text: 'This camera is no longer in your list.', action: null };
  if (stream.error) return { kind: 'error', text: stream.error, action: 'retry' };
  const info = stream.info;
  if (stream.requested && info) {
    switch (info.state) {
      case 'waking':
        return { kind: 'busy', text: 'Waking camera…', action: null };
      case 'starting':
        return { kind: 'busy', text: 'Connecting…', action: null };
      case 'stopping':
        return { kind: 'busy', text: 'Stopping…', action: null };
      case 'reconnecting':
        return {
          kind: 'busy',
          // No drop: main restarts the session because the camera was edited.
          text:
            info.dropped === null
              ? 'Applying the new settings…'
              : `Reconnecting (attempt ${String(info.reconnectAttempt ?? 1)})…`,
          action: null,
        };
      case 'live':
        if (player === 'playing') return { kind: 'none', text: '', action: null };
        if (player === 'reconnecting') return { kind: 'busy', text: 'Reconnecting…', action: null };
        if (player === 'stalled')
          return { kind: 'error', text: 'The picture stopped.', action: 'restart' };
        return { kind: 'busy', text: 'Connecting…', action: null };
      case 'failed':
        return {
          kind: 'error',
          text: failureText(info.failure, input.playedHere),
          // Trying again would meet the same refusal: the password is what has to change.
          action: info.failure?.reason === 'unauthorized' ? 'password' : 'retry',
        };
      case 'ended':
        if (battery)
          return {
            kind: 'idle',
            text: info.endReason === 'timeout' ? 'Time is up.' : 'Stream ended.',
            action: 'play',
          };
        return { kind: 'idle', text: 'Stream stopped.', action: 'play' };
    }
  }
  if (stream.requested) return { kind: 'busy', text: 'Connecting…', action: null };
  // A battery camera sleeps until asked: its picture and "Click to play" are the whole face.
  if (battery) return { kind: 'idle', text: '', action: 'play' };
  if (!input.statusesKnown || status?.state === 'checking')
    return { kind: 'busy', text: 'Checking camera…', action: null };
  if (status?.state === 'offline')
    return { kind: 'offline', text: offlineText(status), action: null };
  if (status?.state === 'unauthorized') {
    const { title, advice } = adviceFor('unauthorized', { workedBefore: status.lastSeen !== null });
    return { kind: 'error', text: `${title}. ${advice}`, action: 'password' };
  }
  return { kind: 'busy', text: 'Connecting…', action: null };
}
