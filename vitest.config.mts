import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fakeElectron = fileURLToPath(new URL('./tests/fakes/electron.ts', import.meta.url));

export default defineConfig({
  test: {
    // Integration tests spawn real ffmpeg and cameras: keep a 2-core machine calm.
    maxWorkers: 2,
    // Every report goes under test-results/ (gitignored); scripts/test-summary.mjs reads it.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Timeouts are sized for a 2-core machine that runs several suites at once on cold
    // caches: room for slowness, still short enough to end a hang. Heavy tests in a fast
    // project (ESLint's type-aware program, stand-in ffmpeg processes) set their own.
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // Main's Electron adapters against one shared fake electron module.
        resolve: { alias: { electron: fakeElectron } },
        test: {
          name: 'shell',
          include: ['tests/shell/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['tests/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/packaging/**/*.test.ts'],
          environment: 'node',
          // Real ffmpeg and fake cameras: most tests take 1–8 s here under load.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // The built renderer in Debian Chromium against the real services (npm run build first).
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          // beforeAll starts the fake cameras and ONVIF simulator, bundles the page preload,
          // launches Chromium and waits for the first status check.
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Playwright's _electron against the real app; skips (with one line) where no Electron binary exists.
          name: 'electron',
          include: ['tests/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The camera-facing tests, aimed at VIGIL_TEST_RTSP_URL (npm run test:camera).
          name: 'camera',
          include: ['tests/integration/camera.test.ts', 'tests/integration/camera-onvif.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
