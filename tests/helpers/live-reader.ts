import { Fmp4LiveSplitter, type LivePiece } from '../../src/main/services/streaming/fmp4-live';

/** A piece of a viewer's low-latency stream, and when it arrived (Date.now()). */
export interface Received {
  piece: LivePiece;
  at: number;
}

/**
 * Reads a viewer's low-latency stream (StreamService.liveStream) into pieces with their arrival
 * times, until the stream ends or `cancel()`.
 */
export function liveReader(stream: ReadableStream<Uint8Array>) {
  const pieces: Received[] = [];
  const splitter = new Fmp4LiveSplitter();
  const r = stream.getReader();
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      const at = Date.now();
      for (const piece of splitter.push(Buffer.from(value))) pieces.push({ piece, at });
    }
    ended = true;
  })();
  return {
    pieces,
    get ended() {
      return ended;
    },
    /** Video frames received so far. */
    frames: () =>
      pieces.reduce((n, p) => n + (p.piece.kind === 'fragment' ? p.piece.videoSamples : 0), 0),
    /** Init segments received so far (a new one per ffmpeg run). */
    inits: () => pieces.filter((p) => p.piece.kind === 'init').length,
    /** When the first keyframe fragment arrived; null before. */
    firstKeyAt: () =>
      pieces.find((p) => p.piece.kind === 'fragment' && p.piece.keyframe)?.at ?? null,
    cancel: async () => {
      await r.cancel();
      await pump.catch(() => undefined);
    },
    pump,
  };
}
