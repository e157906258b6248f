import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CameraFile, type StoredCamera } from '../../src/main/services/cameras/camera-file';

const camera = (id: string): StoredCamera => ({
  id,
  name: `Camera ${id}`,
  source: { kind: 'rtsp', url: `rtsp://127.0.0.1:554/${id}` },
  options: { transport: 'tcp', durationSec: 60, battery: false, audio: true },
  username: 'admin',
  passwordCipher: 'mem:token',
});

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-file-'));
  return { dir, file: new CameraFile(join(dir, 'cameras.json'), () => 1234) };
}

describe('CameraFile', () => {
  it('starts empty, without warnings, on a fresh install', async () => {
    const { file } = fresh();
    expect(await file.load()).toEqual({ cameras: [], warnings: [] });
  });

  it('round-trips a list and keeps the same bytes as .bak', async () => {
    const { file } = fresh();
    await file.save([camera('a'), camera('b')]);
    expect((await file.load()).cameras.map((c) => c.id)).toEqual(['a', 'b']);
    expect(readFileSync(file.backupPath, 'utf8')).toBe(readFileSync(file.path, 'utf8'));
  });

  it.each([
    ['empty', ''],
    ['truncated', '{"version":1,"cameras":[{"id":"a","na'],
    ['not JSON', '\u0000\u0000garbage'],
    ['wrong shape', '{"version":1,"cameras":[{"id":5}]}'],
    ['future version', '{"version":99,"cameras":[]}'],
  ])(
    'a %s file → the backup is loaded, the bad file kept aside, the user told',
    async (_name, content) => {
      const { dir, file } = fresh();
      await file.save([camera('good')]);
      writeFileSync(file.path, content);
      const result = await file.load();
      expect(result.cameras.map((c) => c.id)).toEqual(['good']);
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(
        /damaged.*restored the last good copy.*cameras\.json\.damaged-1234/,
      );
      expect(readFileSync(join(dir, 'cameras.json.damaged-1234'), 'utf8')).toBe(content);
      // The good copy is back in place for the next start.
      expect((await file.load()).warnings).toEqual([]);
    },
  );

  it('a damaged file with no good backup → empty list and a warning, never silently', async () => {
    const { dir, file } = fresh();
    writeFileSync(file.path, '{ broken');
    const result = await file.load();
    expect(result.cameras).toEqual([]);
    expect(result.warnings[0]).toMatch(
      /could not be read and there is no good backup.*Add your cameras again/,
    );
    expect(readdirSync(dir)).toContain('cameras.json.damaged-1234');
  });

  it('a missing main file with a backup → restored from the backup, with a warning', async () => {
    const { file } = fresh();
    await file.save([camera('x')]);
    writeFileSync(file.path, '');
    const { rmSync } = await import('node:fs');
    rmSync(file.path);
    const result = await file.load();
    expect(result.cameras.map((c) => c.id)).toEqual(['x']);
    expect(result.warnings[0]).toMatch(/restored it from its backup/);
  });

  it('serializes concurrent saves: the last one wins, whole', async () => {
    const { file } = fresh();
    await Promise.all([
      file.save([camera('1')]),
      file.save([camera('2')]),
      file.save([camera('3')]),
    ]);
    expect((await file.load()).cameras.map((c) => c.id)).toEqual(['3']);
  });
});
