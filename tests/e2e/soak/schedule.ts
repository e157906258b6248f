/** The soak's seeded plan: which camera fails when and how, and how long windows stay open. */

/** A small seeded generator (mulberry32): the same seed gives the same run plan. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number of milliseconds drawn evenly from [min, max]. */
export function between(random: () => number, [min, max]: readonly [number, number]): number {
  return Math.round(min + random() * (max - min));
}

export type FaultKind = 'restart' | 'freeze';

export interface PlannedFault {
  kind: FaultKind;
  /** Milliseconds after the run started. */
  at: number;
  /** Index of the camera it hits. */
  camera: number;
  /** Restart: how long the camera stays dead. Freeze: how long it stays frozen. */
  downMs: number;
}

export interface FaultPlanOptions {
  seed: number;
  durationMs: number;
  cameras: number;
  restartEveryMs: number;
  freezeEveryMs: number;
  outageMs: readonly [number, number];
  freezeMs: readonly [number, number];
  /** A camera's window is opened this long before its fault (see runner). */
  leadMs: number;
  /** Time kept free after a camera returns, for its recovery to be measured alone. */
  settleMs: number;
}

/**
 * Restarts every `restartEveryMs` and freezes every `freezeEveryMs`, each in the middle of its
 * period (so they never start together), on cameras drawn from the seed. A camera is never
 * hit while an earlier fault of its own is still in its lead, outage or recovery, and no
 * fault starts so late that its camera would return after the run's end.
 */
export function planFaults(options: FaultPlanOptions): PlannedFault[] {
  const random = seededRandom(options.seed ^ 0x5eed);
  const times: Array<{ kind: FaultKind; at: number }> = [];
  const every = (kind: FaultKind, period: number) => {
    for (let at = period / 2; at < options.durationMs; at += period) times.push({ kind, at });
  };
  every('restart', options.restartEveryMs);
  every('freeze', options.freezeEveryMs);
  times.sort((a, b) => a.at - b.at);

  const faults: PlannedFault[] = [];
  const busyUntil = Array.from({ length: options.cameras }, () => -Infinity);
  for (const { kind, at } of times) {
    const downMs = between(random, kind === 'restart' ? options.outageMs : options.freezeMs);
    if (at + downMs > options.durationMs) continue;
    const free = busyUntil.flatMap((until, camera) =>
      until <= at - options.leadMs ? [camera] : [],
    );
    const camera = free[Math.floor(random() * free.length)];
    if (camera === undefined)
      throw new Error(`soak plan: no camera free for the ${kind} at ${String(at)} ms`);
    busyUntil[camera] = at + downMs + options.settleMs;
    faults.push({ kind, at, camera, downMs });
  }
  return faults;
}
