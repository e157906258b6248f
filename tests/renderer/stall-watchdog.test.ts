import { describe, expect, it } from 'vitest';
import {
  createStallWatchdog,
  STALL_MS,
  type PlaybackSample,
  type WatchdogAction,
} from '../../src/renderer/src/live/stall-watchdog';

const base: Omit<PlaybackSample, 'now'> = {
  presented: 50,
  decoded: 50,
  hidden: false,
  paused: false,
};

/** Feeds one sample a second from `from` to `to` (inclusive) and returns the actions. */
function run(
  watchdog: ReturnType<typeof createStallWatchdog>,
  from: number,
  to: number,
  sample: (t: number) => Partial<PlaybackSample> = () => ({}),
): WatchdogAction[] {
  const actions: WatchdogAction[] = [];
  for (let t = from; t <= to; t += 1_000)
    actions.push(watchdog.check({ ...base, now: t, ...sample(t) }));
  return actions;
}

const after = (ms: number) => Math.floor(ms / 1_000) * 1_000 + 1_000;

describe('stall watchdog', () => {
  it('visible, nothing presented or decoded: reload after STALL_MS, stalled STALL_MS later', () => {
    const w = createStallWatchdog(0);
    expect(run(w, 0, 0)).toEqual(['none']);
    const first = run(w, 1_000, after(STALL_MS));
    expect(first.slice(0, -1).every((a) => a === 'none')).toBe(true);
    expect(first.at(-1)).toBe('reload');
    const second = run(w, after(STALL_MS) + 1_000, 2 * after(STALL_MS));
    expect(second.at(-1)).toBe('stalled');
    expect(second.filter((a) => a === 'reload')).toEqual([]);
  });

  it('hidden: never stalled, however long nothing moves', () => {
    const w = createStallWatchdog(0);
    expect(new Set(run(w, 0, 10 * STALL_MS, () => ({ hidden: true })))).toEqual(new Set(['none']));
  });

  it('back from hidden after sleeping timers: the clock starts at resume, not at the last tick', () => {
    const w = createStallWatchdog(0);
    run(w, 0, 2_000, () => ({ hidden: true }));
    // A hidden page's timers may not run for minutes; then it shows again.
    w.resume(600_000);
    expect(run(w, 601_000, 600_000 + STALL_MS)).toEqual(
      Array.from({ length: STALL_MS / 1_000 }, () => 'none'),
    );
    expect(run(w, 601_000 + STALL_MS, 601_000 + STALL_MS)).toEqual(['reload']);
  });

  it('decoded frames advancing while nothing is presented (an undrawn window): fine', () => {
    const w = createStallWatchdog(0);
    const actions = run(w, 0, 10 * STALL_MS, (t) => ({ decoded: 50 + t / 40 }));
    expect(new Set(actions)).toEqual(new Set(['none']));
  });

  it('the decoded count starting over after a reload is not progress, its growth is', () => {
    const w = createStallWatchdog(0);
    run(w, 0, after(STALL_MS) - 1_000);
    expect(w.check({ ...base, now: after(STALL_MS) })).toBe('reload');
    // The new MediaSource counts from 0.
    expect(w.check({ ...base, decoded: 0, now: after(STALL_MS) + 1_000 })).toBe('none');
    const back = run(w, after(STALL_MS) + 2_000, 4 * after(STALL_MS), (t) => ({ decoded: t }));
    expect(new Set(back)).toEqual(new Set(['none']));
  });

  it('progress after a reload re-arms it: the next stall reloads again', () => {
    const w = createStallWatchdog(0);
    expect(run(w, 0, after(STALL_MS)).at(-1)).toBe('reload');
    const t = after(STALL_MS) + 1_000;
    expect(w.check({ ...base, presented: 60, now: t })).toBe('none');
    expect(run(w, t + 1_000, t + after(STALL_MS), () => ({ presented: 60 })).at(-1)).toBe('reload');
  });

  it('before two frames, or while paused, it only waits', () => {
    const starting = createStallWatchdog(0);
    expect(new Set(run(starting, 0, 60_000, () => ({ presented: 1, decoded: null })))).toEqual(
      new Set(['none']),
    );
    const paused = createStallWatchdog(0);
    expect(new Set(run(paused, 0, 60_000, () => ({ paused: true })))).toEqual(new Set(['none']));
  });

  it('without a decoded count (no getVideoPlaybackQuality) presented frames alone decide', () => {
    const w = createStallWatchdog(0);
    expect(run(w, 0, after(STALL_MS), () => ({ decoded: null })).at(-1)).toBe('reload');
  });
});
