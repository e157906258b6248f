import { useEffect } from 'react';
import { messageOf } from '../common/format';
import { vigil } from '../common/vigil';
import { useDashboard } from './store';

/**
 * The one place the dashboard listens to main: subscribes to every event, loads the
 * initial facts, and asks for a snapshot of each camera once it is seen online.
 */
export function useDashboardEvents(): void {
  useEffect(() => {
    const api = vigil();
    const store = useDashboard.getState();
    const requested = new Set<string>();
    const snapshotOnce = (cameraId: string): void => {
      if (requested.has(cameraId)) return;
      requested.add(cameraId);
      api.cameras.snapshot(cameraId).catch((error: unknown) => {
        requested.delete(cameraId);
        store.setSnapshotError(cameraId, messageOf(error));
      });
    };
    // A wall list sent by an event is newer than the answer to walls.list, which is then dropped.
    let wallsHeard = false;
    const offs = [
      api.cameras.onChanged((cameras) => store.setCameras(cameras)),
      api.cameras.onStatus((status) => {
        store.setStatus(status);
        if (status.state === 'online') snapshotOnce(status.cameraId);
      }),
      api.cameras.onSnapshot((snapshot) => store.setSnapshot(snapshot)),
      api.streams.onState((info) => store.setStream(info)),
      api.cameras.onDemoChanged((demo) => store.setDemo(demo)),
      api.walls.onChanged((walls) => {
        wallsHeard = true;
        store.setWalls(walls);
      }),
    ];
    // Apart from the cameras: a wall store that cannot be read must not keep the cameras from
    // showing.
    api.walls
      .list()
      .then((walls) => {
        if (!wallsHeard) store.setWalls(walls);
      })
      .catch((error: unknown) => {
        if (!wallsHeard) store.setWallsError(messageOf(error));
      });
    void Promise.all([
      api.cameras.list(),
      api.cameras.status(),
      api.streams.list(),
      api.cameras.notices(),
      api.cameras.demo(),
    ])
      .then(([cameras, statuses, streams, notices, demo]) => {
        store.setCameras(cameras);
        for (const status of statuses) {
          store.setStatus(status);
          if (status.state === 'online') snapshotOnce(status.cameraId);
        }
        store.replaceStreams(streams);
        store.setNotices(notices);
        store.setDemo(demo);
      })
      .finally(() => store.setLoaded());
    return () => {
      for (const off of offs) off();
    };
  }, []);
}

/**
 * Listens for main's "open Edit" requests (from a live window) from the moment the page's
 * script runs, not from the first effect: main sends the request once the page has loaded,
 * and React's first effects may run after that. Called once by main.tsx.
 */
export function listenForEditRequests(): () => void {
  return vigil().windows.onEditCamera((request) => useDashboard.getState().setEditRequest(request));
}
