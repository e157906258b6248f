import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraFile } from '../../src/main/services/cameras/camera-file';
import { versionList } from '../fixtures/camera-writer/writer';

const writerSource = fileURLToPath(new URL('../fixtures/camera-writer/writer.ts', import.meta.url));
const RUNS = 200;
const LANES = 2;
const scratch: string[] = [];

/**
 * Bundles the writer (and CameraFile with its dependencies) into one CommonJS file, so each
 * of the 200 runs starts plain node (~0.2 s on a loaded 2-core machine) instead of node + tsx
 * (~1.5 s): the same code under kill -9, in a fraction of the time.
 */
async function bundleWriter(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'vigil-writer-'));
  scratch.push(outDir);
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: writerSource,
      outDir,
      minify: false,
      // CommonJS: write-file-atomic reads __filename.
      rollupOptions: { output: { format: 'cjs', entryFileNames: 'writer.cjs' } },
    },
    ssr: { noExternal: true },
  });
  return join(outDir, 'writer.cjs');
}

/** Starts the writer, lets it write for a random moment, SIGKILLs it; returns the last committed version. */
function writeAndKill(writer: string, path: string, start: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, path, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let committed = start - 1;
    let out = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/COMMITTED (\d+)/g))
        committed = Math.max(committed, Number(m[1]));
      if (out.includes('READY') && !child.killed) {
        // Kill somewhere in the next few writes: before, during or between them.
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 25);
        out = out.replace('READY', '');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`writer ended by itself (code ${String(code)}): ${stderr}`));
      else resolve(committed);
    });
  });
}

describe('camera file under kill -9', () => {
  let writer = '';
  // Bundling takes ~1 s; a cold, loaded machine gets room.
  beforeAll(async () => {
    writer = await bundleWriter();
  }, 60_000);
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  // 200 runs take ~15 s here idle and ~40 s while other suites load the machine; the
  // timeout is for a writer that hangs, not for a slow machine.
  it(`after ${String(RUNS)} writers killed mid-write, the file is always a whole old or new version`, async () => {
    const outcomes = { old: 0, newer: 0 };
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
        scratch.push(dir);
        const path = join(dir, 'cameras.json');
        let version = 0;
        for (let run = 0; run < RUNS / LANES; run++) {
          const committed = await writeAndKill(writer, path, version + 1);
          const result = await new CameraFile(path).load();
          expect(result.warnings).toEqual([]);
          const names = new Set(result.cameras.map((c) => c.name));
          expect(names.size).toBeLessThanOrEqual(1);
          const found = result.cameras.length
            ? Number(result.cameras[0]?.id.split('-')[0]?.slice(1))
            : 0;
          // Either the last version it confirmed, or the one it was writing when killed.
          expect([committed, committed + 1]).toContain(found);
          expect(result.cameras).toEqual(found === 0 ? [] : versionList(found));
          if (found === committed) outcomes.old++;
          else outcomes.newer++;
          // load() swept the temp files the killed writer left behind.
          expect(readdirSync(dir).filter((f) => /\.\d+$/.test(f))).toEqual([]);
          version = found;
        }
      }),
    );
    console.log(
      `kill -9 runs: ${String(outcomes.old)} kept the confirmed version, ${String(outcomes.newer)} had the in-flight one`,
    );
    expect(outcomes.old + outcomes.newer).toBe(RUNS);
  }, 180_000);
});
