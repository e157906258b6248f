import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import electron from 'electron';

const require = createRequire(import.meta.url);
export const BUILT_MAIN = fileURLToPath(new URL('../../out/main/index.js', import.meta.url));

/** Loads out/main/index.js (as `npm run build` made it) with the shared fake electron. */
export function loadBuiltMain(): void {
  if (!existsSync(BUILT_MAIN))
    throw new Error('out/main/index.js is missing: run npm run build first');
  const id = require.resolve('electron');
  // The bundle is CommonJS and requires 'electron': hand it the fake through the cache.
  require.cache[id] = {
    id,
    filename: id,
    loaded: true,
    exports: electron,
  } as unknown as NodeJS.Module;
  require(BUILT_MAIN);
}
