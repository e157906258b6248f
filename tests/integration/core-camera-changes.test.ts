// The one camera-changed path in main (issue "Streams that survive the real world" §3): an
// edit reaches the running stream, the cached picture and the status check; adding the first
// camera hides the demo camera without ending a demo stream.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createVigilCore, type VigilCore } from '../../src/main/core';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import type { CameraStatus, DemoCameraState } from '../../src/shared/cameras';
import type { EventChannel, EventMap } from '../../src/shared/ipc-contract';
import type { StreamInfo, StreamState } from '../../src/shared/streams';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  stopAllFakeCameras,
} from '../fixtures/fake-camera';
import {
  startScriptServer,
  type ScriptAnswer,
  type ScriptServer,
} from '../helpers/rtsp-script-server';

const gst = hasGstreamerRtsp();
if (!gst) console.warn('SKIP camera-changed path: GStreamer RTSP server is not installed');
const LIVE_WITHIN = 20_000;

interface Core {
  core: VigilCore;
  events: Array<{ channel: EventChannel; payload: unknown }>;
  /** Resolves with the first event on `channel` (past or future) that `match` accepts. */
  next: <C extends EventChannel>(
    channel: C,
    match: (payload: EventMap[C]) => boolean,
    timeoutMs?: number,
  ) => Promise<EventMap[C]>;
  /** Every event sent on `channel` so far. */
  of: <C extends EventChannel>(channel: C) => Array<EventMap[C]>;
}

describe('one camera-changed path', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => stopAllFakeCameras());

  /** Main's core in a fresh data folder, recording every event it sends to pages. */
  async function startCore(): Promise<Core> {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-core-changes-'));
    const events: Core['events'] = [];
    const waiters = new Set<() => void>();
    const core = createVigilCore({
      dataDir,
      tempRoot: join(dataDir, 'streams'),
      secrets: createMemorySecretStore(),
      ffmpeg: () =>
        probeFfmpeg({ env: { FFMPEG_BIN: process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg' } }),
      broadcast: (channel, payload) => {
        events.push({ channel, payload });
        for (const waiter of waiters) waiter();
      },
    });
    cleanups.push(async () => {
      await core.shutdown();
      await rm(dataDir, { recursive: true, force: true });
    });
    await core.init();
    const of = <C extends EventChannel>(channel: C) =>
      events.filter((e) => e.channel === channel).map((e) => e.payload as EventMap[C]);
    const next = <C extends EventChannel>(
      channel: C,
      match: (payload: EventMap[C]) => boolean,
      timeoutMs = LIVE_WITHIN,
    ) =>
      new Promise<EventMap[C]>((resolve, reject) => {
        const check = () => {
          const found = of(channel).find(match);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching ${channel} event in ${String(timeoutMs)} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    return { core, events, next, of };
  }

  const streamIn = (cameraId: string, state: StreamState) => (info: StreamInfo) =>
    info.cameraId === cameraId && info.state === state;

  it.runIf(gst)(
    'an edit of a streaming camera’s address and credentials: the running session asks the new address with the new credentials, its viewers kept',
    async () => {
      const { core, next, of } = await startCore();
      const first = await startFakeCamera({ audio: 'none' });
      // The new address records what it is asked and wants a login.
      const second: ScriptServer = await startScriptServer('127.0.0.1', (request): ScriptAnswer => {
        if (request.method === 'OPTIONS')
          return { status: 200, headers: { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY' } };
        if (request.headers.authorization === undefined)
          return {
            status: 401,
            reason: 'Unauthorized',
            headers: { 'WWW-Authenticate': 'Digest realm="moved", nonce="5e1f0a"' },
          };
        return { status: 404, reason: 'Not Found' };
      });
      cleanups.push(() => second.close());
      const camera = await core.registry.add({
        name: 'Porch',
        source: { kind: 'rtsp', url: first.url },
      });
      await core.streams.start(camera.id, { viewer: 'w1', durationSec: 120 });
      await core.streams.start(camera.id, { viewer: 'w2', durationSec: 120 });
      const live = await next('stream:state', streamIn(camera.id, 'live'));
      const seen = of('stream:state').length;

      await core.registry.update(camera.id, {
        name: 'Porch',
        source: { kind: 'rtsp', url: `${second.origin}/moved` },
        username: 'new-user',
        password: 'new-password',
      });
      await expect
        .poll(
          () =>
            second.requests.some(
              (r) =>
                r.method === 'DESCRIBE' &&
                /username="new-user"/.test(r.headers.authorization ?? ''),
            ),
          { timeout: LIVE_WITHIN, interval: 50 },
        )
        .toBe(true);
      expect(second.requests.find((r) => r.method === 'DESCRIBE')?.uri).toContain('/moved');
      // The same session, both windows still on it.
      const after = of('stream:state')
        .slice(seen)
        .filter((i) => i.cameraId === camera.id);
      expect(after.length).toBeGreaterThan(0);
      for (const info of after) {
        expect(info.sessionId).toBe(live.sessionId);
        expect(info.viewers).toBe(2);
      }
    },
  );

  it.runIf(gst)(
    'an edit of the address forgets the cached picture and takes one of the new address; a rename keeps it',
    async () => {
      const { core } = await startCore();
      const first = await startFakeCamera({ audio: 'none', size: '640x360' });
      const second = await startFakeCamera({ audio: 'none', size: '320x240' });
      const camera = await core.registry.add({
        name: 'Yard',
        source: { kind: 'rtsp', url: first.url },
      });
      const before = await core.snapshots.take(camera.id);
      expect(core.snapshots.cached(camera.id)).toBe(before);

      await core.registry.update(camera.id, {
        name: 'Back yard',
        source: { kind: 'rtsp', url: first.url },
      });
      expect(core.snapshots.cached(camera.id)).toBe(before);

      await core.registry.update(camera.id, {
        name: 'Back yard',
        source: { kind: 'rtsp', url: second.url },
      });
      expect(core.snapshots.cached(camera.id)).toBeUndefined();
      // The picture the dashboard showed is replaced by one of the new address.
      await expect
        .poll(() => core.snapshots.cached(camera.id), { timeout: LIVE_WITHIN, interval: 100 })
        .toBeDefined();
      const after = core.snapshots.cached(camera.id);
      expect(after?.dataUrl).not.toBe(before.dataUrl);
      expect(after?.takenAt).toBeGreaterThan(before.takenAt);
    },
  );

  it.runIf(gst)(
    'a live window whose camera refused the password while the page loaded: the page’s first start gets that refusal, not a second login attempt',
    async () => {
      const { core, next, of } = await startCore();
      const camera = await startFakeCamera({ audio: 'none', user: 'admin', password: 'right' });
      const saved = await core.registry.add({
        name: 'Side gate',
        source: { kind: 'rtsp', url: camera.url },
        username: 'admin',
        password: 'wrong',
      });
      const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
      const ipcMain = {
        handle: (
          channel: string,
          listener: (event: InvokeEventLike, ...args: unknown[]) => unknown,
        ) => void handlers.set(channel, listener),
        removeHandler: (channel: string) => void handlers.delete(channel),
      };
      const router = createIpcRouter({ ipcMain, isTrustedSender: () => true });
      const port = {
        openLive: () => undefined,
        openWall: () => undefined,
        openDashboard: () => undefined,
        close: () => undefined,
        savePng: () => Promise.resolve({ path: null }),
      };
      core.register(
        router,
        port,
        { writeText: () => undefined },
        { showItemInFolder: () => undefined },
      );
      const startFromPage = (senderId: number) =>
        handlers.get('streams:start')?.(
          { sender: { id: senderId }, senderFrame: { url: 'app://x' } },
          saved.id,
        ) as Promise<{ ok: boolean; value: StreamInfo }>;

      // The window opens (main starts the stream); the camera refuses before the page asks.
      core.startForWindow(saved.id, 'window:7');
      const refused = await next(
        'stream:state',
        (i) => i.cameraId === saved.id && i.state === 'failed',
      );
      expect(refused.failure?.reason).toBe('unauthorized');
      // Each session is one login attempt (a refusal is never retried within a session).
      const sessions = () =>
        new Set(
          of('stream:state')
            .filter((i) => i.cameraId === saved.id)
            .map((i) => i.sessionId),
        );
      const answer = await startFromPage(7);
      expect(answer.ok).toBe(true);
      expect(answer.value).toMatchObject({ state: 'failed', sessionId: refused.sessionId });
      expect(core.streams.list()).toEqual([]);
      expect([...sessions()]).toEqual([refused.sessionId]);
      // A later start (Retry) asks the camera again.
      const again = await startFromPage(7);
      expect(again.value.state).toBe('starting');
      expect(again.value.sessionId).not.toBe(refused.sessionId);
      expect(sessions().size).toBe(2);
      await next(
        'stream:state',
        (i) => i.sessionId === again.value.sessionId && i.state === 'failed',
      );
    },
  );

  it('removing a streaming camera ends its stream', async () => {
    const { core, next } = await startCore();
    // A test pattern the user added as a camera of their own: a real entry, streamed by ffmpeg.
    const camera = await core.registry.add({ name: 'Pattern', source: { kind: 'demo' } });
    await core.streams.start(camera.id, { viewer: 'w1' });
    await next('stream:state', streamIn(camera.id, 'live'));
    await core.registry.remove(camera.id);
    await next('stream:state', streamIn(camera.id, 'ended'));
    expect(core.streams.list().filter((i) => i.cameraId === camera.id)).toEqual([]);
  });

  it('a saved password or address sends camera:sourceChanged for that camera only; a rename or another camera’s add sends none', async () => {
    const { core, of } = await startCore();
    const port = await freePort();
    const gate = await core.registry.add({
      name: 'Gate',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(port)}/cam` },
      username: 'admin',
      password: 'wrong',
    });
    await core.registry.add({ name: 'Porch', source: { kind: 'demo' } });
    await core.registry.update(gate.id, {
      name: 'Front gate',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(port)}/cam` },
      username: 'admin',
    });
    expect(of('camera:sourceChanged')).toEqual([]);
    await core.registry.update(gate.id, {
      name: 'Front gate',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(port)}/cam` },
      username: 'admin',
      password: 'right',
    });
    expect(of('camera:sourceChanged')).toEqual([{ cameraId: gate.id }]);
    await core.registry.update(gate.id, {
      name: 'Front gate',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(port)}/other` },
      username: 'admin',
    });
    expect(of('camera:sourceChanged')).toEqual([{ cameraId: gate.id }, { cameraId: gate.id }]);
  });

  it('a status check of the old address that answers after an edit is not published', async () => {
    const { core, of, next } = await startCore();
    // The old address answers, slowly: it would say "online".
    const slow = await startScriptServer('127.0.0.1', () => ({ status: 200, delayMs: 1_500 }));
    cleanups.push(() => slow.close());
    const camera = await core.registry.add({
      name: 'Gate',
      source: { kind: 'rtsp', url: `${slow.origin}/cam` },
    });
    const oldCheck = core.monitor.checkNow(camera.id);
    await expect.poll(() => slow.requests.length, { timeout: 5_000, interval: 10 }).toBe(1);
    // The new address refuses: "offline".
    await core.registry.update(camera.id, {
      name: 'Gate',
      source: { kind: 'rtsp', url: `rtsp://127.0.0.1:${String(await freePort())}/cam` },
    });
    await next('camera:status', (s) => s.cameraId === camera.id && s.state === 'offline', 5_000);
    // Once the old address has answered, nothing it said reaches the pages.
    expect(await oldCheck).toMatchObject({ state: 'offline' });
    const states = of('camera:status')
      .filter((s: CameraStatus) => s.cameraId === camera.id)
      .map((s) => s.state);
    expect(states).not.toContain('online');
    expect(core.monitor.get(camera.id)?.state).toBe('offline');
  });

  it('adding the first camera hides the demo camera, says so, and leaves a demo stream playing', async () => {
    const { core, next, of } = await startCore();
    expect(core.registry.list().map((c) => c.id)).toEqual(['demo']);
    await core.streams.start('demo', { viewer: 'w1' });
    const live = await next('stream:state', streamIn('demo', 'live'));

    const camera = await core.registry.add({
      name: 'Front door',
      source: { kind: 'rtsp', url: 'rtsp://127.0.0.1:9/cam' },
    });
    const demo: DemoCameraState = await next('cameras:demoChanged', () => true);
    expect(demo).toEqual({ mode: 'auto', notice: true });
    const list = await next('cameras:changed', (cameras) =>
      cameras.some((c) => c.id === camera.id),
    );
    expect(list.map((c) => c.id)).toEqual([camera.id]);
    // The demo session is untouched: nothing but its own progress since it went live.
    const demoEvents = of('stream:state').filter((i) => i.cameraId === 'demo');
    expect(demoEvents.map((i) => i.state)).not.toContain('stopping');
    expect(demoEvents.map((i) => i.state)).not.toContain('ended');
    expect(core.streams.list()).toContainEqual(
      expect.objectContaining({ cameraId: 'demo', sessionId: live.sessionId, state: 'live' }),
    );

    // Shown again on request, with the cameras; the notice is settled.
    await core.registry.setDemo({ show: true });
    expect(core.registry.list().map((c) => c.id)).toEqual([camera.id, 'demo']);
    expect(of('cameras:demoChanged').at(-1)).toEqual({ mode: 'shown', notice: false });
  }, 30_000);
});
