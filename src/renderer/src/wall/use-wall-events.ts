import { useEffect } from 'react';
import { messageOf } from '../common/format';
import { vigil } from '../common/vigil';
import { useWallStore } from './store';

/**
 * The one place the wall window listens to main for its wall and cameras: subscribes first,
 * then asks for the walls, the cameras and their statuses. Streams are followed per tile by
 * use-wall-streams.ts (only the cameras this window holds).
 */
export function useWallEvents(wallId: string): void {
  useEffect(() => {
    const api = vigil();
    const store = useWallStore.getState();
    store.reset();
    const offs = [
      api.walls.onChanged((walls) => store.setWalls(wallId, walls)),
      api.cameras.onChanged((cameras) => store.setCameras(cameras)),
      api.cameras.onStatus((status) => store.setStatus(status)),
      api.cameras.onSnapshot((snapshot) => store.setSnapshot(snapshot)),
    ];
    let live = true;
    Promise.all([api.walls.list(), api.cameras.list(), api.cameras.status()])
      .then(([walls, cameras, statuses]) => {
        if (!live) return;
        store.setCameras(cameras);
        store.setStatuses(statuses);
        store.setWalls(wallId, walls);
        store.setLoaded(null);
      })
      .catch((error: unknown) => {
        if (live) store.setLoaded(messageOf(error));
      });
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, [wallId]);
}
