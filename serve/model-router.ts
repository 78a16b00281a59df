/**
 * @module Which model answers a request: the primary (from the ModelSlot, so a hot reload swaps
 * it), or for the canary's share of callers the canary while its guard lets it; and the shadow
 * that scores beside. A request takes its model once, at the start, and keeps it to the end.
 */
import type { CanaryGuard } from './canary/canary-guard.js';
import type { CanaryKey } from './canary/canary-key.js';
import { inCanary } from './canary/caller-bucket.js';
import type { ModelSlot } from './habits/index.js';
import type { LoadedModel } from './loaded-model.js';

export interface Canary {
  readonly model: LoadedModel;
  /** Percent of callers (0–100). */
  readonly weight: number;
  readonly key: CanaryKey;
  readonly guard: CanaryGuard;
}

export interface Choice {
  readonly model: LoadedModel;
  readonly role: 'primary' | 'canary';
  /** Lets go of the model (a retired primary is disposed after its last request). Idempotent. */
  release(): void;
}

const nothing = () => {};

export class ModelRouter {
  constructor(
    readonly slot: ModelSlot<LoadedModel>,
    readonly canary?: Canary,
    readonly shadow?: LoadedModel,
  ) {}

  /** The primary serving now (what GET /model describes). */
  get primary(): LoadedModel {
    return this.slot.current;
  }

  /** The primary, held until release(). */
  primaryChoice(): Choice {
    const lease = this.slot.acquire();
    return { model: lease.model, role: 'primary', release: lease.release };
  }

  /**
   * The model for this caller: the canary when the caller's key falls in its share and it has not
   * been cut off, else the primary. `callerKey` is only computed when there is a canary to split for.
   */
  choose(callerKey: () => string): Choice {
    const canary = this.canary;
    if (canary && canary.guard.active && inCanary(callerKey(), canary.weight)) return { model: canary.model, role: 'canary', release: nothing };
    return this.primaryChoice();
  }
}
