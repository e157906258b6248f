import type { BrowserContext, Page } from 'playwright-core';

/**
 * Frames the page's video presented in the second after its next presented frame,
 * counted with requestVideoFrameCallback (starting at a frame, so a page just brought to
 * the front is measured once it renders again). 0 when nothing is presented in 5 s.
 */
export function framesInOneSecond(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const video = document.querySelector('video');
        if (!video) {
          resolve(0);
          return;
        }
        let frames = 0;
        let started = 0;
        const onFrame = (now: number) => {
          if (!started) started = now;
          else frames++;
          if (now - started < 1_000) video.requestVideoFrameCallback(onFrame);
          else resolve(frames);
        };
        video.requestVideoFrameCallback(onFrame);
        setTimeout(() => resolve(frames), 5_000);
      }),
  );
}

/** One presented frame: wall-clock ms (Date.now() scale) and the element's presented count. */
export interface PresentedFrame {
  at: number;
  presented: number;
  mediaTime: number;
}

/**
 * Makes every live page of the context record each frame its video presents, from the
 * very first (requestVideoFrameCallback on the element as soon as it exists). Read them
 * with presentedFrames(page).
 */
export async function recordPresentedFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    if (!location.pathname.endsWith('/live.html')) return;
    const frames: Array<[number, number, number]> = [];
    (window as unknown as { __vigilFrames: typeof frames }).__vigilFrames = frames;
    const watch = (video: HTMLVideoElement): void => {
      const onFrame = (now: number, meta: VideoFrameCallbackMetadata): void => {
        frames.push([performance.timeOrigin + now, meta.presentedFrames, meta.mediaTime]);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    };
    const find = (): void => {
      const video = document.querySelector('video');
      if (video) watch(video);
      else setTimeout(find, 5);
    };
    find();
  });
}

/** The frames a page has presented so far (needs recordPresentedFrames before it opened). */
export async function presentedFrames(page: Page): Promise<PresentedFrame[]> {
  const raw = await page.evaluate(
    () =>
      (window as unknown as { __vigilFrames?: Array<[number, number, number]> }).__vigilFrames ??
      [],
  );
  return raw.map(([at, presented, mediaTime]) => ({ at, presented, mediaTime }));
}

/**
 * Frames presented in each whole second after the first frame: [0] is the first second.
 * Counted from the element's presentedFrames, so a callback the page skipped still counts.
 */
export function framesPerSecond(frames: PresentedFrame[], seconds: number): number[] {
  const first = frames[0];
  if (!first) return Array.from({ length: seconds }, () => 0);
  const counts = Array.from({ length: seconds }, () => 0);
  let previous = first.presented;
  for (const frame of frames.slice(1)) {
    const second = Math.floor((frame.at - first.at) / 1_000);
    if (second >= seconds) break;
    counts[second] = (counts[second] ?? 0) + (frame.presented - previous);
    previous = frame.presented;
  }
  return counts;
}

/** The longest time between two presented frames in the first `seconds` (ms), and when. */
export function longestPause(
  frames: PresentedFrame[],
  seconds: number,
): { ms: number; atSecond: number } {
  const first = frames[0];
  let longest = { ms: 0, atSecond: 0 };
  if (!first) return longest;
  for (let i = 1; i < frames.length; i++) {
    const frame = frames[i];
    const previous = frames[i - 1];
    if (!frame || !previous || frame.at - first.at >= seconds * 1_000) break;
    const gap = frame.at - previous.at;
    if (gap > longest.ms) longest = { ms: gap, atSecond: (previous.at - first.at) / 1_000 };
  }
  return longest;
}

/** A change of a page's decoded-frame count: wall-clock ms (Date.now() scale) and the count. */
export interface DecodedSample {
  at: number;
  decoded: number;
}

/** How often the page reads its decoder's count, and how many changes it keeps. */
const DECODED_POLL_MS = 40;
const DECODED_KEEP = 6_000;

/**
 * Makes every live page of the context log its video's decoded-frame count
 * (getVideoPlaybackQuality().totalVideoFrames) each time it changes, read every 40 ms.
 * Unlike requestVideoFrameCallback, this works for every open page: headless Chromium
 * presents frames (and fires the callbacks) only in the page in front, measured here at ~1
 * callback per second for the others, while all of them decode 25 fps. Only the last 6000
 * changes are kept (4 minutes at 25 fps), so long soaks do not grow the pages.
 */
export async function recordDecodedFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(
    ([pollMs, keep]) => {
      if (!location.pathname.endsWith('/live.html')) return;
      const log: Array<[number, number]> = [];
      (window as unknown as { __vigilDecoded: typeof log }).__vigilDecoded = log;
      let last = -1;
      setInterval(() => {
        const video = document.querySelector('video');
        const decoded = video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
        if (decoded === last) return;
        last = decoded;
        log.push([Date.now(), decoded]);
        if (log.length > keep) log.splice(0, log.length - keep);
      }, pollMs);
    },
    [DECODED_POLL_MS, DECODED_KEEP] as const,
  );
}

/** The decoded-count changes a page logged at or after `since` (needs recordDecodedFrames). */
export async function decodedFrames(page: Page, since = 0): Promise<DecodedSample[]> {
  const raw = await page.evaluate(
    (from) =>
      (
        (window as unknown as { __vigilDecoded?: Array<[number, number]> }).__vigilDecoded ?? []
      ).filter(([at]) => at >= from),
    since,
  );
  return raw.map(([at, decoded]) => ({ at, decoded }));
}

/**
 * The samples at which the page decoded new frames, and how many. A count that drops started
 * over (hls.js attached a new media source): its value is the new frames.
 */
export function decodeAdvances(samples: DecodedSample[]): Array<{ at: number; frames: number }> {
  const advances: Array<{ at: number; frames: number }> = [];
  for (let i = 1; i < samples.length; i++) {
    const now = samples[i];
    const before = samples[i - 1];
    if (!now || !before) continue;
    const frames = now.decoded >= before.decoded ? now.decoded - before.decoded : now.decoded;
    if (frames > 0) advances.push({ at: now.at, frames });
  }
  return advances;
}

/**
 * When the page was playing again after `after`: the first advance after it that is
 * followed by at least `minFrames` frames within `withinMs` (so one stray frame is not
 * playback). Null when that never happened in the samples.
 */
export function playingAgainAt(
  samples: DecodedSample[],
  after: number,
  minFrames = 5,
  withinMs = 1_000,
): number | null {
  const advances = decodeAdvances(samples).filter((a) => a.at >= after);
  for (const [i, start] of advances.entries()) {
    let frames = 0;
    for (const advance of advances.slice(i)) {
      if (advance.at - start.at > withinMs) break;
      frames += advance.frames;
    }
    if (frames >= minFrames) return start.at;
  }
  return null;
}

/** The longest time between two decoded frames from `from` to `to` (both ends count as frames). */
export function longestDecodePause(samples: DecodedSample[], from: number, to: number): number {
  let longest = 0;
  let previous = from;
  for (const { at } of decodeAdvances(samples)) {
    if (at < from || at > to) continue;
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  return Math.max(longest, to - previous);
}
