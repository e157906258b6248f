import type {
  Camera,
  CameraInput,
  CameraSnapshot,
  CamerasNotice,
  CameraStatus,
  CameraTestInput,
  CameraTestResult,
  DemoCameraChange,
  DemoCameraState,
  DiscoveryResult,
} from './cameras';
import type { StartStreamOptions, StreamInfo } from './streams';

/** Every request a renderer can make of main: channel → handler signature. */
export interface InvokeMap {
  'streams:start': (cameraId: string, options?: StartStreamOptions) => StreamInfo;
  'streams:stop': (cameraId: string) => void;
  'streams:extend': (cameraId: string, seconds: number) => StreamInfo;
  'streams:list': () => StreamInfo[];
  'cameras:list': () => Camera[];
  'cameras:add': (input: CameraInput) => Camera;
  'cameras:update': (cameraId: string, input: CameraInput) => Camera;
  'cameras:remove': (cameraId: string) => void;
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
  /** Closes the window that asks. */
  'windows:close': () => void;
  /** Saves a PNG (data URL) of the current frame through a save dialog in main. */
  'snapshots:save': (cameraId: string, pngDataUrl: string) => SavedFile;
}

/** Where a save dialog put a file; `path` is null when the user cancelled. */
export interface SavedFile {
  path: string | null;
}

/** Every event main sends to renderers: channel → payload. */
export interface EventMap {
  'stream:state': StreamInfo;
  'cameras:changed': Camera[];
  'camera:status': CameraStatus;
  'camera:snapshot': CameraSnapshot;
  'cameras:demoChanged': DemoCameraState;
}

export type InvokeChannel = keyof InvokeMap;
export type EventChannel = keyof EventMap;
export type InvokeArgs<C extends InvokeChannel> = Parameters<InvokeMap[C]>;
export type InvokeResult<C extends InvokeChannel> = ReturnType<InvokeMap[C]>;

/** Runtime list of channels, checked against the maps at compile time. */
export const INVOKE_CHANNELS = [
  'streams:start',
  'streams:stop',
  'streams:extend',
  'streams:list',
  'cameras:list',
  'cameras:add',
  'cameras:update',
  'cameras:remove',
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
  'windows:close',
  'snapshots:save',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = [
  'stream:state',
  'cameras:changed',
  'camera:status',
  'camera:snapshot',
  'cameras:demoChanged',
] as const satisfies readonly EventChannel[];

/** A failure as it crosses IPC: a stable code and a message meant for the user. */
export interface IpcError {
  code: string;
  message: string;
}

/** What every handler returns over the wire, so errors keep their message. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };
