// Saved walls: what the store keeps, refuses, and never loses.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WallStore } from '../../src/main/services/walls/wall-store';
import type { Wall } from '../../src/shared/walls';

/** The walls in the file. */
const saved = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { walls: Wall[] }).walls;

describe('the wall store', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  function store(known = new Set(['a', 'b', 'c', 'd', 'e'])) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-walls-'));
    dirs.push(dir);
    const file = join(dir, 'walls.json');
    const changes: Wall[][] = [];
    let n = 0;
    const walls = new WallStore({
      file,
      knownCamera: (id) => known.has(id),
      onChange: (list) => changes.push(list),
      newId: () => `w${String(++n)}`,
    });
    return { walls, file, dir, changes, known };
  }

  it('adds a wall, saved to its file before it counts, and tells the pages', async () => {
    const { walls, file, changes } = store();
    const wall = await walls.add({
      name: '  Front of house ',
      layout: '2x2',
      cameraIds: ['b', 'a'],
    });
    expect(wall).toEqual({
      id: 'w1',
      name: 'Front of house',
      layout: '2x2',
      cameraIds: ['b', 'a'],
      openAtStart: false,
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, walls: [wall] });
    expect(changes).toEqual([[wall]]);
    // A second store reads back the same.
    const again = new WallStore({ file, knownCamera: () => true });
    expect(await again.load()).toEqual([]);
    expect(again.list()).toEqual([wall]);
  });

  it('refuses an empty name, a name in use (any case), an unknown camera and more than 16 cameras, saying what to do; nothing is saved', async () => {
    const { walls, file } = store();
    await walls.add({ name: 'Garden', layout: 'fit', cameraIds: ['a'] });
    const before = readFileSync(file, 'utf8');
    await expect(walls.add({ name: '  ', layout: 'fit', cameraIds: [] })).rejects.toThrow(
      'Give the wall a name.',
    );
    await expect(walls.add({ name: 'GARDEN', layout: 'fit', cameraIds: [] })).rejects.toThrow(
      /exists already\. Choose another name/,
    );
    await expect(walls.add({ name: 'Side', layout: 'fit', cameraIds: ['zz'] })).rejects.toThrow(
      /no longer in your list\. Pick the cameras again/,
    );
    const many = Array.from({ length: 17 }, (_, i) => `cam${String(i)}`);
    const all = store(new Set(many));
    await expect(all.walls.add({ name: 'All', layout: 'fit', cameraIds: many })).rejects.toThrow(
      /at most 16 cameras/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(walls.list().map((w) => w.name)).toEqual(['Garden']);
  });

  it('an edit keeps the wall’s id and its own name; the same camera twice is one tile', async () => {
    const { walls } = store();
    const wall = await walls.add({ name: 'Garden', layout: '2x2', cameraIds: ['a', 'b'] });
    const edited = await walls.update(wall.id, {
      name: 'garden',
      layout: '3x3',
      cameraIds: ['c', 'a', 'c'],
      openAtStart: true,
    });
    expect(edited).toEqual({
      id: wall.id,
      name: 'garden',
      layout: '3x3',
      cameraIds: ['c', 'a'],
      openAtStart: true,
    });
    // A save that names no start-up choice (the wall window's reorder) keeps it.
    expect(
      (await walls.update(wall.id, { name: 'garden', layout: '3x3', cameraIds: ['a', 'c'] }))
        .openAtStart,
    ).toBe(true);
    expect(walls.atStart().map((w) => w.id)).toEqual([wall.id]);
  });

  it('a removed camera leaves every wall as it is read, and comes back if its removal is undone; the next save drops it from the file', async () => {
    const { walls, file, known, changes } = store();
    const wall = await walls.add({ name: 'Garden', layout: '2x2', cameraIds: ['a', 'b', 'c'] });
    // A change that leaves every wall as it was tells nobody.
    const told = changes.length;
    walls.camerasChanged();
    expect(changes).toHaveLength(told);
    known.delete('b');
    walls.camerasChanged();
    expect(walls.get(wall.id)?.cameraIds).toEqual(['a', 'c']);
    expect(changes.at(-1)?.[0]?.cameraIds).toEqual(['a', 'c']);
    expect(changes).toHaveLength(told + 1);
    known.add('b');
    expect(walls.get(wall.id)?.cameraIds).toEqual(['a', 'b', 'c']);
    // Saving another wall while the camera is gone writes this one without it.
    const other = await walls.add({ name: 'Other', layout: 'fit', cameraIds: ['d'] });
    known.delete('b');
    await walls.update(other.id, { name: 'Other', layout: 'fit', cameraIds: ['d', 'e'] });
    known.add('b');
    expect(saved(file)[0]?.cameraIds).toEqual(['a', 'c']);
  });

  it('remove: gone from the file; an unknown wall says it is no longer saved', async () => {
    const { walls, file } = store();
    const wall = await walls.add({ name: 'Garden', layout: '2x2', cameraIds: [] });
    await walls.remove(wall.id);
    expect(saved(file)).toEqual([]);
    await expect(walls.remove(wall.id)).rejects.toThrow(/no longer saved/);
    await expect(walls.update('nope', { name: 'X', layout: 'fit', cameraIds: [] })).rejects.toThrow(
      /no longer saved/,
    );
  });

  it('a damaged file is set aside with a warning naming it, never overwritten, and the store starts empty', async () => {
    const { dir, file } = store();
    writeFileSync(file, '{"version":1,"walls":[{"id":');
    const walls = new WallStore({ file, knownCamera: () => true });
    const warnings = await walls.load();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /could not be read \(not JSON\); the file was kept as .*walls\.json\.unreadable-/,
    );
    const aside = readdirSync(dir).find((n) => n.startsWith('walls.json.unreadable-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toBe('{"version":1,"walls":[{"id":');
    expect(walls.list()).toEqual([]);
    await walls.add({ name: 'New', layout: 'fit', cameraIds: [] });
    expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toBe('{"version":1,"walls":[{"id":');
  });

  it('a save that fails (the folder is gone) changes nothing and says what to do', async () => {
    const { walls, dir } = store();
    const wall = await walls.add({ name: 'Garden', layout: '2x2', cameraIds: ['a'] });
    await rm(dir, { recursive: true, force: true });
    await expect(
      walls.update(wall.id, { name: 'Renamed', layout: '2x2', cameraIds: ['a'] }),
    ).rejects.toThrow(/could not save your walls .*Check free disk space/);
    expect(walls.get(wall.id)?.name).toBe('Garden');
  });
});
