import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  LIVE_PICTURE_GAP_MS,
  LIVE_PICTURE_INTERVAL_MS,
  LivePictures,
} from '../../src/main/services/recording/live-picture';
import type { SessionOutput } from '../../src/main/services/streaming/stream-service';
import type { StreamInfo } from '../../src/shared/streams';
import { streamInfo } from '../helpers/stream-info';

/** A session of `cameraId` as the stream service reports it. */
function info(cameraId: string, state: StreamInfo['state'] = 'live'): StreamInfo {
  return streamInfo({ cameraId, sessionId: `s-${cameraId}`, state });
}

describe('card pictures share one budget (LivePictures)', () => {
  let started: Array<{ cameraId: string; at: number }>;
  let published: string[];
  let pictures: LivePictures;
  /** How long a grab takes (a slow decode on a busy machine). */
  let grabMs: number;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    started = [];
    published = [];
    grabMs = 300;
    pictures = new LivePictures({
      streams: {
        output: (cameraId): SessionOutput => ({
          sessionId: `s-${cameraId}`,
          dir: `/sessions/${cameraId}`,
          run: 1,
          live: true,
        }),
      },
      clip: (dir) => Promise.resolve(Buffer.from(dir)),
      grab: async (clip) => {
        started.push({ cameraId: clip.toString().replace('/sessions/', ''), at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, grabMs));
        return Buffer.from([0xff, 0xd8]);
      },
      publish: (cameraId) => published.push(cameraId),
    });
  });
  afterEach(() => {
    pictures.stopAll();
    vi.useRealTimers();
  });

  it('with 16 cameras streaming, no two pictures start less than the gap apart, and every card gets its turn', async () => {
    const ids = Array.from({ length: 16 }, (_, i) => `cam${String(i)}`);
    for (const id of ids) pictures.onStreamState(info(id));
    await vi.advanceTimersByTimeAsync(16 * LIVE_PICTURE_GAP_MS * 2 + 1_000);
    const gaps = started.slice(1).map((s, i) => s.at - (started[i]?.at ?? 0));
    expect(started.length).toBeGreaterThanOrEqual(32);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(LIVE_PICTURE_GAP_MS);
    // Round robin: the first 16 pictures are of 16 different cameras, then the same again.
    expect(new Set(started.slice(0, 16).map((s) => s.cameraId)).size).toBe(16);
    expect(started.slice(16, 32).map((s) => s.cameraId)).toEqual(
      started.slice(0, 16).map((s) => s.cameraId),
    );
    expect(published.length).toBeGreaterThanOrEqual(32);
  });

  it('one camera alone is renewed every interval, its first picture at once', async () => {
    pictures.onStreamState(info('solo'));
    await vi.advanceTimersByTimeAsync(1);
    expect(started.map((s) => s.at)).toEqual([0]);
    await vi.advanceTimersByTimeAsync(LIVE_PICTURE_INTERVAL_MS * 3);
    expect(started.map((s) => s.at)).toEqual([
      0,
      LIVE_PICTURE_INTERVAL_MS,
      LIVE_PICTURE_INTERVAL_MS * 2,
      LIVE_PICTURE_INTERVAL_MS * 3,
    ]);
  });

  it('a picture slower than the interval is never taken twice at once, and the other cameras go on', async () => {
    grabMs = LIVE_PICTURE_INTERVAL_MS * 1.5;
    pictures.onStreamState(info('slow'));
    pictures.onStreamState(info('other'));
    await vi.advanceTimersByTimeAsync(LIVE_PICTURE_INTERVAL_MS * 5);
    const slow = started.filter((s) => s.cameraId === 'slow').map((s) => s.at);
    for (let i = 1; i < slow.length; i++) {
      expect((slow[i] ?? 0) - (slow[i - 1] ?? 0)).toBeGreaterThanOrEqual(grabMs);
    }
    expect(slow.length).toBeGreaterThanOrEqual(2);
    expect(started.some((s) => s.cameraId === 'other')).toBe(true);
  });

  it('an ended session leaves the schedule: no picture of it afterwards', async () => {
    pictures.onStreamState(info('a'));
    pictures.onStreamState(info('b'));
    await vi.advanceTimersByTimeAsync(1);
    pictures.onStreamState(info('b', 'ended'));
    await vi.advanceTimersByTimeAsync(LIVE_PICTURE_INTERVAL_MS * 3);
    expect(started.filter((s) => s.cameraId === 'b')).toEqual([]);
    expect(pictures.watching()).toEqual(['a']);
    pictures.stopAll();
    const count = started.length;
    await vi.advanceTimersByTimeAsync(LIVE_PICTURE_INTERVAL_MS * 3);
    expect(started.length).toBe(count);
  });
});
