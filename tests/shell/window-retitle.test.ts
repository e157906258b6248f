// A renamed camera's live window takes the new name (issue "…polished" §4): the title is set
// at creation and the page's own <title> is kept out, so main re-titles on every list change.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app, fakeEvent, type BrowserWindow as FakeWindow } from '../fakes/electron';
import { registerSchemes, serveSchemes } from '../../src/main/protocol';
import { WindowManager } from '../../src/main/window-manager';
import { WindowStateStore } from '../../src/main/window-state';

const dir = mkdtempSync(join(tmpdir(), 'vigil-retitle-'));
beforeAll(() => {
  registerSchemes();
  app.becomeReady();
  serveSchemes({
    pages: () => Promise.resolve(new Response('<title>page</title>')),
    streams: () => Promise.resolve(new Response('')),
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('WindowManager › live window titles', () => {
  it('retitleLive gives each live window its camera’s current name; the page cannot replace it', async () => {
    const names: Record<string, string> = { a: 'Porch', b: 'Gate' };
    const wm = new WindowManager({
      cameraName: (id) => names[id] ?? 'Camera',
      wallName: (id) => names[id] ?? 'Wall',
      onClosed: () => undefined,
      bounds: new WindowStateStore(join(dir, 'window-state.json'), 10),
    });
    await wm.openLive('a');
    await wm.openLive('b');
    const a = wm.liveWindow('a') as unknown as FakeWindow;
    const b = wm.liveWindow('b') as unknown as FakeWindow;
    expect([a.getTitle(), b.getTitle()]).toEqual(['Porch', 'Gate']);

    names.a = 'Driveway';
    wm.retitleLive();
    expect([a.getTitle(), b.getTitle()]).toEqual(['Driveway', 'Gate']);

    const event = fakeEvent();
    a.emit('page-title-updated', event, 'page');
    expect(event.defaultPrevented).toBe(true);
    a.close();
    // A closed window is left alone.
    expect(() => wm.retitleLive()).not.toThrow();
  });
});
