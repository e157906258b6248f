import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrowserWindow as FakeWindow, screen } from '../fakes/electron';
import { serveBlankPages } from './blank-pages';
import { WindowManager } from '../../src/main/window-manager';
import { DASHBOARD_MIN, LIVE_MIN } from '../../src/main/window-sizes';
import { WindowStateStore } from '../../src/main/window-state';

// Pages are served as main serves them; their content does not matter here.
beforeAll(serveBlankPages);

const asFake = (win: unknown) => win as FakeWindow;

function manager() {
  const store = new WindowStateStore(
    join(mkdtempSync(join(tmpdir(), 'vigil-ws-')), 'window-state.json'),
    10,
  );
  const wm = new WindowManager({
    cameraName: (id) => id,
    wallName: (id) => id,
    onClosed: () => undefined,
    bounds: store,
  });
  return { wm, store };
}

describe('window minimum sizes: no window gets small enough to hide its controls', () => {
  beforeEach(() => {
    screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  });

  it('live windows and the dashboard are made with their minimum size', async () => {
    const { wm } = manager();
    await wm.openLive('a');
    expect(asFake(wm.liveWindow('a')).options).toMatchObject({
      minWidth: LIVE_MIN.width,
      minHeight: LIVE_MIN.height,
    });
    await wm.openDashboard();
    const dashboard = FakeWindow.getAllWindows().find((w) => w.options.title === 'Vigil');
    expect(dashboard?.options).toMatchObject({
      minWidth: DASHBOARD_MIN.width,
      minHeight: DASHBOARD_MIN.height,
    });
  });

  it('bounds remembered below the minimum come back at the minimum', async () => {
    const { wm, store } = manager();
    store.set('live:small', { x: 10, y: 20, width: 330, height: 250 });
    await wm.openLive('small');
    expect(asFake(wm.liveWindow('small')).options).toMatchObject({
      x: 10,
      y: 20,
      width: LIVE_MIN.width,
      height: LIVE_MIN.height,
    });
  });
});
