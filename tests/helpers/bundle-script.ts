import { build } from 'vite';

/**
 * Bundles one TypeScript module (and what it imports) into a single classic script that
 * defines `window[name]`, for pages that load it with addInitScript or a <script> tag: the
 * browser harness's preload, the MSE player's own page, the benchmark's page.
 */
export async function bundleScript(entry: string, name: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['iife'], name } },
  });
  for (const output of Array.isArray(result) ? result : [result]) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((o) => o.type === 'chunk');
    if (chunk && 'code' in chunk) return chunk.code;
  }
  throw new Error(`could not bundle ${entry}`);
}
