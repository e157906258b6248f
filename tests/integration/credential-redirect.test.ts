import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grabFrame } from '../../src/main/services/streaming/frame-grab';
import type { RtspSource } from '../../src/main/services/streaming/source';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { createHarness, isAlive, type Harness } from '../helpers/stream-harness';
import {
  startScriptServer,
  type ScriptAnswer,
  type ScriptServer,
  type SeenRequest,
} from '../helpers/rtsp-script-server';

const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';
const USER = 'admin';
const PASSWORD = 'Redirect-canary-9c2e';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const gst = hasGstreamerRtsp();

type Mode = 'basic, then redirect' | 'digest, then redirect' | 'redirect at once';

/**
 * The camera the user named, turned hostile: it asks for the password (Basic or Digest) and
 * then answers DESCRIBE with 302 to another host, or redirects before asking. ffmpeg 5.1
 * follows by itself and, measured, sends the credentials there in every one of these cases.
 */
function hostile(mode: Mode, location: () => string) {
  return (request: SeenRequest): ScriptAnswer => {
    if (request.method === 'OPTIONS')
      return { status: 200, headers: { Public: 'OPTIONS, DESCRIBE' } };
    const authorized = request.headers.authorization !== undefined;
    if (mode !== 'redirect at once' && !authorized) {
      const challenge =
        mode === 'basic, then redirect' ? 'Basic realm="cam"' : 'Digest realm="cam", nonce="n0nce"';
      return { status: 401, reason: 'Unauthorized', headers: { 'WWW-Authenticate': challenge } };
    }
    return { status: 302, reason: 'Found', headers: { Location: location() } };
  };
}

/** The other host: it asks every visitor for Basic credentials, and records what it gets. */
function otherHost(request: SeenRequest): ScriptAnswer {
  if (request.method === 'OPTIONS')
    return { status: 200, headers: { Public: 'OPTIONS, DESCRIBE' } };
  return {
    status: 401,
    reason: 'Unauthorized',
    headers: { 'WWW-Authenticate': 'Basic realm="other"' },
  };
}

function expectNoCredentials(other: ScriptServer): void {
  const seen = other.received();
  expect(seen).not.toMatch(/Authorization/i);
  expect(seen).not.toContain(PASSWORD);
  expect(seen).not.toContain(BASIC);
  expect(seen).not.toContain(USER);
  // Not even a connection: the relay never goes anywhere but the named camera.
  expect(other.connections).toBe(0);
}

describe('credentials go only to the camera the user named (RTSP redirects)', () => {
  let other: ScriptServer;
  let h: Harness;
  beforeEach(async () => {
    // 127.0.0.2 is another host as far as ffmpeg and the relay can tell (all of 127/8 is lo).
    other = await startScriptServer('127.0.0.2', otherHost);
    h = createHarness();
    await h.service.init();
  });
  afterEach(async () => {
    await h.dispose();
    await other.close();
  });
  afterAll(() => stopAllFakeCameras());

  const modes: Mode[] = ['basic, then redirect', 'digest, then redirect', 'redirect at once'];

  it.each(modes)('stream (%s): refused, the other host named, nothing sent there', async (mode) => {
    const camera = await startScriptServer(
      '127.0.0.1',
      hostile(mode, () => `rtsp://127.0.0.2:${String(other.port)}/other`),
    );
    try {
      const source: RtspSource = {
        kind: 'rtsp',
        url: `${camera.origin}/cam`,
        username: USER,
        password: PASSWORD,
      };
      h.cameras.set('cam', source);
      await h.service.start('cam', { viewer: 't' });
      const failed = await h.waitFor('cam', 'failed');
      expectNoCredentials(other);
      expect(failed.failure?.reason).toBe('redirected');
      expect(failed.failure?.message).toContain(`127.0.0.2:${String(other.port)}`);
      expect(failed.failure?.message).toContain(`127.0.0.1:${String(camera.port)}`);
      expect(JSON.stringify({ logs: h.logs, events: h.events })).not.toContain(PASSWORD);
      expect(h.sessionDirs()).toEqual([]);
      expect(h.spawned.filter(isAlive)).toEqual([]);
    } finally {
      await camera.close();
    }
  });

  it.each(modes)(
    'frame grab (%s): refused, the other host named, nothing sent there',
    async (mode) => {
      const camera = await startScriptServer(
        '127.0.0.1',
        hostile(mode, () => `rtsp://127.0.0.2:${String(other.port)}/other`),
      );
      try {
        const error: unknown = await grabFrame(FFMPEG, {
          kind: 'rtsp',
          url: `${camera.origin}/cam`,
          username: USER,
          password: PASSWORD,
        }).catch((e: unknown) => e);
        expectNoCredentials(other);
        expect(error).toMatchObject({
          code: 'redirected',
          message: expect.stringContaining(`127.0.0.2:${String(other.port)}`) as unknown,
        });
      } finally {
        await camera.close();
      }
    },
  );

  it.runIf(gst)(
    'a redirect to another port of the same host is followed: the stream plays, the grab works',
    async () => {
      const real = await startFakeCamera({ user: USER, password: PASSWORD, audio: 'none' });
      const camera = await startScriptServer(
        '127.0.0.1',
        hostile('redirect at once', () => real.url),
      );
      try {
        const source: RtspSource = {
          kind: 'rtsp',
          url: `${camera.origin}/cam`,
          username: USER,
          password: PASSWORD,
        };
        h.cameras.set('cam', source);
        await h.service.start('cam', { viewer: 't' });
        await h.waitFor('cam', 'live');
        const jpeg = await grabFrame(FFMPEG, source);
        expect(jpeg[0]).toBe(0xff);
        expect(other.connections).toBe(0);
      } finally {
        await camera.close();
      }
    },
  );
});
