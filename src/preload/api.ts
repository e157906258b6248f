import type {
  EventChannel,
  EventMap,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
  IpcEnvelope,
} from '../shared/ipc-contract';

/** How the api reaches main: Electron IPC in the app, a test binding in browser e2e. */
export interface VigilTransport {
  invoke(channel: InvokeChannel, args: unknown[]): Promise<IpcEnvelope<unknown>>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

/** Raised in the renderer when main answers a request with an error envelope. */
export class VigilError extends Error {
  override readonly name = 'VigilError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function invoker<C extends InvokeChannel>(transport: VigilTransport, channel: C) {
  return async (...args: InvokeArgs<C>): Promise<InvokeResult<C>> => {
    const envelope = await transport.invoke(channel, args);
    if (!envelope.ok) throw new VigilError(envelope.error.code, envelope.error.message);
    return envelope.value as InvokeResult<C>;
  };
}

function subscriber<C extends EventChannel>(transport: VigilTransport, channel: C) {
  return (listener: (payload: EventMap[C]) => void): (() => void) =>
    transport.subscribe(channel, (payload) => listener(payload as EventMap[C]));
}

/** Builds `window.vigil` from the contract; one line per channel. */
export function createVigilApi(transport: VigilTransport) {
  return {
    streams: {
      start: invoker(transport, 'streams:start'),
      stop: invoker(transport, 'streams:stop'),
      end: invoker(transport, 'streams:end'),
      extend: invoker(transport, 'streams:extend'),
      list: invoker(transport, 'streams:list'),
      playable: invoker(transport, 'streams:playable'),
      health: invoker(transport, 'streams:health'),
      onState: subscriber(transport, 'stream:state'),
    },
    cameras: {
      list: invoker(transport, 'cameras:list'),
      add: invoker(transport, 'cameras:add'),
      update: invoker(transport, 'cameras:update'),
      remove: invoker(transport, 'cameras:remove'),
      undoRemove: invoker(transport, 'cameras:undoRemove'),
      copyRtspUrl: invoker(transport, 'cameras:copyRtspUrl'),
      test: invoker(transport, 'cameras:test'),
      discover: invoker(transport, 'cameras:discover'),
      interfaces: invoker(transport, 'cameras:interfaces'),
      snapshot: invoker(transport, 'cameras:snapshot'),
      status: invoker(transport, 'cameras:status'),
      checkStatus: invoker(transport, 'cameras:checkStatus'),
      notices: invoker(transport, 'cameras:notices'),
      demo: invoker(transport, 'cameras:demo'),
      setDemo: invoker(transport, 'cameras:setDemo'),
      onChanged: subscriber(transport, 'cameras:changed'),
      onStatus: subscriber(transport, 'camera:status'),
      onSnapshot: subscriber(transport, 'camera:snapshot'),
      onSourceChanged: subscriber(transport, 'camera:sourceChanged'),
      onDemoChanged: subscriber(transport, 'cameras:demoChanged'),
    },
    walls: {
      list: invoker(transport, 'walls:list'),
      add: invoker(transport, 'walls:add'),
      update: invoker(transport, 'walls:update'),
      remove: invoker(transport, 'walls:remove'),
      onChanged: subscriber(transport, 'walls:changed'),
    },
    windows: {
      openLive: invoker(transport, 'windows:openLive'),
      openWall: invoker(transport, 'windows:openWall'),
      awaitCamera: invoker(transport, 'windows:awaitCamera'),
      close: invoker(transport, 'windows:close'),
      liveMode: invoker(transport, 'windows:liveMode'),
      setMini: invoker(transport, 'windows:setMini'),
      setPinned: invoker(transport, 'windows:setPinned'),
      editCamera: invoker(transport, 'windows:editCamera'),
      onEditCamera: subscriber(transport, 'dashboard:editCamera'),
    },
    snapshots: {
      save: invoker(transport, 'snapshots:save'),
      showInFolder: invoker(transport, 'snapshots:showInFolder'),
    },
    recording: {
      start: invoker(transport, 'recording:start'),
      stop: invoker(transport, 'recording:stop'),
      list: invoker(transport, 'recording:list'),
      folder: invoker(transport, 'recording:folder'),
      chooseFolder: invoker(transport, 'recording:chooseFolder'),
      onState: subscriber(transport, 'recording:state'),
    },
    ptz: {
      capabilities: invoker(transport, 'ptz:capabilities'),
      move: invoker(transport, 'ptz:move'),
      stop: invoker(transport, 'ptz:stop'),
      presets: invoker(transport, 'ptz:presets'),
      gotoPreset: invoker(transport, 'ptz:gotoPreset'),
      savePreset: invoker(transport, 'ptz:savePreset'),
    },
  } as const;
}

/** The renderer's view of `window.vigil`, derived from the preload, never written twice. */
export type VigilApi = ReturnType<typeof createVigilApi>;
