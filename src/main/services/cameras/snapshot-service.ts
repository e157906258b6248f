import type { CameraSnapshot } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import type { StreamSource } from '../streaming/source';
import { httpGet } from './http-digest';
import { endpointOf } from './tls-pin';
import { SharedCalls } from '../async/shared-call';

/** Where a camera's still picture comes from: its ONVIF snapshot URI, else one RTSP frame. */
export interface SnapshotPlan {
  http: {
    url: string;
    username?: string;
    password?: string;
    /** https: the certificate fingerprint pinned for this endpoint (none yet: first use). */
    pinnedSha256?: string;
  } | null;
  stream: StreamSource;
}

export interface SnapshotServiceOptions {
  plan: (cameraId: string) => Promise<SnapshotPlan>;
  /** One JPEG frame of the stream (the app: StreamService.grabFrame, guarded, ended at quit). */
  grab: (source: StreamSource) => Promise<Buffer>;
  /** Stores an https endpoint's certificate fingerprint with the camera (trust on first use). */
  pinCertificate?: (cameraId: string, endpoint: string, sha256: string) => Promise<void>;
  emit?: (snapshot: CameraSnapshot) => void;
  /** A picture could not be taken (e.g. the camera refused the password: the status says so). */
  onFailure?: (cameraId: string, error: unknown) => void;
  now?: () => number;
  log?: (line: string) => void;
}

function isJpeg(body: Buffer): boolean {
  return body.length > 3 && body[0] === 0xff && body[1] === 0xd8;
}

function isPng(body: Buffer): boolean {
  return body.length > 8 && body.readUInt32BE(0) === 0x89504e47;
}

/** Fetches and caches one still picture per camera; one fetch per camera at a time. */
export class SnapshotService {
  private readonly cache = new Map<string, CameraSnapshot>();
  private readonly inFlight = new SharedCalls<string, CameraSnapshot>();
  /** Bumped by forget(): a picture asked for before it is not kept, shared or announced. */
  private readonly generations = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: SnapshotServiceOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The last picture taken, if any (a live window's poster). */
  cached(cameraId: string): CameraSnapshot | undefined {
    return this.cache.get(cameraId);
  }

  /** The camera changed or went: its picture is stale, and so is one being taken now. */
  forget(cameraId: string): void {
    this.cache.delete(cameraId);
    this.generations.set(cameraId, (this.generations.get(cameraId) ?? 0) + 1);
  }

  /**
   * A picture made elsewhere (a live session's own frame) becomes the camera's picture: cached
   * and announced like a taken one. Not an empty or non-JPEG body.
   */
  publish(cameraId: string, jpeg: Buffer): CameraSnapshot | null {
    if (!isJpeg(jpeg)) return null;
    const snapshot: CameraSnapshot = {
      cameraId,
      dataUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}`,
      takenAt: this.now(),
    };
    this.cache.set(cameraId, snapshot);
    this.opts.emit?.(snapshot);
    return snapshot;
  }

  /** Takes a new picture; a request while one is being taken for the camera shares it. */
  take(cameraId: string): Promise<CameraSnapshot> {
    const generation = this.generations.get(cameraId) ?? 0;
    const taking = this.inFlight.run(`${cameraId}\n${String(generation)}`, () =>
      this.fetch(cameraId, generation),
    );
    const onFailure = this.opts.onFailure;
    if (onFailure) taking.catch((error: unknown) => onFailure(cameraId, error));
    return taking;
  }

  private async fetch(cameraId: string, generation: number): Promise<CameraSnapshot> {
    const plan = await this.opts.plan(cameraId);
    let image: { body: Buffer; type: string } | null = null;
    if (plan.http) {
      const { url, pinnedSha256 } = plan.http;
      const pin = this.opts.pinCertificate;
      try {
        const { status, body } = await httpGet(url, {
          ...(plan.http.username !== undefined ? { username: plan.http.username } : {}),
          ...(plan.http.password !== undefined ? { password: plan.http.password } : {}),
          timeoutMs: 5_000,
          tls: {
            ...(pinnedSha256 !== undefined ? { pinned: pinnedSha256 } : {}),
            ...(pin
              ? { onFirstUse: (sha256) => pin(cameraId, endpointOf(new URL(url)), sha256) }
              : {}),
          },
        });
        if (status === 200 && (isJpeg(body) || isPng(body))) {
          image = { body, type: isPng(body) ? 'image/png' : 'image/jpeg' };
        } else {
          this.opts.log?.(
            `snapshot ${cameraId}: HTTP snapshot gave status ${String(status)}; using a stream frame`,
          );
        }
      } catch (error) {
        // Never quietly fall back past a changed certificate: the user must hear of it.
        if (error instanceof UserFacingError && error.code === 'certificate-changed') throw error;
        this.opts.log?.(
          `snapshot ${cameraId}: HTTP snapshot failed (${error instanceof Error ? error.message : 'error'}); using a stream frame`,
        );
      }
    }
    if (!image) {
      const body = await this.opts.grab(plan.stream);
      image = { body, type: 'image/jpeg' };
    }
    if (image.body.length === 0)
      throw new UserFacingError('snapshot-empty', 'The camera sent an empty picture.');
    const snapshot: CameraSnapshot = {
      cameraId,
      dataUrl: `data:${image.type};base64,${image.body.toString('base64')}`,
      takenAt: this.now(),
    };
    // Taken of what the camera was before an edit: the caller gets a picture of it as it is.
    if ((this.generations.get(cameraId) ?? 0) !== generation) return this.take(cameraId);
    this.cache.set(cameraId, snapshot);
    this.opts.emit?.(snapshot);
    return snapshot;
  }
}
