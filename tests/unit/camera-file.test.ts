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
    ['wrong shape', '{"version":1,"cameras":{"id":5}}'],
    ['not a list at all', '[]'],
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

describe('CameraFile: one bad entry costs only itself', () => {
  const read = (path: string) =>
    JSON.parse(readFileSync(path, 'utf8')) as {
      version: number;
      cameras: unknown[];
      setAside?: Array<{ reason: string; at: string; entry: unknown }>;
    };

  it('a hand-corrupted entry is set aside in the file, the others load, and the user is told once', async () => {
    const { file } = fresh();
    await file.save([camera('a'), camera('b'), camera('c')]);
    // Corrupt b in both copies, as the incident did (its stream URI is gone).
    const broken = { ...camera('b'), source: { kind: 'onvif', host: '10.0.0.5', port: 80 } };
    const body = JSON.stringify({ version: 1, cameras: [camera('a'), broken, camera('c')] });
    writeFileSync(file.path, body);
    writeFileSync(file.backupPath, body);

    const result = await file.load();
    expect(result.cameras.map((c) => c.id)).toEqual(['a', 'c']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /One camera in your list could not be read \(“Camera b”: source\..*\)\. Vigil loaded the others; .*cameras\.json under "setAside", so nothing is lost/,
    );
    // Kept, byte for byte, under setAside in both copies; the list itself is clean.
    for (const path of [file.path, file.backupPath]) {
      const onDisk = read(path);
      expect(onDisk.cameras.map((c) => (c as { id: string }).id)).toEqual(['a', 'c']);
      expect(onDisk.setAside).toEqual([
        {
          reason: expect.stringMatching(/^source\./) as string,
          at: '1970-01-01T00:00:01.234Z',
          entry: broken,
        },
      ]);
    }
    // Said once: the next start is clean, and later saves keep the set-aside entry.
    const again = new CameraFile(file.path);
    expect(await again.load()).toEqual({ cameras: [camera('a'), camera('c')], warnings: [] });
    await again.save([camera('a')]);
    expect(read(file.path).setAside?.[0]?.entry).toEqual(broken);
  });

  it('a damaged entry whose good copy is still in the backup is restored from it', async () => {
    const { file } = fresh();
    await file.save([camera('good'), camera('x')]);
    writeFileSync(
      file.path,
      '{"version":1,"cameras":[{"id":5},' + JSON.stringify(camera('x')) + ']}',
    );
    const result = await file.load();
    expect(result.cameras.map((c) => c.id).sort()).toEqual(['good', 'x']);
    expect(result.warnings[0]).toMatch(/“unnamed”: id: .*restored 1 from its backup/);
    expect(read(file.path).setAside?.[0]?.entry).toEqual({ id: 5 });
  });

  it('an entry of a newer Vigil is kept untouched on disk through later saves, and the others load', async () => {
    const { file } = fresh();
    const future = {
      version: 2,
      id: 'f1',
      name: 'From the future',
      source: { kind: 'webrtc', whep: 'https://10.0.0.7/whep', ice: [{ urls: 'stun:x' }] },
      options: { transport: 'quic' },
      passwordCipher: 'mem:future',
    };
    const original = JSON.stringify({ version: 1, cameras: [camera('a'), future] }, null, 2);
    writeFileSync(file.path, original);
    writeFileSync(file.backupPath, original);

    const result = await file.load();
    expect(result.cameras.map((c) => c.id)).toEqual(['a']);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /One camera in your list was saved by a newer version of Vigil.*keeps it unchanged in the file/,
      ),
    ]);
    // Loading wrote nothing.
    expect(readFileSync(file.path, 'utf8')).toBe(original);
    // A change to the cameras it knows keeps the newer entry exactly as it was, in both copies.
    await file.save([camera('a'), camera('b')]);
    for (const path of [file.path, file.backupPath]) {
      const onDisk = read(path);
      expect(onDisk.cameras).toEqual([camera('a'), camera('b'), future]);
      expect(onDisk.setAside).toBeUndefined();
    }
    expect((await new CameraFile(file.path).load()).cameras.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('a file of a newer Vigil is read, never written: the others load and a change is refused', async () => {
    const { file } = fresh();
    const original = JSON.stringify({
      version: 2,
      cameras: [camera('a'), { id: 'n', name: 'New kind', source: { kind: 'cloud' } }],
      profiles: { default: 'x' },
    });
    writeFileSync(file.path, original);
    const result = await file.load();
    expect(result.cameras.map((c) => c.id)).toEqual(['a']);
    expect(result.warnings[0]).toMatch(
      /saved by a newer version of Vigil.*\(1 of 2 cannot be shown\).*will not change the file/,
    );
    await expect(file.save([camera('a'), camera('b')])).rejects.toMatchObject({
      code: 'cameras-file-newer',
    });
    expect(readFileSync(file.path, 'utf8')).toBe(original);
  });

  it('an entry that does not match the schema is refused before anything is written', async () => {
    const { file } = fresh();
    await file.save([camera('a')]);
    const before = [readFileSync(file.path, 'utf8'), readFileSync(file.backupPath, 'utf8')];
    const bad = { ...camera('b'), source: { kind: 'rtsp' } } as unknown as StoredCamera;
    await expect(file.save([camera('a'), bad])).rejects.toMatchObject({ code: 'invalid-camera' });
    await expect(file.save([camera('a'), camera('a')])).rejects.toMatchObject({
      code: 'invalid-camera',
    });
    expect([readFileSync(file.path, 'utf8'), readFileSync(file.backupPath, 'utf8')]).toEqual(
      before,
    );
  });
});
