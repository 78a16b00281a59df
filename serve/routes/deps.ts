/** @module What every route of the service is built from: the scorer, the model's description, the metrics and the limits (createApp's one options object). */
import type { DriftMonitor } from '../drift/index.js';
import type { ServeMetrics } from '../metrics.js';
import type { ModelInfo } from '../model-info.js';
import type { Scorer } from '../scorer.js';

export interface ServeDeps {
  readonly scorer: Scorer;
  readonly info: ModelInfo;
  readonly metrics: ServeMetrics;
  /** Whether the service takes predictions now (false while it shuts down). */
  readonly isReady: () => boolean;
  readonly limits: { readonly predictBytes: number; readonly batchBytes: number };
  /** Live drift against the model's reference profile; absent when the package has none. */
  readonly drift?: DriftMonitor;
  /** GET /metrics' text when it is not this process's registry alone: a worker of `pipe serve --workers N` answers for all of them. */
  readonly exposition?: () => Promise<string>;
}
