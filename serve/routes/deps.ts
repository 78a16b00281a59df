/** @module What every route of the service is built from: the models (primary, canary, shadow), the metrics and the limits (createApp's one options object). */
import type { LoadedModel } from '../loaded-model.js';
import type { ServeMetrics } from '../metrics.js';
import type { ModelRouter } from '../model-router.js';

export interface ServeDeps {
  readonly models: ModelRouter;
  readonly metrics: ServeMetrics;
  /** Whether the service takes predictions now (false while it shuts down). */
  readonly isReady: () => boolean;
  readonly limits: { readonly predictBytes: number; readonly batchBytes: number };
  /** Told when the canary or the shadow fails to score (the caller never sees it: the primary answers, or nothing changes). */
  readonly onSideError?: (role: 'canary' | 'shadow', model: LoadedModel, error: unknown) => void;
  /** Whether the primary holds the registry stage it was served as (with --watch: false while the stage has no holder, or the load of its holder failed); GET /model's stage is null when not. Default: it does. */
  readonly stageHeld?: () => boolean;
  /** GET /metrics' text when it is not this process's registry alone: a worker of `pipe serve --workers N` answers for all of them. */
  readonly exposition?: () => Promise<string>;
}
