import type {
  Camera,
  CameraInput,
  CameraSnapshot,
  CamerasNotice,
  CameraStatus,
  CameraTestInput,
  CameraTestResult,
  CopyUrlOptions,
  DemoCameraChange,
  DemoCameraState,
  DiscoveryResult,
  EditCameraRequest,
  RemovedCamera,
} from './cameras';
import type { StreamHealth } from './health';
import type { Wall, WallInput } from './walls';
import type { LiveWindowMode, ReadyHandOver } from './windows';
import type { PtzCapabilities, PtzPreset, PtzVelocity } from './ptz';
import type { RecordingFolder, RecordingInfo, StartRecordingOptions } from './recordings';
import type { PlayableCodec, StartStreamOptions, StreamInfo, StreamTarget } from './streams';

/** Every request a renderer can make of main: channel → handler signature. */
export interface InvokeMap {
  'streams:start': (cameraId: string, options?: StartStreamOptions) => StreamInfo;
  /** Lets go of this window's hold on the camera's stream (its main one unless told). */
  'streams:stop': (cameraId: string, target?: StreamTarget) => void;
  /** Ends the camera's stream for every window watching it (a card's Stop, like the tray's). */
  'streams:end': (cameraId: string) => void;
  'streams:extend': (cameraId: string, seconds: number) => StreamInfo;
  'streams:list': () => StreamInfo[];
  /**
   * What this page's platform plays through Media Source beyond H.264 (H.265 where Electron's
   * Chromium has a decoder): such cameras are copied instead of transcoded from then on.
   */
  'streams:playable': (codecs: PlayableCodec[]) => void;
  'walls:list': () => Wall[];
  'walls:add': (input: WallInput) => Wall;
  /** Saves a wall's name, layout, cameras (their order) and start-up choice. */
  'walls:update': (wallId: string, input: WallInput) => Wall;
  'walls:remove': (wallId: string) => void;
  /** Opens the wall's window, or focuses it when it is open already. */
  'windows:openWall': (wallId: string) => void;
  /** The camera's current or latest session's health (the health panel); null: never streamed. */
  'streams:health': (cameraId: string) => StreamHealth | null;
  'cameras:list': () => Camera[];
  'cameras:add': (input: CameraInput) => Camera;
  'cameras:update': (cameraId: string, input: CameraInput) => Camera;
  /** Removes the camera at once; main keeps it for a few seconds so Undo can restore it. */
  'cameras:remove': (cameraId: string) => RemovedCamera;
  /** Restores a camera removed moments ago, exactly as it was (password included). */
  'cameras:undoRemove': (cameraId: string) => Camera;
  /**
   * Puts the camera's stream URL on the clipboard, from main: without credentials unless
   * `withPassword`. The password never passes through a renderer.
   */
  'cameras:copyRtspUrl': (cameraId: string, options?: CopyUrlOptions) => void;
  'cameras:test': (input: CameraTestInput) => CameraTestResult;
  'cameras:discover': (options?: { networkInterface?: string }) => DiscoveryResult;
  'cameras:interfaces': () => string[];
  /** A fresh still picture, or with `cachedOnly` the last one taken (null if none). */
  'cameras:snapshot': (
    cameraId: string,
    options?: { cachedOnly?: boolean },
  ) => CameraSnapshot | null;
  'cameras:status': () => CameraStatus[];
  'cameras:checkStatus': (cameraId: string) => CameraStatus | null;
  /** Things the user should know about their camera list (a restored backup, plain-text secrets). */
  'cameras:notices': () => CamerasNotice[];
  /** Whether the demo camera is listed, and whether the user still has to hear it was hidden. */
  'cameras:demo': () => DemoCameraState;
  /** Shows or hides the demo camera (a running demo stream keeps playing), or ends the notice. */
  'cameras:setDemo': (change: DemoCameraChange) => DemoCameraState;
  /** Opens the camera's live window, or focuses it when it is already open. */
  'windows:openLive': (cameraId: string) => void;
  /**
   * Asked by a ready window (a live window made in advance, hidden, while a camera is kept
   * ready): answers with the camera it is given when the user opens one. Any other window is
   * refused.
   */
  'windows:awaitCamera': () => ReadyHandOver;
  /** Closes the window that asks. */
  'windows:close': () => void;
  /** The asking live window's mode (a dashboard or wall asking is refused). */
  'windows:liveMode': () => LiveWindowMode;
  /** Makes the asking live window a mini player, or its remembered normal size again. */
  'windows:setMini': (mini: boolean) => LiveWindowMode;
  /** Keeps the asking live window on top of other windows, or not. */
  'windows:setPinned': (pinned: boolean) => LiveWindowMode;
  /**
   * Shows (or opens) the dashboard and has it open Edit for the camera, e.g. with the password
   * field focused after the camera refused it. The dashboard owns the dialog.
   */
  'windows:editCamera': (cameraId: string, options?: { focus?: 'password' }) => void;
  /** Saves a PNG (data URL) of the current frame through a save dialog in main. */
  'snapshots:save': (cameraId: string, pngDataUrl: string) => SavedFile;
  /**
   * Shows a snapshot this run of main saved in the system's file manager. Any other path is
   * refused: a page never names what main reveals.
   */
  'snapshots:showInFolder': (path: string) => void;
  /** Starts recording a live camera into an MP4 in the recordings folder (from its own stream). */
  'recording:start': (cameraId: string, options?: StartRecordingOptions) => RecordingInfo;
  /** Stops a camera's recording; null when it was not recording. */
  'recording:stop': (cameraId: string) => RecordingInfo | null;
  'recording:list': () => RecordingInfo[];
  'recording:folder': () => RecordingFolder;
  /** Asks for a folder in main (a dialog); the choice is saved. Unchanged when cancelled. */
  'recording:chooseFolder': () => RecordingFolder;
  /** Whether the camera can pan, tilt or zoom (asks an ONVIF camera once, then remembers). */
  'ptz:capabilities': (cameraId: string) => PtzCapabilities;
  /**
   * Starts or changes a continuous move (the camera's live window only). Repeat it every
   * PTZ_HEARTBEAT_MS while held: main stops the camera after PTZ_DEAD_MAN_MS of silence.
   */
  'ptz:move': (cameraId: string, velocity: PtzVelocity) => void;
  /** Ends the move (the camera's live window only). */
  'ptz:stop': (cameraId: string) => void;
  'ptz:presets': (cameraId: string) => PtzPreset[];
  /** Sends the camera to a preset, by its token (the camera's live window only). */
  'ptz:gotoPreset': (cameraId: string, presetToken: string) => void;
  /** Saves where the camera points now as a new preset (the camera's live window only). */
  'ptz:savePreset': (cameraId: string, name: string) => PtzPreset;
}

/** Where a save dialog put a file; `path` is null when the user cancelled. */
export interface SavedFile {
  path: string | null;
}

/** Sent when a camera's address or login was saved anew. */
export interface CameraSourceChange {
  cameraId: string;
}

/** Every event main sends to renderers: channel → payload. */
export interface EventMap {
  'stream:state': StreamInfo;
  'cameras:changed': Camera[];
  /** The saved walls changed (added, edited, reordered, removed, or a camera left them). */
  'walls:changed': Wall[];
  'camera:status': CameraStatus;
  'camera:snapshot': CameraSnapshot;
  /**
   * What the camera is streamed from changed (address, username or password were saved):
   * a refusal of the old login no longer holds. Renames and other options do not send it.
   */
  'camera:sourceChanged': CameraSourceChange;
  'cameras:demoChanged': DemoCameraState;
  /** Sent to the dashboard once it is shown: open Edit for this camera. */
  'dashboard:editCamera': EditCameraRequest;
  /** A recording started, grew (about once a second), ended or failed. */
  'recording:state': RecordingInfo;
}

export type InvokeChannel = keyof InvokeMap;
export type EventChannel = keyof EventMap;
export type InvokeArgs<C extends InvokeChannel> = Parameters<InvokeMap[C]>;
export type InvokeResult<C extends InvokeChannel> = ReturnType<InvokeMap[C]>;

/** Runtime list of channels, checked against the maps at compile time. */
export const INVOKE_CHANNELS = [
  'streams:start',
  'streams:stop',
  'streams:end',
  'streams:extend',
  'streams:list',
  'streams:playable',
  'streams:health',
  'walls:list',
  'walls:add',
  'walls:update',
  'walls:remove',
  'windows:openWall',
  'cameras:list',
  'cameras:add',
  'cameras:update',
  'cameras:remove',
  'cameras:undoRemove',
  'cameras:copyRtspUrl',
  'cameras:test',
  'cameras:discover',
  'cameras:interfaces',
  'cameras:snapshot',
  'cameras:status',
  'cameras:checkStatus',
  'cameras:notices',
  'cameras:demo',
  'cameras:setDemo',
  'windows:openLive',
  'windows:awaitCamera',
  'windows:close',
  'windows:liveMode',
  'windows:setMini',
  'windows:setPinned',
  'windows:editCamera',
  'snapshots:save',
  'snapshots:showInFolder',
  'recording:start',
  'recording:stop',
  'recording:list',
  'recording:folder',
  'recording:chooseFolder',
  'ptz:capabilities',
  'ptz:move',
  'ptz:stop',
  'ptz:presets',
  'ptz:gotoPreset',
  'ptz:savePreset',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = [
  'stream:state',
  'cameras:changed',
  'walls:changed',
  'camera:status',
  'camera:snapshot',
  'camera:sourceChanged',
  'cameras:demoChanged',
  'dashboard:editCamera',
  'recording:state',
] as const satisfies readonly EventChannel[];

/** A failure as it crosses IPC: a stable code and a message meant for the user. */
export interface IpcError {
  code: string;
  message: string;
}

/** What every handler returns over the wire, so errors keep their message. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };
