import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // Monte-Carlo checks of the statistics (false-rollback rate, power): minutes, not seconds, so
        // they stay out of the quick unit loop and run in CI next to it.
        test: {
          name: 'validity',
          include: ['test/validity/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/preflight.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/preflight.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // rampart's own attack suite against real `rampart run` processes on loopback (test/attack/).
        test: {
          name: 'attack',
          include: ['test/attack/**/*.test.ts'],
          globalSetup: ['test/support/preflight.ts'],
          environment: 'node',
          testTimeout: 420_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
