import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests share one Redis and spawn worker processes: two files at a time fit 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
