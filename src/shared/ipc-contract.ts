import type { StartStreamOptions, StreamInfo } from './streams';

/** Every request a renderer can make of main: channel → handler signature. */
export interface InvokeMap {
  'streams:start': (cameraId: string, options?: StartStreamOptions) => StreamInfo;
  'streams:stop': (cameraId: string) => void;
  'streams:extend': (cameraId: string, seconds: number) => StreamInfo;
  'streams:list': () => StreamInfo[];
}

/** Every event main sends to renderers: channel → payload. */
export interface EventMap {
  'stream:state': StreamInfo;
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
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = ['stream:state'] as const satisfies readonly EventChannel[];

/** A failure as it crosses IPC: a stable code and a message meant for the user. */
export interface IpcError {
  code: string;
  message: string;
}

/** What every handler returns over the wire, so errors keep their message. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };
