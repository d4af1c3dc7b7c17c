import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tfjs backends are process-global state; forks keep test files isolated from each other.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
