import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/{unit,integration,conformance,mapping,sync,bundle,cli}/**/*.test.{ts,tsx}'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // One throwaway PostgreSQL cluster for the run (or MLC_TEST_PG_URL): the store contract tests.
          globalSetup: ['test/support/postgres.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // One browser at a time: CI machines have two cores.
          fileParallelism: false,
          // A busy two-core machine can take seconds to repaint; polls wait for it.
          expect: { poll: { timeout: 20_000, interval: 100 } },
        },
      },
    ],
  },
});
