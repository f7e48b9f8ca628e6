import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (issue 6): fault-injection and hostile-input scenarios, each printing its figures.
 * RELIABILITY_PROFILE=full (npm run test:reliability) runs them at the sizes the README's Guarantees table
 * quotes; the default `ci` profile runs every scenario smaller, inside `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 120_000,
    // The CLI processes tests start run a JavaScript copy of src built once per run (see the file).
    globalSetup: ['test/helpers/global-build.ts'],
    pool: 'forks',
    // Scenarios kill processes, restart Redis servers and measure rates: one at a time, so their figures
    // are not each other's noise.
    maxWorkers: 1,
    minWorkers: 1,
    fileParallelism: false,
    passWithNoTests: true,
    reporters: ['default'],
  },
});
