import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSourceResolver } from '../../src/main/services/cameras/demo-camera';
import { probeFfmpeg, type FfmpegBinary } from '../../src/main/services/streaming/ffmpeg-binary';
import type { StreamSource } from '../../src/main/services/streaming/source';
import {
  StreamService,
  type StreamServiceOptions,
} from '../../src/main/services/streaming/stream-service';
import type { SpawnFn } from '../../src/main/services/streaming/process-guard';
import type { StreamInfo, StreamState } from '../../src/shared/streams';

/** True while a process with this PID exists and has not died (a zombie waiting to be reaped counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces, so read after ')'.
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface Harness {
  service: StreamService;
  tempRoot: string;
  /** Every event the service emitted, in order. */
  events: StreamInfo[];
  /** Every log line the service wrote. */
  logs: string[];
  /** PIDs of every ffmpeg the service spawned. */
  spawned: number[];
  /** Camera id → source, for the resolver (`<id>#sub` → its sub stream). */
  cameras: Map<string, StreamSource>;
  /** Resolves with the first event (past or future) for the camera in one of the states. */
  waitFor(
    cameraId: string,
    states: StreamState | StreamState[],
    timeoutMs?: number,
  ): Promise<StreamInfo>;
  /** Session directories currently in the temp root. */
  sessionDirs(): string[];
  /** Stops everything and removes the temp root. */
  dispose(): Promise<void>;
}

/** A real StreamService with real ffmpeg in a private temp root, recording what it does. */
export function createHarness(options: Partial<StreamServiceOptions> = {}): Harness {
  const tempRoot = mkdtempSync(join(tmpdir(), 'vigil-streams-test-'));
  const events: StreamInfo[] = [];
  const logs: string[] = [];
  const spawned: number[] = [];
  const cameras = new Map<string, StreamSource>();
  const waiters = new Set<(info: StreamInfo) => void>();
  const recordingSpawn: SpawnFn = (command, args, opts) => {
    const child = spawn(command, args, opts);
    if (child.pid) spawned.push(child.pid);
    return child;
  };
  const service = new StreamService({
    tempRoot,
    // A camera's sub stream is registered under `<id>#sub`.
    sources: createSourceResolver((id, variant) =>
      cameras.get(variant === 'sub' ? `${id}#sub` : id),
    ),
    ffmpeg: () =>
      probeFfmpeg({
        env: { ...process.env, FFMPEG_BIN: process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg' },
      }),
    spawn: recordingSpawn,
    emit: (info) => {
      events.push(info);
      for (const waiter of waiters) waiter(info);
    },
    log: (line) => logs.push(line),
    ...options,
  });

  function waitFor(cameraId: string, states: StreamState | StreamState[], timeoutMs = 15_000) {
    const wanted = Array.isArray(states) ? states : [states];
    const matches = (info: StreamInfo) => info.cameraId === cameraId && wanted.includes(info.state);
    const past = events.find(matches);
    if (past) return Promise.resolve(past);
    return new Promise<StreamInfo>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const seen = events.filter((e) => e.cameraId === cameraId).map((e) => e.state);
        reject(
          new Error(
            `${cameraId} did not reach ${wanted.join('|')} in ${String(timeoutMs)} ms (saw ${seen.join(' → ')}); ` +
              `service log:\n${logs.slice(-15).join('\n')}`,
          ),
        );
      }, timeoutMs);
      const waiter = (info: StreamInfo) => {
        if (!matches(info)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(info);
      };
      waiters.add(waiter);
    });
  }

  return {
    service,
    tempRoot,
    events,
    logs,
    spawned,
    cameras,
    waitFor,
    sessionDirs: () => (existsSync(tempRoot) ? readdirSync(tempRoot) : []),
    async dispose() {
      await service.stopAll();
      await rm(tempRoot, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` is true, re-checking on a short interval (for process exits we cannot subscribe to). */
export async function eventually(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what} not within ${String(timeoutMs)} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

/** A stand-in ffmpeg (tests/fixtures/stubborn-ffmpeg) as the stream service's binary. */
function standIn(file: string): () => Promise<FfmpegBinary> {
  const path = fileURLToPath(new URL(`../fixtures/stubborn-ffmpeg/${file}`, import.meta.url));
  return () => Promise.resolve({ path, origin: 'PATH', version: 'stub', filters: new Set() });
}

/** Goes "live" at once, then ignores 'q' and SIGTERM (only SIGKILL ends it). */
export const stubbornFfmpeg = standIn('stubborn-ffmpeg.mjs');
/** Never goes live, and ignores 'q' and SIGTERM. */
export const neverLiveFfmpeg = standIn('never-live-ffmpeg.mjs');
