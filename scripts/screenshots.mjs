// npm run screenshots: runs the browser e2e suite with VIGIL_SCREENSHOTS=1, which saves the
// README's pictures into docs/screenshots/. The test run itself never writes into docs/.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--project', 'e2e', 'tests/e2e/app.e2e.test.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, VIGIL_SCREENSHOTS: '1' } },
);
if (result.error) throw result.error;
if (result.status === 0) console.log('screenshots saved in docs/screenshots/');
process.exit(result.status ?? 1);
