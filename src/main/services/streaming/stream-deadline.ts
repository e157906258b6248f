import { MAX_STREAM_DURATION_SEC } from '../../../shared/streams';

/**
 * One session's time limit, kept in main: counted from its first picture (seconds of
 * picture, not of connecting), grown by joining viewers and by extend, and calling `onDue`
 * when it runs out. A duration of 0 means no limit.
 */
export class StreamDeadline {
  /** Base duration plus extensions; null = no limit. */
  private durationMs: number | null;
  private liveAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    durationSec: number,
    private readonly now: () => number,
    private readonly onDue: () => void,
  ) {
    this.durationMs = durationSec === 0 ? null : durationSec * 1000;
  }

  /** Epoch ms when the session ends; null before the first picture and without a limit. */
  get at(): number | null {
    if (this.durationMs === null || this.liveAt === null) return null;
    return this.liveAt + this.durationMs;
  }

  /** The session's length in seconds (start duration plus extensions); null = no limit. */
  get limitSec(): number | null {
    return this.durationMs === null ? null : this.durationMs / 1000;
  }

  /** The first picture arrived: the countdown starts (later calls change nothing). */
  startCounting(): void {
    if (this.liveAt !== null) return;
    this.liveAt = this.now();
    this.arm();
  }

  /** A joining viewer gets at least the time it asked for, counted from now; never less. */
  grant(durationSec: number): void {
    if (this.durationMs === null) return;
    this.durationMs =
      durationSec === 0 ? null : Math.max(this.durationMs, this.elapsedMs() + durationSec * 1000);
    this.arm();
  }

  /**
   * Counts anew from now (or from the first picture, when not `live` yet) with this duration:
   * the first viewer of a session that ran without one (a kept-ready camera) gets its whole
   * time from when it joined.
   */
  restart(durationSec: number, live: boolean): void {
    this.durationMs = durationSec === 0 ? null : durationSec * 1000;
    this.liveAt = live ? this.now() : null;
    this.arm();
  }

  /** Adds time, keeping what remains within MAX_STREAM_DURATION_SEC. */
  extend(seconds: number): void {
    if (this.durationMs === null) return;
    const cap = this.elapsedMs() + MAX_STREAM_DURATION_SEC * 1000;
    this.durationMs = Math.min(this.durationMs + seconds * 1000, cap);
    this.arm();
  }

  /** Stops counting (the session ended). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private elapsedMs(): number {
    return this.liveAt === null ? 0 : this.now() - this.liveAt;
  }

  private arm(): void {
    this.clear();
    const at = this.at;
    if (at === null) return;
    this.timer = setTimeout(this.onDue, Math.max(0, at - this.now()));
  }
}
