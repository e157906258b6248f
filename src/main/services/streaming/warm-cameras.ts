/**
 * Kept-ready ("warm") cameras: which cameras main keeps connected without a viewer, and what
 * happens when one's session ends. The stream service owns the sessions; this decides when it
 * launches a warm one. A warm session copies the video to the low-latency output alone (no
 * files), so a viewer who joins starts from the cached keyframe at once (LiveHub).
 */
import { KEEP_READY_BATTERY_MESSAGE, KEEP_READY_DEMO_MESSAGE } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import type { StreamEndReason } from '../../../shared/streams';
import type { StreamSource } from './source';
import type { Entry } from './stream-entry';

/** Why a source cannot be kept ready; null when it can. */
export function keepReadyRefusal(source: StreamSource): UserFacingError | null {
  if (source.kind === 'demo')
    return new UserFacingError('keep-ready-demo', KEEP_READY_DEMO_MESSAGE);
  // A battery camera's source wakes it first (camera-source.ts sets `wake` from the option).
  if (source.wake) return new UserFacingError('keep-ready-battery', KEEP_READY_BATTERY_MESSAGE);
  return null;
}

/** What follows the end of a kept-ready camera's session. */
export type WarmNext = 'none' | 'now' | 'later' | 'block';

/**
 * After a camera's session ended: nothing (not kept ready, or quitting); a warm session now (it
 * ended normally: its last viewer left, its deadline, a Stop); one after a pause (it failed:
 * a camera that is down is tried every so often, never in a loop); or none until the camera
 * changes (its video must be transcoded, which gives no low-latency output).
 */
export function warmNext(facts: {
  wanted: boolean;
  closed: boolean;
  failed: boolean;
  transcodes: boolean;
}): WarmNext {
  if (!facts.wanted || facts.closed) return 'none';
  if (facts.transcodes) return 'block';
  return facts.failed ? 'later' : 'now';
}

/** What the warm cameras need of the stream service. */
export interface WarmPort {
  /** Runs `task` in the camera's queue (with its starts, stops and changes). */
  queue<T>(cameraId: string, task: () => Promise<T> | T): Promise<T>;
  /** The camera's main-stream entry, if any. */
  entry(cameraId: string): Entry | undefined;
  /** Launches a warm session: no viewer, no deadline, no files. Called in the camera's queue. */
  launchWarm(cameraId: string): Promise<unknown>;
  stopEntry(entry: Entry, reason: StreamEndReason): Promise<void>;
  /** Tells the pages the entry's state again (its `warm` flag changed). */
  publish(entry: Entry): void;
  resolve(cameraId: string): Promise<StreamSource>;
  /** True once the app quits: nothing launches any more. */
  closed(): boolean;
  retryMs: number;
  log: (line: string) => void;
}

/** The stream service's kept-ready cameras (main streams only). */
export class WarmCameras {
  private readonly wanted = new Set<string>();
  /** Cameras whose video must be transcoded: no warm session until they change or are set again. */
  private readonly blocked = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  /** Each camera's latest setKeepReady call: an older one still validating gives way. */
  private readonly asks = new Map<string, number>();

  constructor(private readonly port: WarmPort) {}

  /** Whether the camera is kept ready. */
  isWarm(cameraId: string): boolean {
    return this.wanted.has(cameraId);
  }

  /**
   * Keeps the camera ready or lets it go. On: refused (UserFacingError) for the demo and battery
   * cameras; launches a warm session when none runs. Off: a warm session without viewers or
   * keepers stops; a watched one only loses the flag. Setting what is already set changes
   * nothing (a camera found to need transcoding stays without a warm session).
   */
  set(cameraId: string, on: boolean): Promise<void> {
    const ask = (this.asks.get(cameraId) ?? 0) + 1;
    this.asks.set(cameraId, ask);
    if (!on) {
      this.clearRetry(cameraId);
      this.blocked.delete(cameraId);
      if (!this.wanted.delete(cameraId)) return Promise.resolve();
      return this.port.queue(cameraId, async () => {
        const entry = this.port.entry(cameraId);
        if (!entry || entry.session.stopping) return;
        if (entry.viewers.size === 0 && entry.keepers.size === 0) {
          this.port.log(`camera ${cameraId}: no longer kept ready, stopping its warm session`);
          await this.port.stopEntry(entry, 'stopped');
        } else this.port.publish(entry);
      });
    }
    if (this.wanted.has(cameraId)) return this.ensure(cameraId);
    return this.port.queue(cameraId, async () => {
      const refusal = keepReadyRefusal(await this.port.resolve(cameraId));
      if (refusal) throw refusal;
      // Turned off (or on again) while the camera was looked up: the later call decides.
      if (this.asks.get(cameraId) !== ask || this.port.closed()) return;
      this.wanted.add(cameraId);
      this.blocked.delete(cameraId);
      const entry = this.port.entry(cameraId);
      if (entry) this.port.publish(entry);
      else await this.launchIfWanted(cameraId);
    });
  }

  /** A camera session ended (its entry is gone): what keeping it ready asks for now. */
  sessionEnded(entry: Entry): void {
    if (entry.variant !== 'main') return;
    const id = entry.cameraId;
    const next = warmNext({
      wanted: this.wanted.has(id),
      closed: this.port.closed(),
      failed: entry.session.phase === 'failed',
      transcodes: entry.session.transcodes,
    });
    if (next === 'block') {
      this.blocked.add(id);
      this.port.log(
        `camera ${id}: not kept ready: its video must be transcoded for the pages, which gives no low-latency output (a warm session would only spend CPU); tried again when the camera changes or “Keep ready” is set again`,
      );
    } else if (next === 'later') {
      this.port.log(
        `camera ${id}: its session failed; the next warm session in ${String(this.port.retryMs)} ms`,
      );
      this.retryLater(id);
    } else if (next === 'now') void this.ensure(id);
  }

  /** The camera's settings changed: one found to need transcoding is tried again. */
  cameraChanged(cameraId: string): void {
    if (this.blocked.delete(cameraId)) void this.ensure(cameraId);
  }

  /** What the pages play changed: cameras found to need transcoding are tried again. */
  playableChanged(): void {
    for (const id of [...this.blocked]) this.cameraChanged(id);
  }

  /** Quit: no relaunch is pending any more. */
  close(): void {
    for (const id of [...this.retries.keys()]) this.clearRetry(id);
  }

  /** Launches the camera's warm session, queued, unless it has a session or must not. */
  private ensure(cameraId: string): Promise<void> {
    return this.port.queue(cameraId, () => this.launchIfWanted(cameraId));
  }

  private async launchIfWanted(cameraId: string): Promise<void> {
    if (this.port.closed() || !this.wanted.has(cameraId) || this.blocked.has(cameraId)) return;
    // A running session is this camera's ready one; one going down launches the next as it ends.
    if (this.port.entry(cameraId)) return;
    this.clearRetry(cameraId);
    try {
      await this.port.launchWarm(cameraId);
    } catch (error) {
      if (this.port.closed()) return;
      this.port.log(
        `camera ${cameraId}: warm session could not start (${error instanceof Error ? error.message : String(error)}); trying again in ${String(this.port.retryMs)} ms`,
      );
      this.retryLater(cameraId);
    }
  }

  private retryLater(cameraId: string): void {
    this.clearRetry(cameraId);
    const timer = setTimeout(() => {
      this.retries.delete(cameraId);
      void this.ensure(cameraId);
    }, this.port.retryMs);
    // A pending retry never keeps the process (or a test run) alive.
    timer.unref();
    this.retries.set(cameraId, timer);
  }

  private clearRetry(cameraId: string): void {
    const timer = this.retries.get(cameraId);
    if (timer) clearTimeout(timer);
    this.retries.delete(cameraId);
  }
}
