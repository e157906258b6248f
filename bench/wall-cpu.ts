// Who used the CPU during the wall's window: every process on the machine read from /proc at both
// ends, sorted into the wall's renderer, the rest of Chromium, main, ffmpeg, the fake cameras, the
// X server, and what is not the bench (kernel threads, other programs). A process born during the
// window counts all its time; one that ended counts in its parent's reaped-children time, which
// is how an ffmpeg Vigil restarted is still counted.
import { cpus } from 'node:os';
import {
  allPids,
  CLK_TCK,
  commandLine,
  descendants,
  isKernelThread,
  machineTicks,
  parentOf,
  processTimes,
} from './proc';

export interface CpuSnapshot {
  at: number;
  /** Every process's own CPU ticks. */
  ticks: Map<number, number>;
  /** Every process's reaped children's CPU ticks. */
  reaped: Map<number, number>;
  /** This process's descendants. */
  tree: Set<number>;
  machine: { busy: number; total: number; steal: number };
  main: NodeJS.CpuUsage;
}

export function cpuSnapshot(): CpuSnapshot {
  const ticks = new Map<number, number>();
  const reaped = new Map<number, number>();
  for (const pid of allPids()) {
    const times = processTimes(pid);
    if (!times) continue;
    ticks.set(pid, times.own);
    reaped.set(pid, times.reaped);
  }
  return {
    at: Date.now(),
    ticks,
    reaped,
    tree: new Set(descendants(process.pid)),
    machine: machineTicks(),
    main: process.cpuUsage(),
  };
}

/** CPU over the window, in % of one core. */
export interface CpuShares {
  rendererPid: number;
  renderer: number;
  gpu: number;
  chromiumOther: number;
  /** Chromium's processes other than the wall's renderer (for their memory). */
  chromiumPids: number[];
  main: number;
  /** ffmpeg sessions alive at either end of the window. */
  ffmpeg: number;
  /** Children of this process that ended during the window: ffmpeg sessions restarted, probes. */
  ended: number;
  rig: number;
  display: number;
  /** Other processes below this one (none expected). */
  benchOther: number;
  kernel: number;
  otherPrograms: number;
  /** The busiest other programs, for the log: "name pid: %". */
  topOthers: string[];
  /** Time the hypervisor gave this virtual machine's CPUs to someone else. */
  steal: number;
  /** The machine's busy time nothing above accounts for: interrupts, processes that ended with their parent. */
  unaccounted: number;
  /** Whole machine, % of all cores. */
  machine: number;
  cores: number;
}

export function attribute(
  s0: CpuSnapshot,
  s1: CpuSnapshot,
  known: { cdpCpu: number; ffmpegPids: number[]; rigPids: number[] },
): CpuShares {
  const seconds = (s1.at - s0.at) / 1000;
  const pct = (ticks: number) => (ticks / CLK_TCK / seconds) * 100;
  // Born during the window: all its time is in it. Gone at the end: counted by its parent, if ours.
  const cpuOf = (pid: number) => {
    const end = s1.ticks.get(pid);
    return end === undefined ? 0 : pct(end - (s0.ticks.get(pid) ?? 0));
  };
  const sum = (pids: Iterable<number>) => [...pids].reduce((a, pid) => a + cpuOf(pid), 0);
  // Children that ended during the window, counted by a parent alive at both ends: their whole
  // life, which for a child older than the window counts a little too much.
  const reapedOf = (pid: number) => {
    const [before, after] = [s0.reaped.get(pid), s1.reaped.get(pid)];
    return before === undefined || after === undefined ? 0 : pct(after - before);
  };
  const tree = new Set([...s0.tree, ...s1.tree]);
  const claimed = new Set<number>([process.pid]);
  const claim = (pids: number[]) => {
    for (const pid of pids) claimed.add(pid);
    return pids;
  };

  // The wall page's renderer: Chromium's own count of its process's CPU time (CDP
  // Performance.getMetrics ProcessTime) picks it among the renderers by /proc.
  const renderers = [...tree].filter(
    (pid) => s0.ticks.has(pid) && s1.ticks.has(pid) && commandLine(pid).includes('--type=renderer'),
  );
  const rendererPid = renderers.reduce(
    (best, pid) =>
      Math.abs(cpuOf(pid) - known.cdpCpu) < Math.abs(cpuOf(best) - known.cdpCpu) ? pid : best,
    renderers[0] ?? -1,
  );
  claim([rendererPid]);
  let browserPid = rendererPid;
  while (browserPid > 1 && commandLine(browserPid).includes('--type=')) {
    browserPid = parentOf(browserPid);
  }
  const chromiumPids = claim(
    [browserPid, ...descendants(browserPid)].filter((pid) => pid !== rendererPid),
  );
  const gpuPids = chromiumPids.filter((pid) => commandLine(pid).includes('--type=gpu-process'));
  const ffmpegPids = claim([...new Set(known.ffmpegPids)]);
  const rigPids = claim(known.rigPids);
  const displayPids = claim([...tree].filter((pid) => /(^|\/)Xvfb( |$)/.test(commandLine(pid))));
  const benchOther = [...tree].filter((pid) => !claimed.has(pid));
  const outside = [...s1.ticks.keys()].filter((pid) => !tree.has(pid) && !claimed.has(pid));
  const kernelPids = outside.filter(isKernelThread);
  const otherPids = outside.filter((pid) => !isKernelThread(pid));

  const cores = cpus().length;
  const machine =
    ((s1.machine.busy - s0.machine.busy) / (s1.machine.total - s0.machine.total)) * 100;
  const shares = {
    rendererPid,
    renderer: cpuOf(rendererPid),
    gpu: sum(gpuPids),
    chromiumOther: sum(chromiumPids.filter((pid) => !gpuPids.includes(pid))),
    chromiumPids,
    main: ((s1.main.user + s1.main.system - s0.main.user - s0.main.system) / 1e6 / seconds) * 100,
    ffmpeg: sum(ffmpegPids),
    ended: reapedOf(process.pid),
    rig: sum(rigPids),
    display: sum(displayPids),
    benchOther: sum(benchOther),
    kernel: sum(kernelPids),
    otherPrograms: sum(otherPids) + otherPids.reduce((a, pid) => a + reapedOf(pid), 0),
    topOthers: otherPids
      .map((pid) => ({ pid, cpu: cpuOf(pid) + reapedOf(pid) }))
      .sort((a, b) => b.cpu - a.cpu)
      .slice(0, 3)
      .map(
        ({ pid, cpu }) =>
          `${commandLine(pid).split(' ')[0]?.split('/').pop() ?? '?'} ${String(pid)}: ${cpu.toFixed(0)} %`,
      ),
    steal:
      ((s1.machine.steal - s0.machine.steal) / (s1.machine.total - s0.machine.total)) * 100 * cores,
    machine,
    cores,
  };
  const accounted =
    shares.renderer +
    shares.gpu +
    shares.chromiumOther +
    shares.main +
    shares.ffmpeg +
    shares.ended +
    shares.rig +
    shares.display +
    shares.benchOther +
    shares.kernel +
    shares.otherPrograms +
    shares.steal;
  return { ...shares, unaccounted: Math.max(0, machine * cores - accounted) };
}
