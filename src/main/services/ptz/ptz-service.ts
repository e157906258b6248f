import { UserFacingError } from '../../../shared/errors';
import {
  PTZ_DEAD_MAN_MS,
  type PtzCapabilities,
  type PtzPreset,
  type PtzVelocity,
} from '../../../shared/ptz';
import { SerialQueue } from '../async/serial-queue';

/** One camera's pan/tilt/zoom as the service drives it (ONVIF in the app, fakes in tests). */
export interface PtzDevice {
  /** Starts (or changes) a continuous move; the device stops by itself after `timeoutMs`. */
  continuousMove(velocity: PtzVelocity, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  presets(): Promise<PtzPreset[]>;
  gotoPreset(token: string): Promise<void>;
  savePreset(name: string): Promise<PtzPreset>;
  close(): void;
}

export interface PtzServiceOptions {
  /** The camera's PTZ, connected; null when it cannot move (not ONVIF, or no PTZ). */
  connect: (cameraId: string) => Promise<PtzDevice | null>;
  log?: (line: string) => void;
  /** Stop when no move (or repeat of one) came for this long. Default PTZ_DEAD_MAN_MS. */
  deadManMs?: number;
  /** The Timeout sent with each ContinuousMove: the device's own dead man. Default 2 s. */
  deviceTimeoutMs?: number;
  /** A held move is sent again once this old, so the device's Timeout never ends it. */
  refreshMs?: number;
  now?: () => number;
}

/** Where one camera's motion stands: what the window holds, and what the device was told. */
interface Motion {
  desired: PtzVelocity | null;
  sent: PtzVelocity | null;
  sentAt: number;
  deadMan: NodeJS.Timeout | null;
}

/** A camera's connect as it went out, and the answer every caller shares. */
interface DeviceEntry {
  connecting: Promise<PtzDevice | null>;
  shared: Promise<PtzDevice | null>;
}

const DEVICE_TIMEOUT_MS = 2_000;
const REFRESH_MS = 1_000;

const still = (v: PtzVelocity): boolean => v.x === 0 && v.y === 0 && v.zoom === 0;
const same = (a: PtzVelocity, b: PtzVelocity): boolean =>
  a.x === b.x && a.y === b.y && a.zoom === b.zoom;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Pan, tilt, zoom and presets of the cameras that have them. A move always ends: the window
 * sends Stop on release (and on blur, close, pointer cancel); while a move is held the window
 * repeats it, and when the repeats stop for `deadManMs` (a crashed or frozen window) this
 * service sends Stop itself; and every ContinuousMove carries a Timeout, so even a Vigil that
 * dies mid-move leaves the camera still a moment later. Commands to one camera go out one
 * at a time, in order: a Stop never overtakes the move it ends.
 */
export class PtzService {
  /** Per camera: the connect as it went out, and the device callers share. */
  private readonly devices = new Map<string, DeviceEntry>();
  private readonly motions = new Map<string, Motion>();
  private readonly queue = new SerialQueue<string>();
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly opts: PtzServiceOptions) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? Date.now;
  }

  /** Whether the camera can move; asks the device once, then remembers until forget(). */
  async capabilities(cameraId: string): Promise<PtzCapabilities> {
    return { supported: (await this.device(cameraId)) !== null };
  }

  /** Moves at `velocity` until stop(), or until no repeat came for `deadManMs`. */
  move(cameraId: string, velocity: PtzVelocity): Promise<void> {
    const motion = this.motion(cameraId);
    if (motion.deadMan) clearTimeout(motion.deadMan);
    motion.deadMan = null;
    if (still(velocity)) {
      motion.desired = null;
    } else {
      motion.desired = { ...velocity };
      motion.deadMan = setTimeout(() => {
        motion.deadMan = null;
        if (this.motions.get(cameraId) !== motion || motion.desired === null) return;
        this.log(`ptz ${cameraId}: no word from the window for ${this.deadManMs()} ms, stopping`);
        motion.desired = null;
        this.converge(cameraId).catch((error: unknown) => {
          this.log(`ptz ${cameraId}: stop after silence failed: ${errorText(error)}`);
        });
      }, this.deadManMs());
    }
    // A press released at once still moves the camera a little: this move goes out, then Stop.
    return this.converge(cameraId, motion.desired ?? undefined);
  }

  /** Ends the camera's move (sends Stop when a move was sent). */
  stop(cameraId: string): Promise<void> {
    const motion = this.motions.get(cameraId);
    if (!motion) return Promise.resolve();
    if (motion.deadMan) clearTimeout(motion.deadMan);
    motion.deadMan = null;
    motion.desired = null;
    return this.converge(cameraId);
  }

  async presets(cameraId: string): Promise<PtzPreset[]> {
    const device = await this.required(cameraId);
    return this.command(cameraId, () => device.presets());
  }

  async gotoPreset(cameraId: string, token: string): Promise<void> {
    const device = await this.required(cameraId);
    // Queued behind any move, so the camera is told to stop before it is sent elsewhere.
    await this.queue.run(cameraId, () => this.command(cameraId, () => device.gotoPreset(token)));
  }

  async savePreset(cameraId: string, name: string): Promise<PtzPreset> {
    const device = await this.required(cameraId);
    return this.queue.run(cameraId, () => this.command(cameraId, () => device.savePreset(name)));
  }

  /**
   * Forgets what is known about the camera (an edit, a removal): a move in progress is
   * stopped through the old connection, which is then closed; the next call asks again.
   */
  async forget(cameraId: string): Promise<void> {
    const motion = this.motions.get(cameraId);
    if (motion?.deadMan) clearTimeout(motion.deadMan);
    this.motions.delete(cameraId);
    const device = this.devices.get(cameraId);
    this.devices.delete(cameraId);
    if (!device) return;
    await this.queue
      .run(cameraId, async () => {
        // The connect itself, not the shared answer (which a forgotten connect hands on to
        // a fresh one): this closes exactly the connection that was forgotten.
        const connected = await device.connecting.catch(() => null);
        try {
          if (connected && motion?.sent) await connected.stop();
        } finally {
          connected?.close();
        }
      })
      .catch((error: unknown) => this.log(`ptz ${cameraId}: stop on forget: ${errorText(error)}`));
  }

  /** Stops every camera still moving and closes every connection (quit). */
  async shutdown(): Promise<void> {
    const ids = new Set([...this.devices.keys(), ...this.motions.keys()]);
    await Promise.all([...ids].map((id) => this.forget(id)));
  }

  /** True while the service holds a move for the camera (tests, diagnostics). */
  moving(cameraId: string): boolean {
    return (this.motions.get(cameraId)?.sent ?? null) !== null;
  }

  private deadManMs(): number {
    return this.opts.deadManMs ?? PTZ_DEAD_MAN_MS;
  }

  private motion(cameraId: string): Motion {
    let motion = this.motions.get(cameraId);
    if (!motion) {
      motion = { desired: null, sent: null, sentAt: 0, deadMan: null };
      this.motions.set(cameraId, motion);
    }
    return motion;
  }

  /**
   * Brings the device to what the window holds: Stop when nothing is held and a move was
   * sent; a ContinuousMove when the velocity changed or the last one is about to time out.
   * Queued per camera, so it always acts on the latest wish, in order.
   */
  private converge(cameraId: string, pressed?: PtzVelocity): Promise<void> {
    return this.queue.run(cameraId, async () => {
      const motion = this.motions.get(cameraId);
      if (!motion) return;
      const desired = pressed ?? motion.desired;
      const { sent } = motion;
      if (desired === null) {
        if (sent === null) return;
        motion.sent = null;
        const device = await this.required(cameraId);
        await this.command(cameraId, () => device.stop());
        return;
      }
      const refreshMs = this.opts.refreshMs ?? REFRESH_MS;
      if (sent && same(sent, desired) && this.now() - motion.sentAt < refreshMs) return;
      const device = await this.required(cameraId);
      // Marked before it goes out: should the answer be lost, release still sends Stop.
      motion.sent = desired;
      motion.sentAt = this.now();
      await this.command(cameraId, () =>
        device.continuousMove(desired, this.opts.deviceTimeoutMs ?? DEVICE_TIMEOUT_MS),
      );
    });
  }

  /** Runs a device call; a failure other than the device refusing it drops the connection. */
  private async command<T>(cameraId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof UserFacingError && error.code === 'ptz-refused')) {
        const device = this.devices.get(cameraId);
        this.devices.delete(cameraId);
        void device?.connecting.then((d) => d?.close()).catch(() => undefined);
      }
      throw error;
    }
  }

  private async required(cameraId: string): Promise<PtzDevice> {
    const device = await this.device(cameraId);
    if (!device) {
      throw new UserFacingError('ptz-unsupported', 'This camera cannot pan, tilt or zoom.');
    }
    return device;
  }

  /** The camera's connected PTZ, shared by every caller; a failed connect is not remembered. */
  private device(cameraId: string): Promise<PtzDevice | null> {
    const cached = this.devices.get(cameraId);
    if (cached) return cached.shared;
    const connecting = this.opts.connect(cameraId);
    const entry: DeviceEntry = {
      connecting,
      shared: connecting.then(
        (device) => {
          if (this.devices.get(cameraId) === entry) return device;
          // Forgotten while connecting (the camera was edited; forget() closes this one):
          // ask the camera as it is now.
          return this.device(cameraId);
        },
        (error: unknown) => {
          if (this.devices.get(cameraId) === entry) this.devices.delete(cameraId);
          throw error;
        },
      ),
    };
    this.devices.set(cameraId, entry);
    return entry.shared;
  }
}
