// The soak's 60-second version (npm run soak runs it for 30 minutes and writes docs/soak.md;
// this writes nothing). Same runner; its budgets are in soak/budgets.ts (SHORT_BUDGETS).
import { describe, expect, it } from 'vitest';
import { hasGstreamerRtsp } from '../fixtures/fake-camera';
import { e2eAvailable } from './harness';
import { judge, SHORT_BUDGETS, SHORT_SETTINGS } from './soak/budgets';
import { runSoak } from './soak/runner';

const runnable = e2eAvailable().ok && hasGstreamerRtsp();
const seed = Number(process.env.VIGIL_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe.runIf(runnable)('soak, 60 s', () => {
  it('4 cameras, 3 restarts and 2 freezes while windows open and close: each window plays again by itself within 10 s of its camera’s return, nothing leaks, fds stay put', async () => {
    console.log(`soak seed ${String(seed)} (repeat with VIGIL_SOAK_SEED=${String(seed)})`);
    const result = await runSoak({ ...SHORT_SETTINGS, seed, log: (line) => console.log(line) });
    expect(result.faults.map((f) => f.kind)).toEqual([
      'restart',
      'freeze',
      'restart',
      'freeze',
      'restart',
    ]);
    expect(result.windows.opened).toBeGreaterThanOrEqual(result.options.cameras);
    expect(result.leaks.checks).toBeGreaterThanOrEqual(4);
    expect(judge(result, SHORT_BUDGETS)).toEqual([]);
  }, 240_000);
});
