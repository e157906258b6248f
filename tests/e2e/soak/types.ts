/** The soak's options, results and budgets (shared by the runner, the report and the tests). */
import type { FaultKind } from './schedule';

export interface SoakOptions {
  durationMs: number;
  seed: number;
  cameras: number;
  /** Fake camera picture size, `WxH`. */
  size: string;
  restartEveryMs: number;
  freezeEveryMs: number;
  /** How long a restarted camera stays dead, drawn from [min, max]. */
  outageMs: readonly [number, number];
  /** How long a frozen camera stays frozen, drawn from [min, max]. */
  freezeMs: readonly [number, number];
  /** How long a window stays open, then closed, drawn from these ranges. */
  openMs: readonly [number, number];
  closedMs: readonly [number, number];
  /** A camera about to fail gets its window this long before, so there is playback to lose. */
  faultLeadMs: number;
  /** Per-camera stream duration (the camera's own setting; 60 s is the app's default). */
  streamDurationSec: number;
  /** RSS, fd and load samples. */
  sampleEveryMs: number;
  leakCheckEveryMs: number;
  /** RSS growth counts from the first sample at or after this. */
  warmupMs: number;
  log: (line: string) => void;
}

export interface Budgets {
  /** Camera back (restart done, or unfrozen) → its open window decodes frames again. */
  recoveryMs: number;
  /** Main's RSS growth from the warm-up sample to the end; null: not judged (short runs). */
  rssGrowthPct: number | null;
  /** Open fds with every window closed, end minus start. */
  idleFdGrowth: number;
}

export interface FaultResult {
  kind: FaultKind;
  camera: string;
  /** Milliseconds after the run started. */
  at: number;
  downMs: number;
  /** Camera back → frames decoded again in the same window; null: not within the wait. */
  recoveryMs: number | null;
  /** The longest pause between decoded frames from the fault to the recovery (proves it bit). */
  longestPauseMs: number;
  /** Main's view: fault → 'reconnecting', and why; camera back → 'live' again. */
  mainReconnectingAfterMs: number | null;
  mainReason: string | null;
  mainLiveAfterReturnMs: number | null;
  /** The window that played before the fault is the one that plays after it, never clicked. */
  samePage: boolean;
  problem: string | null;
}

export interface Sample {
  atMs: number;
  rss: number;
  heapUsed: number;
  fds: number;
  chromiumRss: number;
  windows: number;
  sessions: number;
  ffmpeg: number;
  load1: number;
}

export interface SoakResult {
  seed: number;
  options: Omit<SoakOptions, 'log'>;
  startedAt: string;
  ranMs: number;
  faults: FaultResult[];
  windows: { opened: number; closedByStop: number; closedByWindow: number; startupMs: number[] };
  samples: Sample[];
  /** Found at two leak checks in a row (30 s apart), or at the end. */
  leaks: { ffmpeg: string[]; dirs: string[]; checks: number };
  final: { ffmpeg: number[]; spawnedAlive: number[]; streamRoot: string[]; sessions: number };
  /** With every window closed, before and after the run; what the end has that the start had not. */
  fds: { idleStart: number; idleEnd: number; added: string[] };
  /** Everything else that went wrong (a window that never played, closed itself, stalled). */
  problems: string[];
  pageErrors: number;
  /** The distinct page errors (console errors, uncaught exceptions), the first few. */
  pageErrorSamples: string[];
}
