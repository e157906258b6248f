/** docs/soak.md from a soak result: the figures, each budget and how it went. */
import { cpus } from 'node:os';
import { fdRange, rssGrowth } from './budgets';
import type { Budgets, SoakResult } from './types';

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
const range = ([min, max]: readonly [number, number]) =>
  `${(min / 1_000).toFixed(0)}–${(max / 1_000).toFixed(0)} s`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

/** The Markdown report; `broken` is what judge() said, `note` what else loaded the machine. */
export function soakReport(
  result: SoakResult,
  budgets: Budgets,
  broken: string[],
  note: string,
): string {
  const o = result.options;
  const rss = rssGrowth(result);
  const fds = fdRange(result);
  const recovered = result.faults.filter(
    (f) => !f.problem && f.recoveryMs !== null && f.recoveryMs <= budgets.recoveryMs,
  );
  const recoveries = result.faults.flatMap((f) => (f.recoveryMs === null ? [] : [f.recoveryMs]));
  const loads = result.samples.map((x) => x.load1);
  const cpu = cpus();
  const leaksFound = result.leaks.ffmpeg.length + result.leaks.dirs.length;
  const finalLeft =
    result.final.ffmpeg.length + result.final.spawnedAlive.length + result.final.streamRoot.length;
  const ok = (pass: boolean) => (pass ? 'pass' : '**FAIL**');
  const lines = [
    '# Soak',
    '',
    '`npm run soak` builds the app, then runs Vigil for 30 minutes against fake cameras and',
    'writes this page (`npm run soak -- --minutes 5 --seed 42` for a shorter or repeated run;',
    '`VIGIL_SOAK_SEED` works too). `npm test` runs a 60-second version with the same runner',
    '(`tests/e2e/soak.e2e.test.ts`), which writes nothing.',
    '',
    [
      `What runs: ${String(o.cameras)} fake cameras (${o.size}, 25 fps), the real services in the soak`,
      'process ("main"), the built renderer in Debian Chromium, every live window a page',
      '(tests/e2e/harness.ts). Windows are opened from the dashboard and closed (Stop, or the',
      `window itself) on a seeded schedule: open ${range(o.openMs)}, closed ${range(o.closedMs)}.`,
      `Every ${s(o.restartEveryMs)} a camera is killed and started again on its port`,
      `${range(o.outageMs)} later; every ${s(o.freezeEveryMs)} one is frozen (RTSP session alive,`,
      `no media) for ${range(o.freezeMs)}. A camera about to fail gets its window`,
      `${s(o.faultLeadMs)} before; nothing touches that window until it plays again. Streams last`,
      `${String(o.streamDurationSec)} s (the camera's own setting), longer than any window stays open.`,
    ].join('\n'),
    '',
    [
      'How it measures: playback is frames the page decoded',
      '(`getVideoPlaybackQuality().totalVideoFrames`, read every 40 ms in the page; headless',
      'Chromium presents frames only in the page in front). Recovery is the time from the',
      "camera's return (restart done, or unfrozen) to the first of at least 5 frames decoded",
      'within a second, in the same window. Leaks: ffmpeg processes below main that belong to no',
      'session, and session-shaped directories in the stream root that belong to none, found at',
      `two checks in a row (${s(o.leakCheckEveryMs)} apart), and anything left once every window`,
      `closed. Main's RSS every ${s(o.sampleEveryMs)} (after a full GC), growth from the first`,
      `sample at or after ${s(o.warmupMs)} to the last; open fds from /proc/self/fd, "with no`,
      'window" measured after one stream was started and stopped (libuv keeps its inotify fd).',
    ].join('\n'),
    '',
    `## Latest run: ${broken.length ? '**budgets broken**' : 'every budget kept'}`,
    '',
    `- Started ${result.startedAt}, ran ${s(result.ranMs)}, seed **${String(result.seed)}**.`,
    `- Machine: ${String(cpu.length)} × ${cpu[0]?.model.trim() ?? 'CPU'}; load average (1 min)`,
    `  during the run: median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}.`,
    ...(note ? [`- ${note}`] : []),
    '',
    '| Budget | Figure | |',
    '| --- | --- | --- |',
    `| 0 leaked ffmpeg or directories | ${String(leaksFound)} found in ${String(result.leaks.checks)} checks; ${String(finalLeft)} left at the end | ${ok(leaksFound + finalLeft === 0)} |`,
    `| Playback again within ${s(budgets.recoveryMs)} of the camera's return, no click | ${String(recovered.length)}/${String(result.faults.length)}; median ${s(median(recoveries))}, max ${s(Math.max(0, ...recoveries))} | ${ok(recovered.length === result.faults.length)} |`,
    `| Main's RSS growth < ${String(budgets.rssGrowthPct ?? '–')} % | ${rss ? `${mb(rss.warm)} → ${mb(rss.end)}: ${rss.pct.toFixed(1)} %` : 'no sample'} | ${ok(!!rss && (budgets.rssGrowthPct === null || rss.pct < budgets.rssGrowthPct))} |`,
    `| Open fds stable | with no window ${String(result.fds.idleStart)} → ${String(result.fds.idleEnd)}${result.fds.added.length ? ` (added: ${result.fds.added.join(', ')})` : ''}; during the run min ${String(fds.min)}, max ${String(fds.max)}, last ${String(fds.last)} | ${ok(result.fds.idleEnd - result.fds.idleStart <= budgets.idleFdGrowth)} |`,
    '',
    `Windows: ${String(result.windows.opened)} opened, ${String(result.windows.closedByStop)} closed with Stop, ${String(result.windows.closedByWindow)} closed as windows;`,
    `open → playing median ${s(median(result.windows.startupMs))}, max ${s(Math.max(0, ...result.windows.startupMs))}. Page errors: ${String(result.pageErrors)}.`,
    '',
    ...(result.pageErrorSamples.length
      ? [
          'Page errors seen (distinct):',
          '',
          ...result.pageErrorSamples.map((e) => `- \`${e}\``),
          '',
        ]
      : []),
    ...(broken.length ? ['What broke:', '', ...broken.map((b) => `- ${b}`), ''] : []),
    '## Faults',
    '',
    '| At | Fault | Camera | Down | Main: reconnecting after (why) | Main: live after return | Playing after return | Longest pause | Same window |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.faults.map(
      (f) =>
        `| ${s(f.at)} | ${f.kind} | ${f.camera} | ${s(f.downMs)} | ${f.mainReconnectingAfterMs === null ? '–' : `${s(f.mainReconnectingAfterMs)} (${f.mainReason ?? '?'})`} | ${f.mainLiveAfterReturnMs === null ? '–' : s(f.mainLiveAfterReturnMs)} | ${f.recoveryMs === null ? `**never** (${f.problem ?? ''})` : s(f.recoveryMs)} | ${s(f.longestPauseMs)} | ${f.samePage ? 'yes' : '**no**'} |`,
    ),
    '',
    '## Samples',
    '',
    '| At | Main RSS | Main heap | Fds | Windows | Sessions | ffmpeg | Chromium RSS | Load |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.samples.map(
      (x) =>
        `| ${s(x.atMs)} | ${mb(x.rss)} | ${mb(x.heapUsed)} | ${String(x.fds)} | ${String(x.windows)} | ${String(x.sessions)} | ${String(x.ffmpeg)} | ${mb(x.chromiumRss)} | ${x.load1.toFixed(2)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
