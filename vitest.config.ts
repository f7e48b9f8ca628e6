import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    // Deadlines for a hung test, not measures of speed: CI machines are not quiet, and a CLI test that
    // spawns tsx processes took over 60 s at a load average of 18 on 2 cores.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The CLI processes tests start run a JavaScript copy of src built once per run (see the file).
    globalSetup: ['test/helpers/global-build.ts'],
    pool: 'forks',
    // Integration tests share one Redis and spawn worker processes: two files at a time fit 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
