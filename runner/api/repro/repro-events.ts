/** @module What `repro` tells its caller about each stage, as it happens. */
import type { Reason } from '../../stage/reason.js';
import type { StageOutput } from '../../exec/run-stage.js';

export type StageEvent =
  | { readonly kind: 'skipped'; readonly stage: string; readonly why: 'up-to-date' | 'frozen' }
  | { readonly kind: 'blocked'; readonly stage: string; readonly upstream: string }
  | { readonly kind: 'running'; readonly stage: string; readonly reasons: readonly Reason[] }
  | { readonly kind: 'would-run'; readonly stage: string; readonly reasons: readonly Reason[] }
  | { readonly kind: 'restored'; readonly stage: string; readonly reasons: readonly Reason[]; readonly ms: number }
  | { readonly kind: 'done'; readonly stage: string; readonly ms: number }
  /** Its outs were up to date but not in the cache: stored, not run. */
  | { readonly kind: 'stored'; readonly stage: string; readonly reasons: readonly Reason[]; readonly ms: number }
  | { readonly kind: 'failed'; readonly stage: string; readonly ms: number; readonly message: string };

export interface ReproReporter extends StageOutput {
  event(e: StageEvent): void;
  /** A note that is not about one stage (waiting for the mutex, interrupting). */
  note(text: string): void;
}

export const silentReporter: ReproReporter = {
  event: () => {},
  note: () => {},
  line: () => {},
};
