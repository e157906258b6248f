/**
 * One session's low-latency fan-out: the fragmented MP4 of its ffmpeg runs, split into pieces
 * (fmp4-live.ts), sent to every viewer as one endless byte stream. A new viewer starts with the
 * init and the picture since the last keyframe (the GOP cache go2rtc #96 and MediaMTX #1209 ask
 * for), so it shows a picture at once instead of waiting up to a GOP.
 */
import { Fmp4LiveSplitter, type FragmentPiece, type InitPiece } from './fmp4-live';

export interface LiveHubOptions {
  /**
   * Unread bytes a viewer may have before its fragments are dropped until the next keyframe
   * (default 4 MB). What a viewer got on subscribing (the GOP cache) is not held against it.
   */
  maxViewerBytes?: number;
  /** Bytes of the GOP cache; past it the cache is dropped until the next keyframe (16 MB). */
  maxCacheBytes?: number;
  /** The largest box or fragment believed (fmp4-live.ts; default 32 MB). */
  maxBoxBytes?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_VIEWER_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * What a viewer waits for: the run's init (before the first one, and after `newRun`), then a
 * keyframe (a decoder cannot start elsewhere; also after falling behind), then everything.
 */
type ViewerState = 'init' | 'keyframe' | 'live';

interface Viewer {
  state: ViewerState;
  /** Pieces handed to the viewer and not yet read, and their bytes. */
  queue: Uint8Array[];
  queued: number;
  /** Of those, bytes of what it got on subscribing (the GOP cache), not held against it. */
  grace: number;
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Resolves the viewer's waiting read (pull) once something is queued. */
  wake: (() => void) | null;
}

/**
 * A session's fan-out. `write` takes ffmpeg's output as it comes; `newRun` forgets the last
 * run (viewers stay and get the next init in-band: the player treats it as a restart); `end`
 * closes every viewer's stream; `subscribe` gives a new viewer its stream (cancel = leave).
 */
export class LiveHub {
  private splitter: Fmp4LiveSplitter;
  private readonly viewerSet = new Set<Viewer>();
  private init: InitPiece | null = null;
  /** The fragments since the last video keyframe (empty: none seen yet, or over the cap). */
  private cache: FragmentPiece[] = [];
  private cacheBytes = 0;
  /** The run's init came, and a video keyframe fragment after it. */
  private keyframeSeen = false;
  private ended = false;
  private totalIn = 0;
  private totalDropped = 0;
  private lastAt: number | null = null;
  private readonly maxViewerBytes: number;
  private readonly maxCacheBytes: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LiveHubOptions = {}) {
    this.maxViewerBytes = options.maxViewerBytes ?? DEFAULT_MAX_VIEWER_BYTES;
    this.maxCacheBytes = options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.splitter = this.newSplitter();
  }

  /** Viewers subscribed now. */
  get viewers(): number {
    return this.viewerSet.size;
  }

  /** Bytes held by the GOP cache. */
  get cachedBytes(): number {
    return this.cacheBytes;
  }

  /** Bytes written since the hub was made (every run). */
  get bytesIn(): number {
    return this.totalIn;
  }

  /** Fragments not sent to a viewer that fell behind (every viewer, every run). */
  get droppedFragments(): number {
    return this.totalDropped;
  }

  /**
   * The current run has sent its init and a keyframe fragment after it: a viewer subscribing
   * now starts with a picture (the cache may be empty again only past its cap). False after
   * `newRun` and `end`.
   */
  get ready(): boolean {
    return this.keyframeSeen;
  }

  /** When the last fragment arrived (the hub's clock); null before the first. */
  get lastFragmentAt(): number | null {
    return this.lastAt;
  }

  /**
   * Feeds ffmpeg's output. Throws Fmp4Error when the data is not fragmented MP4 (then, and
   * until `newRun`, every write throws: the run is broken). Writes after `end` are ignored.
   */
  write(chunk: Buffer): void {
    if (this.ended) return;
    this.totalIn += chunk.length;
    for (const piece of this.splitter.push(chunk)) {
      if (piece.kind === 'init') this.onInit(piece);
      else this.onFragment(piece);
    }
  }

  /**
   * A new ffmpeg run starts: the old init and cache are forgotten (a viewer joining now waits
   * for the new ones). Viewers stay; the new init reaches them in-band and they wait for its
   * first keyframe, as after any init.
   */
  newRun(): void {
    this.splitter = this.newSplitter();
    this.init = null;
    this.keyframeSeen = false;
    this.dropCache();
  }

  /** The session is over: each viewer gets what it was sent, then its stream closes. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.init = null;
    this.keyframeSeen = false;
    this.dropCache();
    for (const viewer of [...this.viewerSet]) {
      this.viewerSet.delete(viewer);
      for (const data of viewer.queue.splice(0)) viewer.controller.enqueue(data);
      viewer.queued = 0;
      viewer.grace = 0;
      viewer.controller.close();
      viewer.wake?.();
    }
  }

  /**
   * A new viewer's stream: the current init, the GOP cache, then live fragments. Before the
   * run's first init and keyframe it waits. Cancelling it (the window closed) unsubscribes.
   * After `end` the stream is empty and closed.
   */
  subscribe(): ReadableStream<Uint8Array> {
    let viewer: Viewer | null = null;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          if (this.ended) {
            controller.close();
            return;
          }
          viewer = {
            state: 'init',
            queue: [],
            queued: 0,
            grace: 0,
            controller,
            wake: null,
          };
          this.viewerSet.add(viewer);
          if (!this.init) return;
          this.send(viewer, this.init.data);
          viewer.state = 'keyframe';
          // The cache starts at a keyframe: the viewer is live at once. The cache is bounded by
          // maxCacheBytes and shared with the hub, so it is not held against the viewer's bound.
          for (const fragment of this.cache) this.send(viewer, fragment.data);
          if (this.cache.length > 0) viewer.state = 'live';
          viewer.grace = viewer.queued;
        },
        // highWaterMark 0: a read asks for one piece, so what is unread stays in our queue,
        // where the bound sees it.
        pull: () => {
          const v = viewer;
          if (!v || !this.viewerSet.has(v)) return;
          const next = v.queue.shift();
          if (next) {
            v.queued -= next.length;
            // The queue is read in order: the subscribe-time pieces go first.
            v.grace = Math.max(0, v.grace - next.length);
            v.controller.enqueue(next);
            return;
          }
          return new Promise<void>((resolve) => (v.wake = resolve));
        },
        cancel: () => {
          if (viewer) this.leave(viewer);
        },
      },
      { highWaterMark: 0 },
    );
  }

  private newSplitter(): Fmp4LiveSplitter {
    return new Fmp4LiveSplitter(
      this.options.maxBoxBytes !== undefined ? { maxBytes: this.options.maxBoxBytes } : {},
    );
  }

  private onInit(init: InitPiece): void {
    this.init = init;
    this.keyframeSeen = false;
    this.dropCache();
    for (const viewer of this.viewerSet) {
      this.send(viewer, init.data);
      viewer.state = 'keyframe';
    }
  }

  private onFragment(fragment: FragmentPiece): void {
    this.lastAt = this.now();
    if (fragment.keyframe && this.init) this.keyframeSeen = true;
    this.cacheFragment(fragment);
    for (const viewer of this.viewerSet) {
      if (viewer.state === 'init') continue;
      if (viewer.state === 'keyframe' && !fragment.keyframe) continue;
      // An empty queue always takes one fragment, so a keyframe larger than the bound still
      // gets through to a viewer that keeps up.
      const unread = viewer.queued - viewer.grace;
      if (unread > 0 && unread + fragment.data.length > this.maxViewerBytes) {
        if (viewer.state === 'live')
          this.log(
            `live: a viewer fell behind (${String(unread)} bytes unread); ` +
              'dropping its fragments until the next keyframe',
          );
        viewer.state = 'keyframe';
        this.totalDropped++;
        continue;
      }
      viewer.state = 'live';
      this.send(viewer, fragment.data);
    }
  }

  private cacheFragment(fragment: FragmentPiece): void {
    if (fragment.keyframe) this.dropCache();
    else if (this.cache.length === 0) return;
    this.cache.push(fragment);
    this.cacheBytes += fragment.data.length;
    if (this.cacheBytes > this.maxCacheBytes) {
      this.log(
        `live: no keyframe within ${String(this.maxCacheBytes)} bytes; ` +
          'new viewers wait for the next one',
      );
      this.dropCache();
    }
  }

  private dropCache(): void {
    this.cache = [];
    this.cacheBytes = 0;
  }

  private send(viewer: Viewer, data: Buffer): void {
    const wake = viewer.wake;
    if (wake && viewer.queue.length === 0) {
      // A read is waiting: hand the piece over at once.
      viewer.wake = null;
      viewer.controller.enqueue(data);
      wake();
      return;
    }
    viewer.queue.push(data);
    viewer.queued += data.length;
  }

  private leave(viewer: Viewer): void {
    this.viewerSet.delete(viewer);
    viewer.queue = [];
    viewer.queued = 0;
    viewer.grace = 0;
    viewer.wake?.();
    viewer.wake = null;
  }
}
