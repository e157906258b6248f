/** How long quit waits for streams to stop before it exits anyway. */
export const QUIT_DEADLINE_MS = 5_000;

export interface QuitGuardOptions {
  /** Stops streams and flushes state; may hang or reject. */
  shutdown: () => Promise<unknown>;
  /** Continue the normal quit (Electron's app.quit()). */
  quit: () => void;
  /** Leave at once (Electron's app.exit()). */
  exit: (code: number) => void;
  deadlineMs?: number;
  log?: (line: string) => void;
}

/**
 * Runs the shutdown, then quits; if the shutdown has not settled by the deadline, exits
 * anyway: a hung teardown (a stuck `rm`, an ffmpeg that ignores signals) must not leave a
 * Vigil that cannot be quit. Imports no Electron.
 */
export async function quitAfterShutdown(options: QuitGuardOptions): Promise<void> {
  const deadline = options.deadlineMs ?? QUIT_DEADLINE_MS;
  let done = false;
  const hardStop = setTimeout(() => {
    done = true;
    options.log?.(`quit: shutdown still running after ${String(deadline)} ms, exiting anyway`);
    options.exit(0);
  }, deadline);
  try {
    await options.shutdown();
  } catch (error) {
    options.log?.(
      `quit: shutdown failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    clearTimeout(hardStop);
  }
  if (!done) options.quit();
}
