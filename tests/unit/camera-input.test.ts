import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import type { IpcEnvelope } from '../../src/shared/ipc-contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/** The registry behind a real router, as the dashboard reaches it. */
async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-input-'));
  const registry = new CameraRegistry({
    file: new CameraFile(join(dir, 'cameras.json')),
    secrets: createMemorySecretStore(),
    emit: () => undefined,
  });
  await registry.load();
  const handlers = new Map<string, Listener>();
  const router = createIpcRouter({
    ipcMain: {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
    },
    isTrustedSender: () => true,
  });
  router.handle('cameras:add', (_c, input) => registry.add(input));
  const add = (name: string, url: string) =>
    handlers.get('cameras:add')?.(
      { sender: { id: 1 }, senderFrame: { url: 'app://x' } },
      { name, source: { kind: 'rtsp', url } },
    ) as Promise<IpcEnvelope<{ id: string; rtspUrl: string | null }>>;
  return { dir, registry, add };
}

describe('a password pasted into an RTSP URL', () => {
  it.each([
    ['a raw %', 'rtsp://admin:50%off@10.0.0.9/live', '50%off', 'rtsp://10.0.0.9/live'],
    ['a % before hex digits', 'rtsp://admin:100%25@10.0.0.9/live', '100%', 'rtsp://10.0.0.9/live'],
    ['an @', 'rtsp://admin:p@ss@10.0.0.9:554/live', 'p@ss', 'rtsp://10.0.0.9:554/live'],
    ['a #', 'rtsp://admin:pa#ss@10.0.0.9:554/live', 'pa#ss', 'rtsp://10.0.0.9:554/live'],
    ['a ?', 'rtsp://admin:pa?ss@10.0.0.9/live?ch=1', 'pa?ss', 'rtsp://10.0.0.9/live?ch=1'],
    ['a /', 'rtsp://admin:pa/ss@cam.local/live', 'pa/ss', 'rtsp://cam.local/live'],
    ['all of them', 'rtsp://admin:a%/#?@b@10.0.0.9/x', 'a%/#?@b', 'rtsp://10.0.0.9/x'],
  ])(
    'with %s is read unambiguously and kept only encrypted',
    async (_what, url, password, clean) => {
      const { dir, registry, add } = await setup();
      const result = await add('Door', url);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.rtspUrl).toBe(clean.replace('rtsp://', 'rtsp://admin:****@'));
      expect(registry.resolve(result.value.id)).toMatchObject({
        url: clean,
        username: 'admin',
        password,
      });
      expect(readFileSync(join(dir, 'cameras.json'), 'utf8')).not.toContain(password);
    },
  );

  it.each([
    // "admin:1234/x@host" is also host "admin", port 1234, path "/x@host".
    ['a / after a numeric start', 'rtsp://admin:1234/x@cam/live'],
    ['a # and a port-less host', 'rtsp://admin:12#3@cam'],
  ])(
    'with %s that can be read two ways is refused: "put the password in the password field"',
    async (_what, url) => {
      const { add } = await setup();
      const result = await add('Door', url);
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'invalid-url',
          message: expect.stringMatching(/put the password in the password field/) as string,
        },
      });
    },
  );

  it('that is not an address at all says so, with the same hint', async () => {
    const { add } = await setup();
    const result = await add('Door', 'rtsp://admin:pw@[not-a-host/live');
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-url',
        message: expect.stringMatching(/not a valid address.*password field/) as string,
      },
    });
  });
});

describe('camera names', () => {
  it('lose NUL, line breaks, bidi overrides and lone surrogates before any label or title sees them', async () => {
    const { registry } = await setup();
    const camera = await registry.add({
      name: ' Front\u0000 door\r\nSpare\u202egpj.exe\u2066 \ud800cam \u{1f4f7} ',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
    });
    expect(camera.name).toBe('Front door Sparegpj.exe cam \u{1f4f7}');
    expect(registry.list()[0]?.name).toBe(camera.name);
    // Nothing left but invisible characters is no name.
    await expect(
      registry.add({ name: '\u202e\u0000\r\n', source: { kind: 'rtsp', url: 'rtsp://h/x' } }),
    ).rejects.toMatchObject({ code: 'invalid-name' });
  });
});
