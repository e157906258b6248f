// Issue 11 §2, "Warm cameras": the camera option (validation, storage, the IPC shape) and the
// pure parts of the streaming side (the pipe-only arguments, LiveHub readiness, the deadline
// of a warm session's first viewer, what follows a warm session's end).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { invokeSchemas } from '../../src/main/ipc/schemas';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { CameraRegistry } from '../../src/main/services/cameras/camera-registry';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { buildFfmpegArgs, LIVE_FD } from '../../src/main/services/streaming/ffmpeg-args';
import { Fmp4LiveSplitter, type LivePiece } from '../../src/main/services/streaming/fmp4-live';
import { LiveHub } from '../../src/main/services/streaming/live-hub';
import { StreamDeadline } from '../../src/main/services/streaming/stream-deadline';
import { keepReadyRefusal, warmNext } from '../../src/main/services/streaming/warm-cameras';
import { DEFAULT_CAMERA_OPTIONS } from '../../src/shared/cameras';
import { liveFmp4 } from '../helpers/live-fmp4';

const BATTERY_REFUSAL = /Battery cameras cannot be kept ready: .*drain the battery/;
const DEMO_REFUSAL = /demo camera cannot be kept ready: .*not a camera connection/;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function registryIn(dir?: string) {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'vigil-warm-'));
  if (!dir) dirs.push(folder);
  const registry = new CameraRegistry({
    file: new CameraFile(join(folder, 'cameras.json')),
    secrets: createMemorySecretStore(),
    emit: () => undefined,
  });
  await registry.load();
  return { registry, file: join(folder, 'cameras.json'), folder };
}

const rtspInput = (options: Record<string, unknown>) => ({
  name: 'Porch',
  source: { kind: 'rtsp' as const, url: 'rtsp://10.0.0.5:554/stream1' },
  options,
});

describe('the keepReady camera option', () => {
  it('defaults to false, and a mains camera stores it and reads it back after a restart', async () => {
    expect(DEFAULT_CAMERA_OPTIONS.keepReady).toBe(false);
    const { registry, folder } = await registryIn();
    const plain = await registry.add(rtspInput({}));
    expect(plain.options.keepReady).toBe(false);
    const kept = await registry.update(plain.id, rtspInput({ keepReady: true }));
    expect(kept.options.keepReady).toBe(true);
    const again = await registryIn(folder);
    expect(again.registry.get(plain.id)?.options.keepReady).toBe(true);
  });

  it('refuses keepReady on a battery camera, whichever was set first, and saves nothing', async () => {
    const { registry, file } = await registryIn();
    await expect(registry.add(rtspInput({ battery: true, keepReady: true }))).rejects.toThrow(
      BATTERY_REFUSAL,
    );
    expect(registry.list().filter((c) => !c.builtIn)).toEqual([]);
    const battery = await registry.add(rtspInput({ battery: true }));
    const saved = readFileSync(file, 'utf8');
    await expect(registry.update(battery.id, rtspInput({ keepReady: true }))).rejects.toThrow(
      BATTERY_REFUSAL,
    );
    expect(readFileSync(file, 'utf8')).toBe(saved);
    const mains = await registry.add(rtspInput({ keepReady: true }));
    await expect(registry.update(mains.id, rtspInput({ battery: true }))).rejects.toThrow(
      BATTERY_REFUSAL,
    );
    expect(registry.get(battery.id)?.options).toMatchObject({ battery: true, keepReady: false });
    expect(registry.get(mains.id)?.options).toMatchObject({ battery: false, keepReady: true });
  });

  it('refuses keepReady on a demo-source camera', async () => {
    const { registry } = await registryIn();
    await expect(
      registry.add({ name: 'Demo', source: { kind: 'demo' }, options: { keepReady: true } }),
    ).rejects.toThrow(DEMO_REFUSAL);
    expect(registry.list().filter((c) => !c.builtIn)).toEqual([]);
  });

  it('reads a camera stored before the option existed as not kept ready', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vigil-warm-'));
    dirs.push(folder);
    const old = {
      id: 'c1',
      name: 'Old',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.5:554/s' },
      options: { transport: 'tcp', durationSec: 60, battery: false, audio: true },
      username: null,
      passwordCipher: null,
    };
    writeFileSync(join(folder, 'cameras.json'), JSON.stringify({ version: 1, cameras: [old] }));
    const { registry } = await registryIn(folder);
    expect(registry.get('c1')?.options.keepReady).toBe(false);
    expect(registry.list().find((c) => c.id === 'c1')?.options.keepReady).toBe(false);
  });

  it('reaches main through the camera edit IPC (the schema takes it, and only a boolean)', () => {
    const edit = (keepReady: unknown) =>
      invokeSchemas['cameras:update'].safeParse([
        'c1',
        { name: 'Porch', source: { kind: 'demo' }, options: { keepReady } },
      ]).success;
    expect(edit(true)).toBe(true);
    expect(edit('yes')).toBe(false);
    const start = (files: unknown) =>
      invokeSchemas['streams:start'].safeParse(['c1', { files }]).success;
    expect(start(true)).toBe(true);
    expect(start(1)).toBe(false);
  });
});

describe('which sources can be kept ready', () => {
  it('the demo and battery cameras are refused with the message; a mains camera is not', () => {
    expect(keepReadyRefusal({ kind: 'demo' })?.message).toMatch(DEMO_REFUSAL);
    expect(keepReadyRefusal({ kind: 'rtsp', url: 'rtsp://h/s', wake: true })?.message).toMatch(
      BATTERY_REFUSAL,
    );
    expect(keepReadyRefusal({ kind: 'rtsp', url: 'rtsp://h/s' })).toBeNull();
  });
});

describe('what follows the end of a kept-ready camera’s session', () => {
  const facts = { wanted: true, closed: false, failed: false, transcodes: false };
  it('a new warm session at once after a normal end, after a pause after a failure', () => {
    expect(warmNext(facts)).toBe('now');
    expect(warmNext({ ...facts, failed: true })).toBe('later');
  });
  it('none for a camera that must be transcoded (blocked), nor when not wanted or quitting', () => {
    expect(warmNext({ ...facts, transcodes: true })).toBe('block');
    expect(warmNext({ ...facts, wanted: false })).toBe('none');
    expect(warmNext({ ...facts, closed: true, failed: true })).toBe('none');
  });
});

describe('a run without HLS files', () => {
  const base = {
    source: { kind: 'rtsp' as const, url: 'rtsp://10.0.0.5:554/s' },
    outDir: '/tmp/vigil-test/s',
    socketTimeoutMs: 3000,
    inputList: '/tmp/vigil-test/s/input.ffconcat',
    liveOutput: true,
  };
  it('has the low-latency output alone: no HLS muxer, no path in the session folder but its input', () => {
    const args = buildFfmpegArgs({ ...base, hlsFiles: false });
    expect(args).not.toContain('hls');
    expect(args.filter((a) => a.startsWith(base.outDir))).toEqual([base.inputList]);
    expect(args.at(-1)).toBe(`pipe:${String(LIVE_FD)}`);
    expect(args.filter((a) => a === '-map' || a === '0:v:0')).toEqual(['-map', '0:v:0', '-map']);
    // With files: both outputs, as before.
    const both = buildFfmpegArgs(base);
    expect(both).toContain('hls');
    expect(both.at(-1)).toBe(`pipe:${String(LIVE_FD)}`);
  });
  it('is refused where there is no low-latency output (transcoded video, the demo)', () => {
    expect(() => buildFfmpegArgs({ ...base, knownCodec: 'mjpeg', hlsFiles: false })).toThrow(
      /needs the low-latency output/,
    );
    expect(() =>
      buildFfmpegArgs({
        source: { kind: 'demo' },
        outDir: '/x',
        socketTimeoutMs: 1,
        hlsFiles: false,
      }),
    ).toThrow(/needs the low-latency output/);
  });
});

describe('LiveHub readiness (what makes a run without files live)', () => {
  let pieces: LivePiece[];
  beforeAll(async () => {
    pieces = new Fmp4LiveSplitter().push(await liveFmp4({ fragmenting: 'duration-1' }));
  }, 60_000);

  it('is ready once the init and a video keyframe fragment came, and not after a new run or the end', () => {
    const hub = new LiveHub();
    const [init, ...frags] = pieces;
    const firstKey = frags.findIndex((p) => p.kind === 'fragment' && p.keyframe);
    if (!init || firstKey < 0) throw new Error('fixture without init or keyframe');
    expect(hub.ready).toBe(false);
    hub.write(init.data);
    expect(hub.ready).toBe(false);
    // Fragments before the first keyframe (audio, or none) do not make it ready.
    for (const p of frags.slice(0, firstKey)) hub.write(p.data);
    expect(hub.ready).toBe(false);
    hub.write((frags[firstKey] as LivePiece).data);
    expect(hub.ready).toBe(true);
    hub.newRun();
    expect(hub.ready).toBe(false);
    // A keyframe without the run's init (the new run's bytes start with it) is not enough.
    hub.write(init.data);
    hub.write((frags[firstKey] as LivePiece).data);
    expect(hub.ready).toBe(true);
    hub.end();
    expect(hub.ready).toBe(false);
  });
});

describe('a warm session’s deadline', () => {
  it('has none until a viewer joins; the viewer’s time counts from the join', () => {
    vi.useFakeTimers();
    try {
      let now = 1_000_000;
      const due = vi.fn();
      const deadline = new StreamDeadline(0, () => now, due);
      deadline.startCounting();
      expect(deadline.at).toBeNull();
      now += 120_000; // two minutes warm, nobody watching
      vi.advanceTimersByTime(120_000);
      deadline.restart(60, true);
      expect(deadline.at).toBe(now + 60_000);
      vi.advanceTimersByTime(59_999);
      expect(due).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(due).toHaveBeenCalledTimes(1);
      // Joined before the first picture: counted from it, as for any session.
      const early = new StreamDeadline(0, () => now, due);
      early.restart(30, false);
      expect(early.at).toBeNull();
      early.startCounting();
      expect(early.at).toBe(now + 30_000);
      early.clear();
    } finally {
      vi.useRealTimers();
    }
  });
});
