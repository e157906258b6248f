import { defineConfig } from 'vitest/config';

const integration = ['tests/integration/**/*.test.ts'];

export default defineConfig({
  test: {
    // Integration tests spawn real ffmpeg and cameras: keep a 2-core machine calm.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: integration,
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // Same integration tests, aimed at a real camera through VIGIL_TEST_RTSP_URL.
          name: 'camera',
          include: ['tests/camera/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
