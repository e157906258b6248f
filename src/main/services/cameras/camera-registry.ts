import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  DEFAULT_CAMERA_OPTIONS,
  DEMO_CAMERA_ID,
  type Camera,
  type CameraInput,
  type RemovedCamera,
  type CameraOptions,
  type CameraSource,
  type DemoCameraChange,
  type DemoCameraState,
} from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import type { StreamVariant } from '../../../shared/streams';
import type { SourceResolver, StreamSource } from '../streaming/source';
import { SerialRunner } from '../async/serial-queue';
import type { CameraFile, StoredCamera } from './camera-file';
import { toDto } from './camera-dto';
import { checkedEntry, cleanName, mergeOptions } from './camera-input';
import { copyableUrl } from './copy-url';
import {
  pinsFor,
  readInputSource,
  snapshotPlanOf,
  streamSourceOf,
  subStreamUrlOf,
  streamUrlOf,
  type InspectOnvif,
} from './camera-source';
import { CameraStore } from './camera-store';
import { DEMO_CAMERA, noSubStream } from './demo-camera';
import { DemoSetting } from './demo-setting';
import { inspectOnvif } from './onvif-client';
import { withoutUserinfo } from './rtsp-url';
import type { SecretStore } from './secret-store';
import type { SnapshotPlan } from './snapshot-service';
import type { StatusTarget } from './status-monitor';
import { certificateChanged } from './tls-pin';

export { BATTERY_START_TIMEOUT_MS } from './camera-source';

/** What one change to the list was, for the services that follow the cameras. */
export type CameraChange =
  | { kind: 'added'; id: string; /** The list had no camera before. */ first: boolean }
  | {
      kind: 'updated';
      id: string;
      /** What is streamed or photographed changed (address, credentials, profile, options). */
      sourceChanged: boolean;
    }
  | { kind: 'removed'; id: string }
  | { kind: 'certificate-pinned'; id: string }
  | { kind: 'demo' };

export interface CameraRegistryOptions {
  file: CameraFile;
  secrets: SecretStore;
  /** Receives the whole list (as renderers may see it) and what changed, after every change. */
  emit: (cameras: Camera[], change: CameraChange) => void;
  inspect?: InspectOnvif;
  newId?: () => string;
  /** The demo camera's setting; default in memory: listed while there are no cameras. */
  demo?: DemoSetting;
  /** How long a removed camera can be restored (Undo); default UNDO_REMOVE_MS. */
  undoMs?: number;
  now?: () => number;
}

/** How long Undo can bring a removed camera back: the dashboard's toast shows this long. */
export const UNDO_REMOVE_MS = 8_000;

/** A removed camera as it was stored (its password cipher too), and where it stood. */
interface Removal {
  camera: StoredCamera;
  index: number;
  timer: NodeJS.Timeout;
}

/** An add or edit read and checked (the device already asked), waiting for its write. */
interface Draft {
  name: string;
  source: CameraSource;
  username: string | null;
  /** undefined keeps the stored password, as it is when the draft is written. */
  password: string | null | undefined;
  options: Partial<CameraOptions> | undefined;
}

const DEMO_TARGET: StatusTarget = { id: DEMO_CAMERA_ID, battery: false, probeUrl: null };

function targetOf(camera: StoredCamera): StatusTarget {
  const { source } = camera;
  const url =
    source.kind === 'demo'
      ? null
      : (streamUrlOf(source) ?? (source.kind === 'onvif' ? source.streamUrl : source.url));
  return {
    id: camera.id,
    battery: camera.options.battery,
    // A probe carries no credentials, not even ones an old entry kept in its URL.
    probeUrl: url === null ? null : withoutUserinfo(url),
  };
}

/**
 * The user's cameras: list, add, update, remove, and an event after each change. Entries are
 * checked before they are saved; passwords live only in the store's secret store and never
 * reach renderers. Also the stream service's source resolver.
 *
 * An ONVIF add or edit asks the device (up to its 8 s deadline) before it queues its write,
 * so a slow device never holds up changes to other cameras. What the edit does not set (the
 * kept password, pinned certificates, options it leaves alone) is read when it is written; an
 * edit overtaken by a later edit of the same camera is refused rather than written over it.
 */
export class CameraRegistry implements SourceResolver {
  private cameras: StoredCamera[] = [];
  private readonly store: CameraStore;
  private readonly writes = new SerialRunner();
  private readonly inspect: InspectOnvif;
  private readonly newId: () => string;
  private readonly demo: DemoSetting;
  /** Edits are numbered as they are asked for; per camera, the number of the one last saved. */
  private edits = 0;
  private readonly savedEdit = new Map<string, number>();
  /**
   * Removed cameras Undo can still restore, kept here in main: the entry keeps its password
   * cipher, so a restore needs no password from a renderer (none ever holds one).
   */
  private readonly removals = new Map<string, Removal>();

  constructor(private readonly opts: CameraRegistryOptions) {
    this.store = new CameraStore(opts.file, opts.secrets);
    this.inspect = opts.inspect ?? inspectOnvif;
    this.newId = opts.newId ?? randomUUID;
    this.demo = opts.demo ?? new DemoSetting();
  }

  /** Loads the file; returns warnings for the user (a restored backup, a damaged file). */
  async load(): Promise<string[]> {
    const [{ cameras, warnings }, demoWarnings] = await Promise.all([
      this.store.load(),
      this.demo.load(),
    ]);
    this.cameras = cameras;
    return [...warnings, ...demoWarnings];
  }

  /** Every camera, without secrets; the demo camera last, while the demo setting lists it. */
  list(): Camera[] {
    const cameras = this.cameras.map(toDto);
    return this.demo.listed(cameras.length) ? [...cameras, DEMO_CAMERA] : cameras;
  }

  /** One camera; the demo camera is always known (it may be hidden, and still streaming). */
  get(id: string): Camera | undefined {
    const camera = this.cameras.find((c) => c.id === id);
    if (camera) return toDto(camera);
    return id === DEMO_CAMERA_ID ? DEMO_CAMERA : undefined;
  }

  async add(input: CameraInput): Promise<Camera> {
    const draft = await this.prepare(input, undefined);
    return this.writes.run(async () => {
      const first = this.cameras.length === 0;
      const camera = this.entry(this.newId(), draft, undefined);
      const list = [...this.cameras, camera];
      await this.store.save(list);
      this.cameras = list;
      if (first) await this.demo.firstCameraAdded();
      this.announce({ kind: 'added', id: camera.id, first });
      return toDto(camera);
    });
  }

  async update(id: string, input: CameraInput): Promise<Camera> {
    const edit = ++this.edits;
    const draft = await this.prepare(input, this.stored(id));
    return this.writes.run(async () => {
      const current = this.stored(id);
      if ((this.savedEdit.get(id) ?? 0) > edit) {
        throw new UserFacingError(
          'camera-changed',
          `A newer change to “${current.name}” was saved while Vigil was asking the camera for its stream addresses, so this older edit was not applied. Open the camera again to see its settings.`,
        );
      }
      const camera = this.entry(id, draft, current);
      const sourceChanged = !this.samePicture(current, camera);
      const list = this.cameras.map((c) => (c.id === id ? camera : c));
      await this.store.save(list);
      this.cameras = list;
      this.savedEdit.set(id, edit);
      this.announce({ kind: 'updated', id, sourceChanged });
      return toDto(camera);
    });
  }

  /** Removes the camera now; for `undoMs` it can be restored as it was (see undoRemove). */
  remove(id: string): Promise<RemovedCamera> {
    return this.writes.run(async () => {
      const camera = this.stored(id);
      const index = this.cameras.indexOf(camera);
      const list = this.cameras.filter((c) => c.id !== id);
      await this.store.save(list);
      this.cameras = list;
      this.savedEdit.delete(id);
      const undoMs = this.opts.undoMs ?? UNDO_REMOVE_MS;
      const timer = setTimeout(() => this.removals.delete(id), undoMs);
      // A pending Undo never keeps the process (or a test run) alive.
      timer.unref();
      this.removals.set(id, { camera, index, timer });
      this.announce({ kind: 'removed', id });
      return {
        cameraId: id,
        name: toDto(camera).name,
        undoUntil: (this.opts.now ?? Date.now)() + undoMs,
      };
    });
  }

  /** Puts a camera removed moments ago back where it was, password and pins included. */
  undoRemove(id: string): Promise<Camera> {
    return this.writes.run(async () => {
      const removal = this.removals.get(id);
      if (!removal) {
        throw new UserFacingError(
          'undo-expired',
          'It is too late to undo that removal. Add the camera again from the dashboard.',
        );
      }
      const list = [...this.cameras];
      list.splice(Math.min(removal.index, list.length), 0, removal.camera);
      await this.store.save(list);
      clearTimeout(removal.timer);
      this.removals.delete(id);
      this.cameras = list;
      // Not the user's "first camera": the demo notice is for a camera they added.
      this.announce({ kind: 'added', id, first: false });
      return toDto(removal.camera);
    });
  }

  /** The camera's stream URL to copy: without credentials, or with them (see copyableUrl). */
  copyUrl(id: string, withPassword: boolean): string {
    const source = this.resolve(id);
    if (source.kind === 'demo') {
      throw new UserFacingError(
        'no-rtsp-url',
        'The demo camera is built into Vigil and has no RTSP address to copy.',
      );
    }
    return copyableUrl(source, withPassword);
  }

  /** The demo camera's setting, and whether the user has yet to hear it was hidden. */
  demoState(): DemoCameraState {
    return this.demo.get();
  }

  /** Shows or hides the demo camera (a running demo stream is not touched), or ends the notice. */
  async setDemo(change: DemoCameraChange): Promise<DemoCameraState> {
    const state = await this.demo.set(change);
    this.announce({ kind: 'demo' });
    return state;
  }

  /** Source resolver for the stream service: the camera's main or sub stream, with its login. */
  resolve(cameraId: string, variant: StreamVariant = 'main'): StreamSource {
    const camera = this.cameras.find((c) => c.id === cameraId);
    if (!camera) {
      if (cameraId !== DEMO_CAMERA_ID) throw this.unknown();
      if (variant === 'sub') throw noSubStream();
      return { kind: 'demo' };
    }
    return streamSourceOf(camera, this.store.password(camera), variant);
  }

  /** How to take a still picture of the camera. */
  snapshotPlan(cameraId: string): SnapshotPlan {
    const stream = this.resolve(cameraId);
    const camera = this.cameras.find((c) => c.id === cameraId);
    return camera ? snapshotPlanOf(camera, stream) : { http: null, stream };
  }

  /**
   * Remembers an HTTPS endpoint's certificate the first time it is seen (trust on first
   * use); a pin once stored is never replaced here (remove and re-add the camera instead).
   */
  pinCertificate(cameraId: string, endpoint: string, sha256: string): Promise<void> {
    return this.writes.run(async () => {
      const camera = this.stored(cameraId);
      const pins = camera.tlsPins ?? [];
      const known = pins.find((p) => p.endpoint === endpoint);
      if (known && known.sha256 !== sha256)
        throw certificateChanged(endpoint, known.sha256, sha256);
      if (known) return;
      const pinned = { ...camera, tlsPins: [...pins, { endpoint, sha256 }] };
      const list = this.cameras.map((c) => (c.id === cameraId ? pinned : c));
      await this.store.save(list);
      this.cameras = list;
      this.announce({ kind: 'certificate-pinned', id: cameraId });
    });
  }

  /** What the status monitor checks for each listed camera. */
  statusTargets(): StatusTarget[] {
    const targets = this.cameras.map(targetOf);
    return this.demo.listed(targets.length) ? [...targets, DEMO_TARGET] : targets;
  }

  /** What the status monitor checks for one camera now; undefined once it is gone. */
  statusTarget(id: string): StatusTarget | undefined {
    const camera = this.cameras.find((c) => c.id === id);
    if (camera) return targetOf(camera);
    return id === DEMO_CAMERA_ID && this.demo.listed(this.cameras.length) ? DEMO_TARGET : undefined;
  }

  /** The default live duration the user chose for this camera. */
  durationSec(cameraId: string): number {
    return this.get(cameraId)?.options.durationSec ?? DEFAULT_CAMERA_OPTIONS.durationSec;
  }

  private announce(change: CameraChange): void {
    this.opts.emit(this.list(), change);
  }

  private stored(id: string): StoredCamera {
    const camera = this.cameras.find((c) => c.id === id);
    if (!camera) throw this.unknown();
    return camera;
  }

  private unknown(): UserFacingError {
    return new UserFacingError(
      'camera-not-found',
      'This camera is no longer in your list. Add it again from the dashboard.',
    );
  }

  /** Reads and checks the input, and asks an ONVIF device for its URIs. Writes nothing. */
  private async prepare(input: CameraInput, existing: StoredCamera | undefined): Promise<Draft> {
    const name = cleanName(input.name);
    // Checked now too, so a bad duration never waits for a device to answer.
    mergeOptions(existing?.options ?? DEFAULT_CAMERA_OPTIONS, input.options);
    let username = input.username?.trim() || null;
    // undefined keeps the stored password, '' removes it, anything else replaces it.
    let password = input.password === undefined ? undefined : input.password || null;
    const login = {
      username,
      password:
        password === undefined
          ? existing
            ? (this.store.password(existing) ?? null)
            : null
          : password,
    };
    const read = await readInputSource(input.source, login, this.inspect);
    if (read.source.kind === 'demo') {
      username = null;
      password = null;
    } else if (read.source.kind === 'rtsp') {
      username = username ?? read.username ?? null;
      if (input.password === undefined && read.password) password = read.password;
    }
    return { name, source: read.source, username, password, options: input.options };
  }

  /** The entry a draft makes, over the camera as it is now (`current`), checked. */
  private entry(id: string, draft: Draft, current: StoredCamera | undefined): StoredCamera {
    const password =
      draft.password === undefined
        ? current
          ? (this.store.password(current) ?? null)
          : null
        : draft.password;
    // An edit keeps the certificate pinned for the camera's snapshot endpoint, if it stays.
    const pins = pinsFor(current?.tlsPins, draft.source);
    return checkedEntry({
      id,
      name: draft.name,
      source: draft.source,
      options: mergeOptions(current?.options ?? DEFAULT_CAMERA_OPTIONS, draft.options),
      username: draft.username,
      passwordCipher: password ? this.store.encrypt(password) : null,
      ...(pins.length ? { tlsPins: pins } : {}),
    });
  }

  /** True when both entries stream and photograph the same thing the same way. */
  private samePicture(before: StoredCamera, after: StoredCamera): boolean {
    const plan = (camera: StoredCamera): SnapshotPlan | null => {
      try {
        return snapshotPlanOf(camera, streamSourceOf(camera, this.store.password(camera)));
      } catch {
        return null;
      }
    };
    const a = plan(before);
    const b = plan(after);
    // A new sub stream address restarts a running sub stream too.
    const sameSub = subStreamUrlOf(before.source) === subStreamUrlOf(after.source);
    return a !== null && b !== null && isDeepStrictEqual(a, b) && sameSub;
  }
}
