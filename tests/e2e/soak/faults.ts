/** One fault of the plan, from a playing window to that window playing again (or not). */
import { startFakeCamera, type FakeCameraOptions } from '../../fixtures/fake-camera';
import { decodedFrames, longestDecodePause } from '../frames';
import type { MainWatch } from './observers';
import type { PlannedFault } from './schedule';
import type { FaultResult } from './types';
import { secs, sleep, waitPlaying, type Lane } from './windows';

/** How long a returned camera's window may take to play again before it counts as never. */
export const RECOVERY_WAIT_MS = 30_000;

export interface FaultContext {
  main: MainWatch;
  since: () => number;
  /** How the camera is started again after a restart (the same as at first, on its port). */
  cameraOptions: FakeCameraOptions;
  /** What main said about a camera lately, for a problem's report. */
  mainSaid: (cameraId: string) => string;
}

/**
 * Kills (and restarts on the same port) or freezes (and unfreezes) the lane's camera while its
 * window plays, then measures from the camera's return until that same window decodes frames
 * again. Nothing touches the window meanwhile: no click, no reload.
 */
export async function runFault(
  context: FaultContext,
  lane: Lane,
  fault: PlannedFault,
): Promise<FaultResult> {
  const result: FaultResult = {
    kind: fault.kind,
    camera: lane.name,
    at: context.since(),
    downMs: fault.downMs,
    recoveryMs: null,
    longestPauseMs: 0,
    mainReconnectingAfterMs: null,
    mainReason: null,
    mainLiveAfterReturnMs: null,
    samePage: false,
    problem: null,
  };
  try {
    await measure(context, lane, fault, result);
  } catch (error) {
    result.problem = error instanceof Error ? error.message : String(error);
  }
  return result;
}

async function measure(
  context: FaultContext,
  lane: Lane,
  fault: PlannedFault,
  result: FaultResult,
): Promise<void> {
  // The window opened for this fault (or already open) is playing first: else nothing to lose.
  await lane.queue;
  const page = lane.page;
  if (!page || (await waitPlaying(page, Date.now() - 1_500, 10_000)) === null) {
    const shown = await page
      ?.getByRole('status', { name: 'Stream status' })
      .textContent({ timeout: 1_000 })
      .catch(() => null);
    result.problem =
      `its window was not playing when the fault was due (window: ${page ? `"${shown ?? '?'}"` : 'none'}; ` +
      `main: ${context.mainSaid(lane.id)})`;
    return;
  }
  const start = Date.now();
  if (fault.kind === 'restart') {
    lane.camera.kill();
    await sleep(fault.downMs);
    lane.camera = await startFakeCamera({ ...context.cameraOptions, port: lane.port });
  } else {
    lane.camera.freeze();
    await sleep(fault.downMs);
    lane.camera.unfreeze();
  }
  const back = Date.now();
  const at = await waitPlaying(page, back, RECOVERY_WAIT_MS);
  const frames = await decodedFrames(page, start - 1_000);
  result.longestPauseMs = longestDecodePause(frames, start, at ?? Date.now());
  result.recoveryMs = at === null ? null : at - back;
  result.samePage = lane.page === page && !page.isClosed();
  const events = context.main.of(lane.id, start);
  const dropped = events.find((e) => e.state === 'reconnecting');
  result.mainReconnectingAfterMs = dropped ? dropped.at - start : null;
  result.mainReason = dropped?.reason ?? null;
  const live = events.find((e) => e.state === 'live' && e.at >= back);
  result.mainLiveAfterReturnMs = live ? live.at - back : null;
  if (at === null) result.problem = `no playback within ${secs(RECOVERY_WAIT_MS)} of its return`;
  else if (!result.samePage) result.problem = 'not the same window';
  // Without a pause the fault never reached the window: nothing was proven.
  else if (result.longestPauseMs < 500) result.problem = 'playback never paused';
}
