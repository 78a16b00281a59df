/** @module What the last `pipe repro` did to each stage and how long it took (.pipe/tmp/last-repro.json), for `pipe report`. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/write-file-atomic.js';
import { LOCK_FILE } from '../../lockfile/lock.js';
import { pipeDir } from '../../repo/pipe-dir.js';
import { firstReason } from '../../stage/reason.js';
import type { ReproReporter, StageEvent } from './repro-events.js';

export const RUN_RECORD_SCHEMA = 1;

export type StageOutcome = 'ran' | 'restored' | 'skipped' | 'frozen' | 'failed' | 'not-run';

export interface StageRecord {
  readonly stage: string;
  readonly outcome: StageOutcome;
  /** Why it ran or was restored; why it failed; which upstream stage kept it from running. */
  readonly reason?: string;
  /** Wall-clock milliseconds of running (or restoring) it. */
  readonly ms?: number;
}

export interface RunRecord {
  readonly schema: typeof RUN_RECORD_SCHEMA;
  readonly started: string;
  readonly finished: string;
  readonly ok: boolean;
  /** sha256 of data.lock when the run ended: a report tells a record of this lock from a stale one. */
  readonly lock: string | undefined;
  readonly stages: readonly StageRecord[];
}

export function runRecordPath(root: string): string {
  return join(pipeDir(root).tmp, 'last-repro.json');
}

/** Passes every event on to `inner` and remembers what became of each stage, in the order they finished. */
export class RunRecorder {
  readonly reporter: ReproReporter;
  readonly #started = new Date();
  readonly #stages = new Map<string, StageRecord>();
  readonly #reasons = new Map<string, string>();

  constructor(inner: ReproReporter) {
    this.reporter = {
      event: (e) => {
        this.#record(e);
        inner.event(e);
      },
      note: (t) => inner.note(t),
      line: (stage, stream, text) => inner.line(stage, stream, text),
    };
  }

  #record(e: StageEvent): void {
    switch (e.kind) {
      case 'running':
        this.#reasons.set(e.stage, firstReason(e.reasons));
        return;
      case 'would-run':
        return;
      case 'done':
        this.#stages.set(e.stage, { stage: e.stage, outcome: 'ran', reason: this.#reasons.get(e.stage), ms: e.ms });
        return;
      case 'restored':
        this.#stages.set(e.stage, { stage: e.stage, outcome: 'restored', reason: firstReason(e.reasons), ms: e.ms });
        return;
      case 'stored':
        this.#stages.set(e.stage, { stage: e.stage, outcome: 'skipped', reason: firstReason(e.reasons), ms: e.ms });
        return;
      case 'skipped':
        this.#stages.set(e.stage, { stage: e.stage, outcome: e.why === 'frozen' ? 'frozen' : 'skipped' });
        return;
      case 'failed':
        this.#stages.set(e.stage, { stage: e.stage, outcome: 'failed', reason: e.message, ms: e.ms });
        return;
      case 'blocked':
        this.#stages.set(e.stage, { stage: e.stage, outcome: 'not-run', reason: `upstream stage ${e.upstream} failed` });
        return;
    }
  }

  /** Writes the record (atomically); a report must never be the reason a run fails, so errors are swallowed. */
  save(root: string, ok: boolean): void {
    const record: RunRecord = {
      schema: RUN_RECORD_SCHEMA,
      started: this.#started.toISOString(),
      finished: new Date().toISOString(),
      ok,
      lock: lockDigest(root),
      stages: [...this.#stages.values()],
    };
    try {
      // Written at the end of every run, no-op ones included: an fsync here cost ~9 ms of a
      // 400-stage no-op run, and a record lost in a power cut reads as no record.
      writeFileAtomic(runRecordPath(root), `${JSON.stringify(record, null, 1)}\n`, { sync: false });
    } catch {
      // .pipe/tmp is ours; when it cannot be written the next command says so.
    }
  }
}

export function lockDigest(root: string): string | undefined {
  try {
    return `sha256:${createHash('sha256').update(readFileSync(join(root, LOCK_FILE))).digest('hex')}`;
  } catch {
    return undefined;
  }
}

/** The last run's record, or undefined when there is none (or it is from another version of pipe). */
export function readRunRecord(root: string): RunRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(runRecordPath(root), 'utf8')) as RunRecord;
    return value.schema === RUN_RECORD_SCHEMA && Array.isArray(value.stages) ? value : undefined;
  } catch {
    return undefined;
  }
}
