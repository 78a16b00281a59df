import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Every Node process the suite starts (vitest's workers, ~1,500 pipe processes, the stages' tsx,
// s3rver) would parse the system CA bundle when NODE_EXTRA_CA_CERTS is set (as on the 2-core
// machine this suite is measured on): +55 ms of CPU per start (pipe --version 0.12 → 0.17 s, a
// small repro 0.45 → 0.51 s). No test makes a TLS connection to a host outside the machine, so
// the workers and everything under them start without it; bench/ drops it the same way.
delete process.env.NODE_EXTRA_CA_CERTS;

export default defineConfig({
  test: {
    projects: [
      // Unit tests beside the source (~100 files, ~1 s of CPU each) share their workers: one
      // worker runs many files one after another (isolate: false), so each file no longer pays
      // for a fresh Node process and a fresh load of vitest and the modules it imports. Measured
      // on these folders: 141 → 102 s of CPU. They keep no state across files (what a test changes
      // in process.env or the timers it restores itself), and each still owns its directories.
      { extends: true, test: { name: 'unit', include: ['cli/**/*.test.ts', 'runner/**/*.test.ts', 'reports/**/*.test.ts', 'registry/**/*.test.ts', 'exp/**/*.test.ts', 'serve/**/*.test.ts', 'stages/**/*.test.ts'], isolate: false } },
      // test/: a worker of its own per file, as test/helpers/temp-dir.ts's per-file directories and
      // the processes it stops when they go assume.
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'] } },
    ],
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
