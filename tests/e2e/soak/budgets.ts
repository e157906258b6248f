/** The soak's budgets and settings, and the one judge of a result against them. */
import type { Budgets, SoakOptions, SoakResult } from './types';

type Settings = Omit<SoakOptions, 'seed' | 'log'>;

/**
 * `npm run soak`: 4 cameras for 30 minutes, one restarted every 2 minutes (1–3 s down, as the
 * issue's "restarted 3 s later"), one frozen every 5 minutes (7–12 s: past the 5 s stall
 * watchdog, so main notices), windows opened for 20 s–3 min and closed for 5–60 s.
 * Streams last 10 minutes (the camera's own setting), longer than any window stays open.
 */
export const SOAK_SETTINGS: Settings = {
  durationMs: 30 * 60_000,
  cameras: 4,
  size: '640x360',
  restartEveryMs: 120_000,
  freezeEveryMs: 300_000,
  outageMs: [1_000, 3_000],
  freezeMs: [7_000, 12_000],
  openMs: [20_000, 180_000],
  closedMs: [5_000, 60_000],
  faultLeadMs: 15_000,
  streamDurationSec: 600,
  sampleEveryMs: 60_000,
  leakCheckEveryMs: 30_000,
  warmupMs: 120_000,
};

/** The budgets: recovery within 5 s of the camera's return, RSS growth under 10 %. */
export const SOAK_BUDGETS: Budgets = { recoveryMs: 5_000, rssGrowthPct: 10, idleFdGrowth: 0 };

/**
 * The 60 s version's: no leak and no fd either, the same window back by itself, but 10 s for
 * it. Inside `npm test` the machine runs other suites at once; measured there (load average
 * 15–18 on 2 cores) recoveries took up to 7.3 s, 1.3–2.9 s at a load of 5–7. The soak keeps
 * the 5 s, and reconnect.e2e.test.ts the 3 s a killed camera's window has. A minute
 * says nothing about RSS growth.
 */
export const SHORT_BUDGETS: Budgets = { recoveryMs: 10_000, rssGrowthPct: null, idleFdGrowth: 0 };

/**
 * The 60 s version in `npm test`: the same runner, faults 3× as often (restarts at 10, 30 and
 * 50 s, freezes at 15 and 45 s), shorter windows. Leak checks 15 s apart: a frame grab may
 * take up to its 12 s timeout, and a leak is what two checks in a row find.
 */
export const SHORT_SETTINGS: Settings = {
  durationMs: 60_000,
  cameras: 4,
  size: '640x360',
  restartEveryMs: 20_000,
  freezeEveryMs: 30_000,
  outageMs: [1_000, 3_000],
  freezeMs: [6_000, 8_000],
  openMs: [8_000, 25_000],
  closedMs: [2_000, 8_000],
  faultLeadMs: 8_000,
  streamDurationSec: 600,
  sampleEveryMs: 10_000,
  leakCheckEveryMs: 15_000,
  warmupMs: 20_000,
};

/** RSS of main from the first sample after warm-up to the last one. */
export function rssGrowth(result: SoakResult): { warm: number; end: number; pct: number } | null {
  const warm = result.samples.find((s) => s.atMs >= result.options.warmupMs);
  const end = result.samples.at(-1);
  if (!warm || !end || end === warm) return null;
  return { warm: warm.rss, end: end.rss, pct: ((end.rss - warm.rss) / warm.rss) * 100 };
}

/** Open fds over the run's samples. */
export function fdRange(result: SoakResult): { min: number; max: number; last: number } {
  const fds = result.samples.map((s) => s.fds);
  return { min: Math.min(...fds), max: Math.max(...fds), last: fds.at(-1) ?? 0 };
}

/** Every budget the result breaks, in words; empty when it keeps them all. */
export function judge(result: SoakResult, budgets: Budgets): string[] {
  const broken: string[] = [];
  for (const fault of result.faults) {
    const what = `${fault.kind} of ${fault.camera} at ${(fault.at / 1_000).toFixed(0)} s`;
    if (fault.problem) broken.push(`${what}: ${fault.problem}`);
    else if (fault.recoveryMs !== null && fault.recoveryMs > budgets.recoveryMs)
      broken.push(`${what}: playing again ${String(fault.recoveryMs)} ms after its return`);
  }
  if (result.leaks.ffmpeg.length)
    broken.push(`ffmpeg left running: ${result.leaks.ffmpeg.join(', ')}`);
  if (result.leaks.dirs.length) broken.push(`directories left: ${result.leaks.dirs.join(', ')}`);
  const { final } = result;
  if (final.ffmpeg.length || final.spawnedAlive.length)
    broken.push(
      `ffmpeg alive after every window closed: ${[...new Set([...final.ffmpeg, ...final.spawnedAlive])].join(', ')}`,
    );
  if (final.streamRoot.length)
    broken.push(`left in the stream root: ${final.streamRoot.join(', ')}`);
  if (final.sessions)
    broken.push(`${String(final.sessions)} sessions still open after every window closed`);
  const rss = rssGrowth(result);
  if (budgets.rssGrowthPct !== null) {
    if (!rss) broken.push('no RSS sample after the warm-up');
    else if (rss.pct >= budgets.rssGrowthPct)
      broken.push(
        `main's RSS grew ${rss.pct.toFixed(1)} % (budget < ${String(budgets.rssGrowthPct)} %)`,
      );
  }
  const fdGrowth = result.fds.idleEnd - result.fds.idleStart;
  if (fdGrowth > budgets.idleFdGrowth)
    broken.push(
      `open fds with no window: ${String(result.fds.idleStart)} → ${String(result.fds.idleEnd)} (added: ${result.fds.added.join(', ') || 'none by target'})`,
    );
  broken.push(...result.problems);
  return broken;
}
