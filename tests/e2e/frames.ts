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
