/** @module The suite's own vitest config plus bench/suite-cpu-probe.ts, for bench/suite-cpu.mjs. */
import { mergeConfig } from 'vitest/config';
import base from '../vitest.config.js';

export default mergeConfig(base, { test: { setupFiles: ['./bench/suite-cpu-probe.ts'] } });
