/**
 * @module Live drift for the inference service (docs/formats.md, "Reference profile"): a monitor
 * fed each served row and score, compared with the model package's reference profile. It imports
 * only the model runtime (serve/model/).
 */
export { createDriftMonitor, type ColumnDrift, type DriftMonitor, type DriftSnapshot } from './drift-monitor.js';
export {
  DRIFT_DEFAULTS,
  DriftOptionError,
  type DriftOptionErrorData,
  type DriftOptions,
  type DriftWindow,
} from './drift-options.js';
