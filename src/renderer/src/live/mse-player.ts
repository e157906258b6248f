import { concatBytes, createPieceSplitter, parseInit, type Piece } from './fmp4-init';

/**
 * Why this path cannot play: no MediaSource, a codec the platform cannot decode, data the
 * SourceBuffer or the decoder refused, the request failed or ended, or bytes that are not
 * fragmented MP4.
 */
export type FallbackReason = 'no-mse' | 'codec' | 'append' | 'network' | 'parse';

export interface MsePlayerOptions {
  /**
   * Called once when this path cannot play (or the stream ended), while the element still
   * shows its last picture; the player lets go of the element right after.
   */
  onFallback(reason: FallbackReason, detail: string): void;
  /** A new init segment arrived (the camera reconnected): playback started over from it. */
  onRestart?(): void;
}

export interface MsePlayerStats {
  /** Seconds buffered from currentTime to the end of its range (0 when none). */
  bufferedAheadS: number;
  /** Seconds from currentTime to the live edge (the last buffered end); null before data. */
  latencyS: number | null;
  playbackRate: number;
  /** moof+mdat fragments appended so far (all MediaSources). */
  appended: number;
  /** Seeks to the live edge after start-up (the placement at start is not counted). */
  jumps: number;
}

export interface MsePlayer {
  destroy(): void;
  stats(): MsePlayerStats;
}

/** Where playback aims: this far behind the buffered end (about 6 frames at 25 fps). */
export const TARGET_LATENCY_S = 0.25;
/** Above target + this, playback speeds up (up to MAX_RATE); at target it is 1× again. */
const CATCH_UP_MARGIN_S = 0.1;
const MAX_RATE = 1.25;
/** Further behind than this is not worth catching up by speed: jump. */
const JUMP_BEHIND_S = 2;
/**
 * A hole in the buffered timeline at least MIN_GAP_S long (main drops a slow viewer's
 * fragments until the next keyframe) is jumped once playback is GAP_NEAR_S from it: Chromium
 * does not play across gaps. B-frames leave holes of a frame or two at the edge, which fill.
 */
const MIN_GAP_S = 0.15;
const GAP_NEAR_S = 0.1;
/** currentTime frozen this long with this much data ahead: jump over whatever blocks it. */
const STALL_MS = 1_000;
const STALL_AHEAD_S = 0.5;
/**
 * A joining viewer gets the GOP so far at once (main's cache): playback starts at its keyframe,
 * so the picture moves at once, and plays it faster to reach the live edge within CATCH_UP_MS
 * (issue 11 §2: "starts from that keyframe at once and catches up to live within a second").
 * Seeking to the edge instead shows nothing until the decoder has run from the keyframe to
 * there (measured in Chromium: 80–190 ms for 1–4.7 s of 720p), then one more stall when the
 * rest of the backlog lands. Up to START_MAX_RATE: a backlog longer than that covers in
 * CATCH_UP_MS is entered that much before the edge. Faster is no faster to the eye: at 3.5–3.7×
 * Chromium presented no frame at all for 0.7 s (B-frames, 2 cores) while currentTime ran on:
 * every decoded frame was already late and dropped.
 */
const CATCH_UP_MS = 1_000;
const START_MAX_RATE = 2;
/**
 * During the catch-up, the backlog may come in more than one append; this much beyond what
 * START_MAX_RATE can still cover is a jump.
 */
const STARTUP_SLACK_S = 0.3;
/** Kept behind currentTime; trimmed once there is TRIM_STEP_S more than that. */
const BACK_BUFFER_S = 10;
const TRIM_STEP_S = 5;
/** Bytes waiting for the SourceBuffer beyond which it is not keeping up (seconds of 4K). */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const CONTROL_MS = 200;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The element's buffered ranges as the controller sees them. */
interface Edges {
  /** The live edge (the last range's end) and that range's start. */
  end: number;
  lastStart: number;
  /** Seconds buffered from currentTime on without a hole. */
  ahead: number;
  /** Where the next range after currentTime begins, if any. */
  next: number | null;
}

function edgesOf(video: HTMLVideoElement): Edges | null {
  const ranges = video.buffered;
  if (ranges.length === 0) return null;
  const t = video.currentTime;
  let ahead = 0;
  let next: number | null = null;
  for (let i = 0; i < ranges.length; i++) {
    if (t >= ranges.start(i) && t <= ranges.end(i)) ahead = ranges.end(i) - t;
    else if (ranges.start(i) > t) next ??= ranges.start(i);
  }
  const last = ranges.length - 1;
  return { end: ranges.end(last), lastStart: ranges.start(last), ahead, next };
}

/**
 * Plays a never-ending fMP4 stream (init segment, then moof+mdat fragments) through Media
 * Source Extensions near the live edge: TARGET_LATENCY_S behind the buffered end, faster
 * (up to MAX_RATE) when a little behind, a seek when far behind, before a gap, or stuck.
 *
 * Autoplay and pausing: the player starts playback itself (muted if the platform refuses
 * sound without a gesture; Electron allows it) and keeps playing when the window is hidden
 * (live windows keep decoding; go2rtc's player pauses instead). A user's pause (Space) is
 * respected: no speed-up or seek while paused, the back buffer is trimmed from the live edge
 * so memory stays bounded, and a camera restart does not unpause. Play after a pause resumes
 * at the live edge, not where it stopped: a live view shows now.
 */
export function createMsePlayer(
  video: HTMLVideoElement,
  url: string,
  options: MsePlayerOptions,
): MsePlayer {
  const abort = new AbortController();
  const splitter = createPieceSplitter();
  let closed = false;
  let source: MediaSource | null = null;
  let buffer: SourceBuffer | null = null;
  let objectUrl: string | null = null;
  /** Fragments waiting for the SourceBuffer, appended together on its next updateend. */
  let queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let queuedFragments = 0;
  let trimTo: number | null = null;
  let quotaHits = 0;
  let appending = false;
  let appended = 0;
  let jumps = 0;
  /** Until when (performance.now()) the start's catch-up runs; null once it is over. */
  let catchUpUntil: number | null = null;
  /** Where the start placed playback (the catch-up waits until playback has moved on). */
  let startedAt = 0;
  let placed = false;
  let pausedByUser = false;
  let lastTime = -1;
  let lastProgressAt = 0;

  const teardownMedia = (): void => {
    buffer?.removeEventListener('updateend', onUpdateEnd);
    buffer?.removeEventListener('error', onBufferError);
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    source = buffer = objectUrl = trimTo = null;
    queue = [];
    queuedBytes = queuedFragments = 0;
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    abort.abort();
    clearInterval(timer);
    video.removeEventListener('error', onVideoError);
    video.removeEventListener('pause', onPause);
    video.removeEventListener('play', onPlay);
    teardownMedia();
    // load() without a src empties the element: no picture, no decoder, rate back to default.
    video.pause();
    video.removeAttribute('src');
    video.load();
  };

  // The caller hears it while the element still shows the last picture (a window keeps it
  // as its poster when the session ended), then the player lets go.
  const fail = (reason: FallbackReason, detail: string): void => {
    if (closed) return;
    options.onFallback(reason, detail);
    close();
  };

  const seekToEdge = (count: boolean): void => {
    const e = edgesOf(video);
    if (!e) return;
    video.currentTime = Math.max(e.lastStart, e.end - TARGET_LATENCY_S);
    video.playbackRate = 1;
    lastProgressAt = performance.now();
    if (count) jumps++;
  };

  /** How far behind the edge a catch-up with `leftMs` to go can start (at START_MAX_RATE). */
  const coverable = (leftMs: number): number =>
    TARGET_LATENCY_S + ((START_MAX_RATE - 1) * Math.max(leftMs, CONTROL_MS)) / 1_000;

  /**
   * The start: at the backlog's keyframe (the buffered start), or as far back from the edge as
   * the catch-up can cover, then faster until at the target (steer).
   */
  const placeAtStart = (): void => {
    const e = edgesOf(video);
    if (!e) return;
    video.currentTime = Math.max(e.lastStart, e.end - coverable(CATCH_UP_MS));
    lastProgressAt = performance.now();
    catchUpUntil = lastProgressAt + CATCH_UP_MS;
    startedAt = video.currentTime;
  };

  /**
   * The speed for being `behind` the edge: while the start catches up, whatever reaches the
   * target by its deadline (up to START_MAX_RATE); then up to MAX_RATE when a little behind,
   * 1× at the target.
   */
  function steer(behind: number, now: number): void {
    const over = behind - TARGET_LATENCY_S;
    if (catchUpUntil !== null && over > 0 && now < catchUpUntil) {
      // 1× until playback has moved: Chromium started with another rate stayed frozen at the
      // keyframe, "playing", for 0.6 s and more (seen in 1 of 12 windows with an AAC track; none
      // in 12 with the rate changed once playing).
      if (video.currentTime <= startedAt) return;
      const left = (catchUpUntil - now) / 1_000;
      video.playbackRate = Math.min(START_MAX_RATE, Math.max(1, 1 + over / left));
      return;
    }
    catchUpUntil = null;
    if (behind > TARGET_LATENCY_S + CATCH_UP_MARGIN_S) {
      video.playbackRate = Math.min(MAX_RATE, 1 + over);
    } else if (behind <= TARGET_LATENCY_S && video.playbackRate !== 1) {
      video.playbackRate = 1;
    }
  }

  const onBufferError = (): void => fail('append', 'the SourceBuffer refused the data');
  const onVideoError = (): void =>
    fail('append', `media error ${String(video.error?.code)}: ${video.error?.message ?? ''}`);
  // Before placement a pause is the load algorithm's (a restart), not the user's.
  const onPause = (): void => {
    if (placed) pausedByUser = true;
  };
  const onPlay = (): void => {
    if (!pausedByUser) return;
    pausedByUser = false;
    seekToEdge(true);
  };

  function pump(): void {
    if (!source || !buffer || buffer.updating || source.readyState !== 'open') return;
    if (trimTo !== null) {
      buffer.remove(0, trimTo);
      trimTo = null;
      appending = false;
      return;
    }
    if (queue.length === 0) return;
    const data = concatBytes(queue);
    const fragments = queuedFragments;
    queue = [];
    queuedBytes = queuedFragments = 0;
    try {
      buffer.appendBuffer(data as Uint8Array<ArrayBuffer>);
      appending = true;
      appended += fragments;
    } catch (e) {
      // Chromium throws QuotaExceededError when it cannot evict enough for the append: keep
      // one second behind currentTime, retry once, then give up.
      const to = video.currentTime - 1;
      const canTrim = video.buffered.length > 0 && video.buffered.start(0) < to;
      if ((e as Error).name !== 'QuotaExceededError' || quotaHits++ > 0 || !canTrim) {
        fail('append', messageOf(e));
        return;
      }
      trimTo = to;
      queue = [data];
      queuedBytes = data.length;
      queuedFragments = fragments;
      pump();
    }
  }

  function onUpdateEnd(): void {
    if (!source || !buffer || source.readyState !== 'open') return;
    if (appending) quotaHits = 0;
    const ranges = buffer.buffered;
    if (ranges.length > 0) {
      // The seekable window (and the platform's own controls) follow what is buffered.
      source.setLiveSeekableRange?.(ranges.start(0), ranges.end(ranges.length - 1));
      // Placed once what has arrived is in: a joining viewer's backlog comes in several reads
      // back to back (waiting in the queue meanwhile), and placing on its first part meant a
      // jump a moment later, when the rest was 3 s further on.
      if (!placed && queue.length === 0) start();
    }
    pump();
  }

  function start(): void {
    placed = true;
    placeAtStart();
    if (pausedByUser) return;
    video.play().catch((e: unknown) => {
      // Sound refused without a gesture (a browser, not Electron): muted is allowed.
      if (closed || video.muted || (e as Error).name !== 'NotAllowedError') return;
      video.muted = true;
      void video.play().catch(() => undefined);
    });
  }

  /** A new init segment: a fresh MediaSource and SourceBuffer, so nothing old lingers. */
  function startMedia(bytes: Uint8Array): void {
    let mimeType: string;
    try {
      mimeType = parseInit(bytes).mimeType;
    } catch (e) {
      return fail('parse', messageOf(e));
    }
    if (!MediaSource.isTypeSupported(mimeType)) return fail('codec', mimeType);
    const restart = source !== null;
    teardownMedia();
    const media = new MediaSource();
    source = media;
    objectUrl = URL.createObjectURL(media);
    queue = [bytes];
    queuedBytes = bytes.length;
    placed = false;
    catchUpUntil = null;
    const onOpen = (): void => {
      if (source !== media) return;
      try {
        buffer = media.addSourceBuffer(mimeType);
      } catch (e) {
        return fail('codec', `${mimeType}: ${messageOf(e)}`);
      }
      // Each fragment carries its decode time (tfdt): segments mode places it by that.
      buffer.mode = 'segments';
      // Live: no end; seekable is what setLiveSeekableRange says.
      media.duration = Infinity;
      buffer.addEventListener('updateend', onUpdateEnd);
      buffer.addEventListener('error', onBufferError);
      pump();
    };
    media.addEventListener('sourceopen', onOpen, { once: true });
    // Setting src runs the element's load algorithm: the old picture goes, the rate resets.
    video.src = objectUrl;
    if (restart) options.onRestart?.();
  }

  function onPiece(piece: Piece): void {
    if (piece.kind === 'init') return startMedia(piece.bytes);
    queue.push(piece.bytes);
    queuedBytes += piece.bytes.length;
    queuedFragments++;
  }

  /** Every CONTROL_MS: the back buffer, then speed and jumps. */
  function control(): void {
    const e = edgesOf(video);
    if (closed || !e || !placed) return;
    const now = performance.now();
    const t = video.currentTime;
    // Trimmed behind what plays, or behind the live edge while paused (play resumes there).
    const keepFrom = (pausedByUser ? e.end : t) - BACK_BUFFER_S;
    if (trimTo === null && keepFrom - video.buffered.start(0) > TRIM_STEP_S) trimTo = keepFrom;
    pump();
    if (pausedByUser) return;
    const behind = e.end - t;
    // Waiting at the edge for data is not a stall; frozen with data ahead is.
    if (t !== lastTime || behind <= STALL_AHEAD_S) lastProgressAt = now;
    lastTime = t;
    const starting = catchUpUntil !== null;
    const gap = e.next === null ? 0 : e.next - (t + e.ahead);
    if (
      (!starting && behind > JUMP_BEHIND_S) ||
      (gap >= MIN_GAP_S && e.ahead < GAP_NEAR_S) ||
      (starting && behind > coverable((catchUpUntil ?? now) - now) + STARTUP_SLACK_S) ||
      (now - lastProgressAt > STALL_MS && behind > STALL_AHEAD_S)
    ) {
      seekToEdge(!starting);
      catchUpUntil = null;
    } else {
      steer(behind, now);
    }
  }

  function onBytes(chunk: Uint8Array): void {
    let pieces: Piece[];
    try {
      pieces = splitter.push(chunk);
    } catch (e) {
      return fail('parse', messageOf(e));
    }
    for (const piece of pieces) if (!closed) onPiece(piece);
    if (queuedBytes > MAX_QUEUED_BYTES) fail('append', 'the SourceBuffer does not keep up');
    else pump();
  }

  async function read(): Promise<void> {
    try {
      const response = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (!response.ok || !response.body) return fail('network', `HTTP ${String(response.status)}`);
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (closed) return;
        if (done) return fail('network', 'the stream ended');
        onBytes(value);
      }
    } catch (e) {
      fail('network', messageOf(e));
    }
  }

  const timer = setInterval(control, CONTROL_MS);
  video.addEventListener('error', onVideoError);
  video.addEventListener('pause', onPause);
  video.addEventListener('play', onPlay);
  // Reported after the caller has its player object, like every other fallback.
  if (typeof MediaSource === 'undefined') queueMicrotask(() => fail('no-mse', 'no MediaSource'));
  else void read();

  return {
    destroy: close,
    stats() {
      const e = closed ? null : edgesOf(video);
      return {
        bufferedAheadS: e?.ahead ?? 0,
        latencyS: e ? e.end - video.currentTime : null,
        playbackRate: video.playbackRate,
        appended,
        jumps,
      };
    },
  };
}
