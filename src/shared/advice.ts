import type { CameraFault } from './cameras';
import type { StreamFailureReason } from './streams';

/** A fault as the card (status check) or the live window (stream) knows it. */
export type Fault = CameraFault | StreamFailureReason;

export interface Advice {
  /** A few words: what is wrong. */
  title: string;
  /** What to do about it, in one or two sentences. */
  advice: string;
}

/**
 * What the user is told about a fault, the same in the card and in the live window.
 * `workedBefore`: the camera answered or played recently, so advice about setting it up
 * ("check that RTSP is enabled") would send the user the wrong way; it most likely
 * restarted or lost power or network.
 */
export function adviceFor(fault: Fault, { workedBefore }: { workedBefore: boolean }): Advice {
  const outage = 'It was working earlier: it may be restarting, or have lost power or its network.';
  switch (fault) {
    case 'unauthorized':
      return {
        title: 'Wrong password',
        advice: 'The camera refused the username or password saved in Vigil. Enter the right one.',
      };
    case 'refused':
      return {
        title: 'Connection refused',
        advice: workedBefore
          ? `${outage} Check it, then try again.`
          : 'Check the address and port, and that RTSP is enabled on the camera.',
      };
    case 'unreachable':
    case 'closed':
      return {
        title: 'Cannot reach the camera',
        advice: workedBefore
          ? `${outage} Check it, then try again.`
          : 'Check that it is on and on the same network, and its address.',
      };
    case 'timed-out':
      return {
        title: 'No answer',
        advice: workedBefore
          ? `${outage} Check it, then try again.`
          : 'Check that it is on and connected. Battery cameras may need a moment to wake.',
      };
    case 'camera-ended':
    case 'stalled':
      return {
        title: 'The camera stopped sending video',
        advice: `${outage} Check it, then try again.`,
      };
    case 'not-rtsp':
      return {
        title: 'Not an RTSP camera',
        advice:
          'Something answers at this address, but not an RTSP camera. Check the address and port.',
      };
    case 'invalid-address':
      return { title: 'Invalid address', advice: 'Edit the camera and correct its address.' };
    case 'not-found':
      return {
        title: 'No stream at this address',
        advice: 'Check the stream path, or pick another ONVIF profile.',
      };
    case 'unsupported':
      return {
        title: 'Unsupported stream',
        advice: 'Try the other profile, or TCP/UDP in the camera options.',
      };
    case 'redirected':
      return {
        title: 'Sent elsewhere',
        advice:
          'The camera tried to send Vigil on to another host; Vigil did not follow, so your password was not sent there. If the camera really moved, edit its address.',
      };
    case 'ffmpeg-missing':
      return {
        title: 'Video converter missing',
        advice: 'Reinstall Vigil, or set FFMPEG_BIN to an ffmpeg executable.',
      };
    case 'crashed':
      return {
        title: 'The video converter stopped',
        advice: 'Try again; if it keeps happening, see the log.',
      };
  }
}
