// The camera wall setups on their own:
//   node --import tsx bench/run-wall.ts [--quick] [--repeats N] [--write]
// (after npm run build). Prints the wall's section; --write puts the results into
// docs/benchmarks.json (its wall and wallFour only) and replaces the wall's goal row and section
// in docs/benchmarks.md, leaving the rest of both as the last full run wrote them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasGstreamerRtsp } from '../tests/fixtures/fake-camera';
import type { Results } from './report';
import { wallGoalRow, wallSection } from './report-wall';
import { wallSetups } from './wall-setups';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const WRITE = argv.includes('--write');
const REPEATS = argv.includes('--repeats')
  ? Number(argv[argv.indexOf('--repeats') + 1])
  : undefined;
const ROOT = new URL('..', import.meta.url).pathname;
const DOCS = join(ROOT, 'docs');

/** Replaces the goal row and the `## Camera wall` section (up to the next `## `) in the report. */
function spliceWall(markdown: string, goalRow: string, section: string[]): string {
  const lines = markdown.split('\n');
  const row = lines.findIndex((l) => l.startsWith('| 4×4 wall'));
  if (row < 0) throw new Error('docs/benchmarks.md has no wall goal row');
  lines[row] = goalRow;
  const start = lines.findIndex((l) => l.startsWith('## Camera wall'));
  if (start < 0) throw new Error('docs/benchmarks.md has no Camera wall section');
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  lines.splice(start, (next < 0 ? lines.length : next) - start, ...section);
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (!hasGstreamerRtsp()) throw new Error('the wall needs the GStreamer RTSP server (see README)');
  if (!existsSync(join(ROOT, 'out/renderer/wall.html'))) throw new Error('run npm run build first');
  const { wall, wallFour } = await wallSetups({
    quick: QUICK,
    ...(REPEATS ? { repeats: REPEATS } : {}),
  });
  const section = wallSection(wall, wallFour);
  console.log([wallGoalRow(wall), '', ...section].join('\n'));
  if (!WRITE) return;
  if (QUICK) throw new Error('--write takes a full run (not --quick)');
  const jsonPath = join(DOCS, 'benchmarks.json');
  const results = JSON.parse(readFileSync(jsonPath, 'utf8')) as Results;
  writeFileSync(jsonPath, `${JSON.stringify({ ...results, wall, wallFour }, null, 2)}\n`);
  const mdPath = join(DOCS, 'benchmarks.md');
  writeFileSync(mdPath, spliceWall(readFileSync(mdPath, 'utf8'), wallGoalRow(wall), section));
  console.log(
    '[bench] docs/benchmarks.json (wall, wallFour) and the wall parts of docs/benchmarks.md written',
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
