import { create } from 'zustand';
import type { Camera, CameraSnapshot, CameraStatus } from '../../../shared/cameras';
import type { Wall } from '../../../shared/walls';

/** The wall window's view of main's facts; fed only by main's answers and events. */
export interface WallState {
  /** main answered the first questions (walls, cameras, statuses), or failed to. */
  loaded: boolean;
  /** Why loading failed, in words; null when it did not. */
  loadError: string | null;
  /** The wall this window shows; null before it is loaded and once it is gone. */
  wall: Wall | null;
  /** The wall is not (or no longer) saved: the window says so and offers Close. */
  gone: boolean;
  cameras: Record<string, Camera>;
  statuses: Record<string, CameraStatus>;
  /**
   * main answered `cameras:status`: until then an offline camera cannot be told from an online
   * one, so no tile starts its stream.
   */
  statusesKnown: boolean;
  snapshots: Record<string, CameraSnapshot>;
  /** From main's wall list: the wall with this id, or gone. */
  setWalls(wallId: string, walls: Wall[]): void;
  /** A change this window made (layout, order), shown before main confirms it. */
  setWall(wall: Wall): void;
  setCameras(cameras: Camera[]): void;
  setStatus(status: CameraStatus): void;
  setStatuses(statuses: CameraStatus[]): void;
  /** Keeps the newest picture per camera: an older answer never replaces a newer event. */
  setSnapshot(snapshot: CameraSnapshot): void;
  setLoaded(error: string | null): void;
  reset(): void;
}

const EMPTY = {
  loaded: false,
  loadError: null,
  wall: null,
  gone: false,
  cameras: {},
  statuses: {},
  statusesKnown: false,
  snapshots: {},
};

export const useWallStore = create<WallState>()((set) => ({
  ...EMPTY,
  setWalls: (wallId, walls) => {
    const wall = walls.find((w) => w.id === wallId) ?? null;
    set({ wall, gone: wall === null });
  },
  setWall: (wall) => set({ wall, gone: false }),
  setCameras: (cameras) => set({ cameras: Object.fromEntries(cameras.map((c) => [c.id, c])) }),
  setStatus: (status) => set((s) => ({ statuses: { ...s.statuses, [status.cameraId]: status } })),
  setStatuses: (statuses) =>
    set((s) => ({
      statusesKnown: true,
      // An event that arrived while the list was on its way is as new as the list, or newer.
      statuses: { ...Object.fromEntries(statuses.map((st) => [st.cameraId, st])), ...s.statuses },
    })),
  setSnapshot: (snapshot) =>
    set((s) => {
      const current = s.snapshots[snapshot.cameraId];
      if (current && current.takenAt >= snapshot.takenAt) return s;
      return { snapshots: { ...s.snapshots, [snapshot.cameraId]: snapshot } };
    }),
  setLoaded: (loadError) => set({ loaded: true, loadError }),
  reset: () => set(EMPTY),
}));
