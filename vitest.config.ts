import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['cli/**/*.test.ts', 'runner/**/*.test.ts', 'reports/**/*.test.ts', 'registry/**/*.test.ts', 'exp/**/*.test.ts', 'serve/**/*.test.ts', 'stages/**/*.test.ts', 'test/**/*.test.ts'],
    // Each e2e test keeps about one pipe process busy at a time (tests inside a file run one
    // after another; see test/helpers/temp-dir.ts for why), so the number of files running side
    // by side is the number of pipe processes: two per core keeps the cores busy while some tests
    // wait on a child, and starves none on a loaded machine. On 2 cores with the other core
    // saturated and load ~13, six e2e files took 497 s with 2 workers, 295 s with 3, 243 s with 4
    // (the longest file alone then takes ~225 s), for the same ~104 s of CPU. With 130 files,
    // many of which wait on children, s3rver or frozen servers, three per core fill the waits:
    // beside a CPU hog, vitest took 570 s with 4 workers and 515 s with 6 (npm ci + npm test 10m54s → 10m09s).
    pool: 'forks',
    maxWorkers: 3 * availableParallelism(),
    // A bound for any describe.concurrent that comes back: never more than two tests of a file at once.
    maxConcurrency: 2,
    // Hang detectors, not speed checks: generous for a loaded machine. Files doing much more work
    // (many pipe runs, s3rver, the example pipeline) set their own (test/helpers/timeouts.ts).
    testTimeout: 240_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
  },
});
