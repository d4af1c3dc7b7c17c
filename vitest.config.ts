import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**', 'test/e2e/**'],
          // tfjs backends are process-global state; forks keep test files isolated from each other.
          pool: 'forks',
        },
      },
      {
        // Renderer component tests: Svelte compiled for the browser, run in happy-dom.
        extends: true,
        plugins: [svelte({ configFile: 'renderer/svelte.config.js' }), svelteTesting()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        // End to end: the built renderer in real Chromium against `gan-studio serve`.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          pool: 'forks',
          testTimeout: 900_000,
          hookTimeout: 300_000,
          expect: { poll: { timeout: 15_000, interval: 200 } },
        },
      },
    ],
  },
});
