// What keeping a camera ready costs (issue "Sub-second live" §2): a warm session with nobody
// watching, measured over a window on this machine: its ffmpeg's CPU and memory (PSS), main's
// CPU (the relay, the fMP4 splitter, the GOP cache), and the cache's bytes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeFfmpeg } from '../src/main/services/streaming/ffmpeg-binary';
import { createSourceResolver } from '../src/main/services/cameras/demo-camera';
import { StreamService } from '../src/main/services/streaming/stream-service';
import type { StreamSource } from '../src/main/services/streaming/source';
import { pssMb, sampleCpu } from './proc';

export interface WarmCost {
  /** % of one core. */
  ffmpegCpu: number;
  mainCpu: number;
  ffmpegPssMb: number;
  cacheMb: number;
  windowMs: number;
}

/** Keeps `source` ready for `settleMs`, then measures over `windowMs`; stops it after. */
export async function measureWarmCost(
  source: StreamSource,
  options: { ffmpeg: string; settleMs?: number; windowMs?: number },
): Promise<WarmCost> {
  const service = new StreamService({
    tempRoot: mkdtempSync(join(tmpdir(), 'vigil-bench-warm-')),
    sources: createSourceResolver((id) => (id === 'warm' ? source : undefined)),
    ffmpeg: () => probeFfmpeg({ env: { FFMPEG_BIN: options.ffmpeg } }),
    emit: () => undefined,
  });
  await service.init();
  try {
    await service.setKeepReady('warm', true);
    const deadline = Date.now() + 20_000;
    while (!service.list().some((s) => s.warm === true && s.state === 'live')) {
      if (Date.now() > deadline) throw new Error('the warm session did not go live in 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, options.settleMs ?? 3_000));
    const pid = service.pids()[0];
    if (pid === undefined) throw new Error('the warm session has no ffmpeg');
    const windowMs = options.windowMs ?? 10_000;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const load = await sampleCpu([pid], windowMs);
    const cpu1 = process.cpuUsage(cpu0);
    const seconds = (Date.now() - t0) / 1000;
    return {
      ffmpegCpu: load.perProcess[0] ?? NaN,
      mainCpu: ((cpu1.user + cpu1.system) / 1e6 / seconds) * 100,
      ffmpegPssMb: pssMb(pid),
      cacheMb: service.liveCacheBytes('warm') / 1e6,
      windowMs,
    };
  } finally {
    await service.shutdown();
  }
}
