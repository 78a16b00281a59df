/**
 * @module Timeouts for e2e tests that do a lot of work, sized for a loaded 2-core machine (load
 * average ~14, the other core saturated). They detect hangs; they are not speed checks, so they
 * are several times what such a machine was seen to need. Everything else gets vitest.config.ts's
 * default.
 */

/** Per test, for files whose tests run pipe ten to thirty times (branches, clones, remotes, s3rver). */
export const MANY_RUNS = { timeout: 600_000 } as const;

/** Per test, for the example pipeline (tsx stage programs, TF.js training). */
export const EXAMPLE_PIPELINE = { timeout: 900_000 } as const;

/** Per pipe process in the example pipeline (PipeOptions.timeoutMs): below EXAMPLE_PIPELINE, so a hung run fails with its output. */
export const EXAMPLE_PIPELINE_RUN_MS = 600_000;
