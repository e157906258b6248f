// npm run soak [-- --minutes 30] [-- --seed N] [-- --note "what else ran on the machine"]
// The 30-minute soak; writes docs/soak.md (and only this command does). Exit status 1 when a
// budget is broken: the report is written either way.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasGstreamerRtsp } from '../../fixtures/fake-camera';
import { e2eAvailable } from '../harness';
import { judge, SOAK_BUDGETS, SOAK_SETTINGS } from './budgets';
import { soakReport } from './report';
import { runSoak } from './runner';

const REPORT = fileURLToPath(new URL('../../../docs/soak.md', import.meta.url));

function flag(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function main(): Promise<number> {
  const available = e2eAvailable();
  if (!available.ok) throw new Error(available.why);
  if (!hasGstreamerRtsp())
    throw new Error('the GStreamer RTSP server (python3-gi) is not installed');
  const minutes = Number(flag('minutes') ?? 30);
  if (!(minutes >= 1)) throw new Error('--minutes wants a number of minutes, at least 1');
  const seed = Number(
    flag('seed') ?? process.env.VIGIL_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31),
  );
  if (!Number.isSafeInteger(seed)) throw new Error('--seed wants a whole number');
  const note = flag('note') ?? process.env.VIGIL_SOAK_NOTE ?? '';
  if (!(globalThis as { gc?: unknown }).gc)
    console.warn('node runs without --expose-gc: RSS samples are taken without a full GC first');
  console.log(
    `soak: ${String(minutes)} min, seed ${String(seed)} (repeat with --seed ${String(seed)})`,
  );
  const result = await runSoak({
    ...SOAK_SETTINGS,
    durationMs: minutes * 60_000,
    // A short run still has samples after its warm-up to compare.
    warmupMs: Math.min(SOAK_SETTINGS.warmupMs, (minutes * 60_000) / 3),
    seed,
    log: (line) => console.log(line),
  });
  const broken = judge(result, SOAK_BUDGETS);
  writeFileSync(REPORT, soakReport(result, SOAK_BUDGETS, broken, note));
  console.log(`wrote ${REPORT}`);
  for (const line of broken) console.log(`BROKEN: ${line}`);
  console.log(
    broken.length ? `soak: ${String(broken.length)} budgets broken` : 'soak: every budget kept',
  );
  return broken.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
