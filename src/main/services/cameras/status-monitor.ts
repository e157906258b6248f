import type { CameraStatus } from '../../../shared/cameras';
import type { ProbeResult } from '../streaming/rtsp-probe';
import { SharedCalls } from '../async/shared-call';

/** What the monitor needs to know to check one camera. */
export interface StatusTarget {
  id: string;
  battery: boolean;
  /** RTSP URL to ask (no credentials); null for sources that are always there (demo). */
  probeUrl: string | null;
}

export interface StatusMonitorOptions {
  targets: () => StatusTarget[];
  /** One camera's target as it is now (default: looked up in `targets()`). */
  target?: (id: string) => StatusTarget | undefined;
  probe: (url: string) => Promise<ProbeResult>;
  emit: (status: CameraStatus) => void;
  intervalMs?: number;
  now?: () => number;
}

const CONCURRENCY = 8;

const keyOf = (target: StatusTarget): string =>
  `${target.battery ? 'battery' : 'mains'} ${target.probeUrl ?? ''}`;

/**
 * Checks every camera on an interval (and on demand) with a short RTSP OPTIONS, and
 * reports online / offline / asleep (a battery camera that does not answer) / checking, or
 * unauthorized: the check asks without credentials (any RTSP answer, 401 included, proves the
 * camera is up), so a refused password is learnt from what did use them, a stream or a
 * snapshot (noteRefused), and holds until they work (noteAccepted) or the camera is edited.
 */
export class CameraStatusMonitor {
  private readonly statuses = new Map<string, CameraStatus>();
  /** Keyed by camera and target: a check of an edited camera's new address never joins its old one. */
  private readonly inFlight = new SharedCalls<string, CameraStatus | undefined>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  /** What each camera was last checked as (probe URL, battery): a change means check again. */
  private readonly checkedAs = new Map<string, string>();
  /** The full pass running now, and whether another was asked for meanwhile. */
  private pass: Promise<CameraStatus[]> | null = null;
  private again = false;
  /** Cameras that refused their saved credentials, with the words for the user. */
  private readonly refused = new Map<string, string>();

  constructor(private readonly opts: StatusMonitorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Checks at once, then every interval (30 s by default). */
  start(): void {
    if (this.timer) return;
    void this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.opts.intervalMs ?? 30_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get(id: string): CameraStatus | undefined {
    return this.statuses.get(id);
  }

  all(): CameraStatus[] {
    const ids = new Set(this.opts.targets().map((t) => t.id));
    for (const id of this.statuses.keys()) if (!ids.has(id)) this.statuses.delete(id);
    return [...this.statuses.values()];
  }

  /**
   * Checks every camera, CONCURRENCY at a time in a sliding window (a slow camera holds up
   * one slot, not a batch). One full pass at a time: a call during a pass gets one more
   * pass after it, however many calls there were.
   */
  checkAll(): Promise<CameraStatus[]> {
    if (this.pass) {
      this.again = true;
      return this.pass;
    }
    this.pass = this.checkTargets(this.opts.targets()).finally(() => {
      this.pass = null;
      if (this.again) {
        this.again = false;
        void this.checkAll();
      }
    });
    return this.pass;
  }

  /** Checks only cameras that are new or whose address changed since their last check. */
  checkChanged(): Promise<CameraStatus[]> {
    const ids = new Set<string>();
    const changed = this.opts.targets().filter((t) => {
      ids.add(t.id);
      return this.checkedAs.get(t.id) !== keyOf(t);
    });
    for (const id of [...this.checkedAs.keys()]) if (!ids.has(id)) this.checkedAs.delete(id);
    return this.checkTargets(changed);
  }

  private async checkTargets(targets: StatusTarget[]): Promise<CameraStatus[]> {
    const results: CameraStatus[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length) {
        const target = targets[next++];
        const status = target ? await this.check(target) : undefined;
        if (status) results.push(status);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
    return results;
  }

  /** Checks one camera now; a check already running for it is shared. */
  checkNow(id: string): Promise<CameraStatus | undefined> {
    const target = this.current(id);
    return target ? this.check(target) : Promise.resolve(undefined);
  }

  /** A removed camera: its status and what it was checked as are dropped. */
  forget(id: string): void {
    this.statuses.delete(id);
    this.checkedAs.delete(id);
    this.refused.delete(id);
  }

  /**
   * The camera answered and refused its saved username or password (a stream or a snapshot
   * got 401/403): it is 'unauthorized' until they work or the camera is edited.
   */
  noteRefused(id: string, detail: string): void {
    if (!this.current(id)) return;
    this.refused.set(id, detail);
    const before = this.statuses.get(id);
    const at = this.now();
    this.update(
      {
        cameraId: id,
        state: 'unauthorized',
        lastSeen: at,
        checkedAt: at,
        detail,
        fault: 'unauthorized',
      },
      before,
    );
  }

  /** The saved credentials worked (a stream went live, a snapshot came): no longer refused. */
  noteAccepted(id: string): void {
    if (!this.refused.delete(id)) return;
    const before = this.statuses.get(id);
    if (before?.state !== 'unauthorized') return;
    const at = this.now();
    this.update(
      { cameraId: id, state: 'online', lastSeen: at, checkedAt: at, detail: null },
      before,
    );
  }

  /** The camera's credentials or address changed: what it refused before says nothing now. */
  credentialsChanged(id: string): void {
    this.refused.delete(id);
  }

  private current(id: string): StatusTarget | undefined {
    return this.opts.target ? this.opts.target(id) : this.opts.targets().find((t) => t.id === id);
  }

  private check(target: StatusTarget): Promise<CameraStatus | undefined> {
    const key = keyOf(target);
    return this.inFlight.run(`${target.id}\n${key}`, () => {
      this.checkedAs.set(target.id, key);
      return this.run(target);
    });
  }

  /** The camera's status at `target`: the check of it running or done, else a new one. */
  private statusAt(target: StatusTarget): Promise<CameraStatus | undefined> {
    const key = keyOf(target);
    const done = this.checkedAs.get(target.id) === key && this.statuses.has(target.id);
    if (done && !this.inFlight.has(`${target.id}\n${key}`))
      return Promise.resolve(this.statuses.get(target.id));
    return this.check(target);
  }

  private async run(target: StatusTarget): Promise<CameraStatus | undefined> {
    const previous = this.statuses.get(target.id);
    if (!previous)
      this.update({
        cameraId: target.id,
        state: 'checking',
        lastSeen: null,
        checkedAt: null,
        detail: null,
      });
    const result: ProbeResult = target.probeUrl
      ? await this.opts.probe(target.probeUrl)
      : { ok: true };
    // The camera was edited or removed while it was asked: this answer is about an address
    // it no longer has. It is not published; the check of its address now answers instead.
    const now = this.current(target.id);
    if (!now) return undefined;
    if (keyOf(now) !== keyOf(target)) return this.statusAt(now);
    const at = this.now();
    const before = this.statuses.get(target.id);
    const refusal = this.refused.get(target.id);
    const next: CameraStatus = result.ok
      ? refusal !== undefined
        ? {
            cameraId: target.id,
            state: 'unauthorized',
            lastSeen: at,
            checkedAt: at,
            detail: refusal,
            fault: 'unauthorized',
          }
        : { cameraId: target.id, state: 'online', lastSeen: at, checkedAt: at, detail: null }
      : {
          cameraId: target.id,
          state: target.battery ? 'asleep' : 'offline',
          lastSeen: before?.lastSeen ?? null,
          checkedAt: at,
          detail: target.battery ? 'Asleep: the camera wakes when you start it.' : result.detail,
          ...(target.battery ? {} : { fault: result.fault ?? null }),
        };
    this.update(next, before);
    return next;
  }

  private update(next: CameraStatus, before?: CameraStatus): void {
    this.statuses.set(next.cameraId, next);
    // Only changes are news; a steady camera does not wake every window every 30 s.
    if (before?.state !== next.state || before.detail !== next.detail) this.opts.emit(next);
  }
}
