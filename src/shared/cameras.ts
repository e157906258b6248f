/** Where a camera's picture comes from. Never holds a password. */
export type CameraSource =
  | {
      kind: 'onvif';
      host: string;
      port: number;
      /** Which of the device's profiles to play. */
      profile: 'main' | 'sub';
      /** Learned when the camera was added: the profile token, stream and snapshot URIs. */
      profileToken: string;
      streamUrl: string;
      snapshotUrl: string | null;
      videoCodec: 'h264' | 'h265' | 'mjpeg' | 'other';
      /**
       * The device's sub profile's stream URI, learned with the main profile's (small wall
       * tiles play it); absent when the camera has none or the sub profile itself is played.
       */
      subStreamUrl?: string | null;
    }
  | {
      kind: 'rtsp';
      url: string;
      /** The camera's second, smaller stream (small wall tiles play it); absent: none. */
      subUrl?: string;
    }
  | { kind: 'demo' };

export interface CameraOptions {
  transport: 'tcp' | 'udp';
  /** Seconds a live stream lasts; 0 = no limit (for mains-powered cameras). */
  durationSec: number;
  /** Battery cameras sleep: wait for them to wake, and allow a longer start. */
  battery: boolean;
  audio: boolean;
  /**
   * "Keep ready": main keeps the camera connected (video copied, nothing written to disk) and
   * holds its picture since the last keyframe, so a viewer sees it at once. Mains-powered
   * cameras only: never with `battery`, never the demo camera. Absent in older files: false.
   */
  keepReady: boolean;
}

export const DEFAULT_CAMERA_OPTIONS: CameraOptions = {
  transport: 'tcp',
  durationSec: 60,
  battery: false,
  audio: true,
  keepReady: false,
};

/** A camera as renderers see it: credentials reduced to "is there a password". */
export interface Camera {
  id: string;
  name: string;
  source: CameraSource;
  options: CameraOptions;
  username: string | null;
  hasPassword: boolean;
  /** Display address without credentials, e.g. "rtsp://192.168.1.20:554/stream1". */
  address: string;
  /** The RTSP URL to copy, with the password masked ("rtsp://admin:****@…"); null for demo. */
  rtspUrl: string | null;
  /** True for the built-in demo entry shown while the list is empty. */
  builtIn: boolean;
  /** The camera has a second, smaller stream (its ONVIF sub profile, or a second RTSP URL). */
  hasSubStream: boolean;
}

/** What the add/edit dialog sends. `password` is write-only: undefined keeps the stored one. */
export interface CameraInput {
  name: string;
  source: CameraInputSource;
  options?: Partial<CameraOptions>;
  username?: string;
  password?: string;
}

/** ONVIF sources are given by host and profile; main fills in the URIs by asking the camera. */
export type CameraInputSource =
  | { kind: 'onvif'; host: string; port: number; profile: 'main' | 'sub' }
  | { kind: 'rtsp'; url: string; subUrl?: string }
  | { kind: 'demo' };

/** `unauthorized`: the camera answers but refused the saved username or password. */
export type CameraStatusState = 'checking' | 'online' | 'offline' | 'asleep' | 'unauthorized';

export interface CameraStatus {
  cameraId: string;
  state: CameraStatusState;
  /** Epoch ms of the last successful check, or null if never. */
  lastSeen: number | null;
  checkedAt: number | null;
  /** Why it is offline, in words for the user. */
  detail: string | null;
  /**
   * What went wrong, as a code both the card and the live window turn into the same advice
   * (src/shared/advice.ts); null when nothing did or nothing more is known.
   */
  fault?: CameraFault | null;
}

/** Why a camera cannot be watched, as far as a status check or a stream could tell. */
export type CameraFault =
  | 'unauthorized'
  | 'refused'
  | 'unreachable'
  | 'timed-out'
  | 'not-rtsp'
  | 'closed'
  | 'invalid-address';

/** Asks the dashboard to open Edit for a camera, with one field focused (from a live window). */
export interface EditCameraRequest {
  cameraId: string;
  /** The field to focus when the dialog opens; null = the dialog's first field. */
  focus: 'password' | null;
}

export interface CameraSnapshot {
  cameraId: string;
  /** `data:image/jpeg;base64,...` */
  dataUrl: string;
  takenAt: number;
}

export interface OnvifProfileInfo {
  token: string;
  name: string;
  role: 'main' | 'sub';
  width: number | null;
  height: number | null;
  encoding: string | null;
}

/** What an ONVIF device says about itself, for the add dialog. */
export interface OnvifDeviceInfo {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  profiles: OnvifProfileInfo[];
}

/** Connection test input: an existing camera, or what the dialog has so far. */
export type CameraTestInput = { cameraId: string } | Omit<CameraInput, 'name' | 'options'>;

export interface CameraTestResult {
  /** Short confirmation for the user, e.g. "Connected to Acme X100 (2 profiles)". */
  message: string;
  device: OnvifDeviceInfo | null;
  /** A frame the camera just sent, when the test took one (RTSP, or ONVIF's chosen profile). */
  preview: CameraPreview | null;
}

/** A picture taken by a connection test, and the resolution it shows. */
export interface CameraPreview {
  /** `data:image/jpeg;base64,...` */
  dataUrl: string;
  width: number;
  height: number;
  /**
   * The picture was scaled down to the grab's maximum width, so the camera sends at least
   * this much (the exact size is the profile's, when ONVIF names it).
   */
  atLeast: boolean;
}

/** A removed camera, kept in main (password included) until `undoUntil` so Undo restores it. */
export interface RemovedCamera {
  cameraId: string;
  name: string;
  /** Epoch ms after which the removal is final. */
  undoUntil: number;
}

/** What "Copy RTSP URL" puts on the clipboard: by default the address without credentials. */
export interface CopyUrlOptions {
  withPassword?: boolean;
}

/** A device found by WS-Discovery; its strings are untrusted and shown as text only. */
export interface DiscoveredDevice {
  /** Endpoint reference (urn:uuid:...), stable per device. */
  id: string;
  host: string;
  port: number;
  name: string | null;
  hardware: string | null;
  xaddr: string;
}

export interface DiscoveryResult {
  devices: DiscoveredDevice[];
  /** True when more devices answered than the cap. */
  truncated: boolean;
}

export interface CamerasNotice {
  level: 'info' | 'warning';
  message: string;
}

/**
 * Whether the built-in demo camera is listed: 'auto' lists it only while there are no
 * cameras; 'shown' and 'hidden' are the user's choice.
 */
export type DemoCameraMode = 'auto' | 'shown' | 'hidden';

export interface DemoCameraState {
  mode: DemoCameraMode;
  /**
   * Adding the first camera hid the demo camera: the dashboard says so (and how to bring it
   * back) until the user shows or hides it, or dismisses the notice.
   */
  notice: boolean;
}

/** What the dashboard may change: show or hide the demo camera, or dismiss the notice. */
export type DemoCameraChange = { show: boolean } | { dismissNotice: true };

export const DEMO_CAMERA_ID = 'demo';

/** Why a battery camera cannot be kept ready (camera edits and the stream service say it). */
export const KEEP_READY_BATTERY_MESSAGE =
  'Battery cameras cannot be kept ready: staying connected all the time would drain the battery. Turn off “Keep ready” or “Battery camera”.';
/** Why the demo camera cannot be kept ready. */
export const KEEP_READY_DEMO_MESSAGE =
  'The demo camera cannot be kept ready: it is a test pattern built into Vigil, not a camera connection.';
export const MAX_CAMERA_NAME = 80;
