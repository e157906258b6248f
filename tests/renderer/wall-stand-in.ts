// A stand-in for main as the wall window meets it: window.vigil built by the real preload code
// over a transport that checks every request's arguments with main's own schemas (a shape main
// would refuse fails the test), answers from a small model of the walls, cameras and streams,
// and lets a test send main's events. A channel the model does not know is an error, as an
// unexpected request should be.
import { act } from '@testing-library/react';
import { invokeSchemas } from '../../src/main/ipc/schemas';
import { createVigilApi } from '../../src/preload/api';
import type { Camera, CameraSnapshot, CameraStatus } from '../../src/shared/cameras';
import { DEFAULT_CAMERA_OPTIONS } from '../../src/shared/cameras';
import type {
  EventChannel,
  EventMap,
  InvokeChannel,
  IpcEnvelope,
} from '../../src/shared/ipc-contract';
import type { StreamInfo } from '../../src/shared/streams';
import { streamInfo } from '../helpers/stream-info';
import type { Wall, WallInput } from '../../src/shared/walls';

export interface WallModel {
  walls: Wall[];
  cameras: Camera[];
  statuses: CameraStatus[];
  snapshots: CameraSnapshot[];
  /** When set, walls:update fails with this message (what main says when it cannot save). */
  updateFails: string | null;
}

export function camera(id: string, name: string, options: Partial<Camera['options']> = {}): Camera {
  return {
    id,
    name,
    source: { kind: 'rtsp', url: `rtsp://127.0.0.1:8554/${id}` },
    options: { ...DEFAULT_CAMERA_OPTIONS, ...options },
    username: null,
    hasPassword: false,
    address: `rtsp://127.0.0.1:8554/${id}`,
    rtspUrl: `rtsp://127.0.0.1:8554/${id}`,
    builtIn: false,
    hasSubStream: false,
  };
}

export function status(
  cameraId: string,
  state: CameraStatus['state'],
  extra: Partial<CameraStatus> = {},
): CameraStatus {
  return { cameraId, state, lastSeen: null, checkedAt: 1, detail: null, ...extra };
}

/** A session as main describes it; `starting` unless told otherwise. */
export function session(cameraId: string, overrides: Partial<StreamInfo> = {}): StreamInfo {
  return streamInfo({ cameraId, sessionId: `s-${cameraId}`, state: 'starting', ...overrides });
}

export interface StandIn {
  model: WallModel;
  /** Every request, in order: [channel, arguments]. */
  calls: Array<[InvokeChannel, unknown[]]>;
  /** The arguments of every request on one channel, in order. */
  asked(channel: InvokeChannel): unknown[][];
  /** Sends one of main's events to the page (inside act, so React has rendered it after). */
  emit<C extends EventChannel>(channel: C, payload: EventMap[C]): void;
}

export function installStandIn(model: WallModel): StandIn {
  const calls: Array<[InvokeChannel, unknown[]]> = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const emitNow = (channel: EventChannel, payload: unknown): void => {
    for (const listener of [...(listeners.get(channel) ?? [])]) listener(payload);
  };
  const answer = (channel: InvokeChannel, args: unknown[]): unknown => {
    switch (channel) {
      case 'walls:list':
        return model.walls;
      case 'cameras:list':
        return model.cameras;
      case 'cameras:status':
        return model.statuses;
      case 'cameras:snapshot':
        return model.snapshots.find((s) => s.cameraId === args[0]) ?? null;
      case 'streams:start':
        return session(args[0] as string);
      case 'streams:stop':
      case 'windows:close':
      case 'windows:editCamera':
        return undefined;
      case 'walls:update': {
        if (model.updateFails) throw new Error(model.updateFails);
        const [wallId, input] = args as [string, WallInput];
        const current = model.walls.find((w) => w.id === wallId);
        if (!current) throw new Error('This wall is no longer saved.');
        const wall: Wall = {
          id: wallId,
          name: input.name,
          layout: input.layout,
          cameraIds: input.cameraIds,
          openAtStart: input.openAtStart ?? current.openAtStart,
        };
        model.walls = model.walls.map((w) => (w.id === wallId ? wall : w));
        // Main tells every page after the save, the asking one included.
        queueMicrotask(() => emitNow('walls:changed', model.walls));
        return wall;
      }
      default:
        throw new Error(`unexpected ${channel}`);
    }
  };
  window.vigil = createVigilApi({
    invoke: (channel, args) => {
      calls.push([channel, args]);
      const parsed = invokeSchemas[channel].safeParse(args);
      if (!parsed.success) {
        return Promise.resolve({
          ok: false,
          error: { code: 'invalid-arguments', message: parsed.error.message },
        });
      }
      let envelope: IpcEnvelope<unknown>;
      try {
        envelope = { ok: true, value: answer(channel, args) };
      } catch (error) {
        envelope = { ok: false, error: { code: 'failed', message: (error as Error).message } };
      }
      return Promise.resolve(envelope);
    },
    subscribe: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  });
  return {
    model,
    calls,
    asked: (channel) => calls.filter(([c]) => c === channel).map(([, a]) => a),
    emit: (channel, payload) => {
      act(() => emitNow(channel, payload));
    },
  };
}
