import { create } from 'zustand';
import type {
  Camera,
  CameraSnapshot,
  CamerasNotice,
  CameraStatus,
  DemoCameraState,
  EditCameraRequest,
} from '../../../shared/cameras';
import type { StreamInfo } from '../../../shared/streams';
import type { Wall } from '../../../shared/walls';

/** The dashboard's view of main's facts; fed only by main's answers and events. */
export interface DashboardState {
  loaded: boolean;
  cameras: Camera[];
  statuses: Record<string, CameraStatus>;
  snapshots: Record<string, CameraSnapshot>;
  /** Why a camera has no picture (the snapshot failed), by camera id. */
  snapshotErrors: Record<string, string>;
  /** Active sessions by camera id (waking, starting, live, reconnecting, stopping). */
  streams: Record<string, StreamInfo>;
  notices: CamerasNotice[];
  /** The demo camera's setting; null until main has answered. */
  demo: DemoCameraState | null;
  /** A live window asked for Edit of a camera (e.g. "Enter password…"); null once handled. */
  editRequest: EditCameraRequest | null;
  /** The saved walls, in main's order; null until main has answered. */
  walls: Wall[] | null;
  /** Why the walls could not be read; cleared by the next list main sends. */
  wallsError: string | null;
  setWalls(walls: Wall[]): void;
  setWallsError(message: string): void;
  setEditRequest(request: EditCameraRequest | null): void;
  setCameras(cameras: Camera[]): void;
  setStatus(status: CameraStatus): void;
  setSnapshot(snapshot: CameraSnapshot): void;
  setSnapshotError(cameraId: string, message: string): void;
  setStream(info: StreamInfo): void;
  replaceStreams(list: StreamInfo[]): void;
  setNotices(notices: CamerasNotice[]): void;
  setDemo(demo: DemoCameraState): void;
  setLoaded(): void;
}

const ACTIVE = new Set(['waking', 'starting', 'live', 'reconnecting', 'stopping']);

export const useDashboard = create<DashboardState>()((set) => ({
  loaded: false,
  cameras: [],
  statuses: {},
  snapshots: {},
  snapshotErrors: {},
  streams: {},
  notices: [],
  demo: null,
  editRequest: null,
  walls: null,
  wallsError: null,
  setWalls: (walls) => set({ walls, wallsError: null }),
  setWallsError: (wallsError) => set({ wallsError }),
  setEditRequest: (editRequest) => set({ editRequest }),
  setCameras: (cameras) => set({ cameras }),
  setStatus: (status) => set((s) => ({ statuses: { ...s.statuses, [status.cameraId]: status } })),
  setSnapshot: (snapshot) =>
    set((s) => {
      const snapshotErrors = { ...s.snapshotErrors };
      delete snapshotErrors[snapshot.cameraId];
      return { snapshots: { ...s.snapshots, [snapshot.cameraId]: snapshot }, snapshotErrors };
    }),
  setSnapshotError: (cameraId, message) =>
    set((s) => ({ snapshotErrors: { ...s.snapshotErrors, [cameraId]: message } })),
  // A card shows its camera's main stream (what its live window plays); a wall's sub stream of
  // the same camera is another session.
  setStream: (info) =>
    set((s) => {
      if (info.variant !== 'main') return {};
      const streams = { ...s.streams };
      if (ACTIVE.has(info.state)) streams[info.cameraId] = info;
      else delete streams[info.cameraId];
      return { streams };
    }),
  replaceStreams: (list) =>
    set({
      streams: Object.fromEntries(
        list.filter((i) => i.variant === 'main' && ACTIVE.has(i.state)).map((i) => [i.cameraId, i]),
      ),
    }),
  setNotices: (notices) => set({ notices }),
  setDemo: (demo) => set({ demo }),
  setLoaded: () => set({ loaded: true }),
}));
