// Undo of a removal lives in main (issue "…polished" §4): the removed entry, password cipher
// included, is kept for a few seconds and put back as it was; afterwards Undo says it is late.
import { describe, expect, it } from 'vitest';
import { UNDO_REMOVE_MS } from '../../src/main/services/cameras/camera-registry';
import { createTempRegistry } from '../helpers/temp-registry';

const RTSP = { kind: 'rtsp', url: 'rtsp://192.168.1.20:554/s1' } as const;

describe('CameraRegistry › remove and undo', () => {
  it('undoRemove puts the camera back at its place with its password, and says when Undo ends', async () => {
    const now = 1_000_000;
    const registry = await createTempRegistry({ now: () => now });
    const a = await registry.add({ name: 'A', source: RTSP });
    const b = await registry.add({
      name: 'B',
      source: { kind: 'rtsp', url: 'rtsp://192.168.1.21/s1' },
      username: 'admin',
      password: 'sécret:@/',
    });
    await registry.add({ name: 'C', source: RTSP });
    const removed = await registry.remove(b.id);
    expect(removed).toEqual({ cameraId: b.id, name: 'B', undoUntil: now + UNDO_REMOVE_MS });
    expect(registry.list().map((c) => c.name)).toEqual(['A', 'C']);
    expect(() => registry.resolve(b.id)).toThrow(/no longer in your list/);

    const restored = await registry.undoRemove(b.id);
    expect(restored).toEqual(b);
    expect(registry.list().map((c) => c.name)).toEqual(['A', 'B', 'C']);
    expect(registry.resolve(b.id)).toMatchObject({ username: 'admin', password: 'sécret:@/' });
    // Once only.
    await expect(registry.undoRemove(b.id)).rejects.toThrow(/too late to undo/);
    expect(registry.list()).toHaveLength(3);
    expect(a.id).not.toBe(b.id);
  });

  it('after the undo time the removal is final', async () => {
    const registry = await createTempRegistry({ undoMs: 50 });
    const cam = await registry.add({ name: 'Gate', source: RTSP, password: 'pw' });
    await registry.remove(cam.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(registry.undoRemove(cam.id)).rejects.toThrow(/too late to undo/);
    expect(registry.list().some((c) => c.id === cam.id)).toBe(false);
  });

  it('copyUrl: no credentials by default; with them percent-encoded so they read back exactly', async () => {
    const registry = await createTempRegistry();
    const cam = await registry.add({
      name: 'Gate',
      source: RTSP,
      username: 'ad min',
      password: 'p@ss:w/rd #1%',
    });
    expect(registry.copyUrl(cam.id, false)).toBe('rtsp://192.168.1.20:554/s1');
    const url = new URL(registry.copyUrl(cam.id, true));
    expect(decodeURIComponent(url.username)).toBe('ad min');
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd #1%');
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('rtsp://192.168.1.20:554/s1');
    expect(() => registry.copyUrl('demo', false)).toThrow(/no RTSP address/);
  });
});
