// The browser the wall bench watches with. Electron, what users run, is a headful Chromium: a real
// window whose frames go to a display. This machine has no GPU and no display, so the closest here
// is a headful Chromium on a virtual X server (Xvfb) with software compositing, which is what
// Chromium itself falls back to on a computer without a usable GPU. Without Xvfb the bench falls
// back to headless Chromium and says so. Measured here (4 tiles): headful and headless present
// the same frames; SwiftShader GL (GPU compositing emulated on the CPU) presented 15 of 25 fps.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from 'playwright-core';

const XVFB = process.env.VIGIL_XVFB ?? '/usr/bin/Xvfb';
/** The X screen: a Full HD wall viewport plus the browser's tab strip and toolbar above it. */
export const SCREEN = { width: 1920, height: 1200 };
const START_TIMEOUT_MS = 10_000;

export interface Viewer {
  /** The X display (":N") when headful, null when headless. */
  display: string | null;
  /** How the wall is watched, for the report. */
  description: string;
  /**
   * Runs `fn` with every `chromium.launch` it makes (the e2e harness's) in this viewer's mode.
   * The harness launches headless with its own flags and has no option for this; the bench
   * wraps the launch instead of changing the harness. Its flags (`--disable-gpu`: software
   * compositing) stay as they are.
   */
  use<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends the X server this module started, if any. */
  close(): Promise<void>;
}

const headless = (why: string): Viewer => ({
  display: null,
  description: `headless Chromium, software compositing (${why})`,
  use: (fn) => fn(),
  close: () => Promise.resolve(),
});

/** Starts Xvfb (which picks a free display and writes its number to fd 3), or falls back. */
export async function startViewer(): Promise<Viewer> {
  if (process.env.VIGIL_BENCH_HEADLESS) return headless('VIGIL_BENCH_HEADLESS set');
  if (!existsSync(XVFB)) return headless(`no Xvfb at ${XVFB}: apt-get install xvfb`);
  const xvfb = spawn(
    XVFB,
    [
      '-displayfd',
      '3',
      '-screen',
      '0',
      `${String(SCREEN.width)}x${String(SCREEN.height)}x24`,
      '-nolisten',
      'tcp',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => xvfb.once('exit', () => resolve()));
  // Xvfb has no parent-death option: a bench that exits early (process.exit) takes it along.
  const killOnExit = () => xvfb.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const display = await new Promise<string | null>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(null), START_TIMEOUT_MS);
    xvfb.stdio[3]?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const number = /^(\d+)\n/.exec(out)?.[1];
      if (number !== undefined) {
        clearTimeout(timer);
        resolve(`:${number}`);
      }
    });
    xvfb.once('error', () => resolve(null));
    xvfb.once('exit', () => resolve(null));
  });
  if (display === null) {
    xvfb.kill('SIGKILL');
    return headless(`Xvfb at ${XVFB} did not start`);
  }
  return {
    display,
    description:
      'headful Chromium on Xvfb (a real window, frames drawn to an X display), software compositing',
    async use(fn) {
      const own = Object.getOwnPropertyDescriptor(chromium, 'launch');
      const launch = chromium.launch.bind(chromium);
      chromium.launch = (options?: LaunchOptions) =>
        launch({
          ...options,
          headless: false,
          env: { ...process.env, ...options?.env, DISPLAY: display },
          // No window manager: the window sits at the screen's top left, where screen-count.ts looks.
          args: [...(options?.args ?? []), '--window-position=0,0'],
        });
      try {
        return await fn();
      } finally {
        if (own) Object.defineProperty(chromium, 'launch', own);
        else Reflect.deleteProperty(chromium, 'launch'); // the prototype's launch again
      }
    },
    async close() {
      xvfb.kill('SIGTERM'); // Xvfb removes its lock file and socket on SIGTERM
      await exited;
    },
  };
}
