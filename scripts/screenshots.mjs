// npm run screenshots: builds nothing itself (the npm script builds first) and runs
// scripts/screenshots.mts, which saves the README's pictures into docs/screenshots/.
// The test run itself never writes into docs/.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/screenshots.mts'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
