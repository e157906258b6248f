import type { Page } from 'playwright-core';

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
