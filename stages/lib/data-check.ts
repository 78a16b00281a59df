/** @module One data check's result, as written to metrics/validation.json and the HTML report. */
import { round } from './round.js';

export interface DataCheck {
  /** `kind:column` for a per-column check (`missing_share:tenure_months`), `kind` for a table-wide one. */
  readonly name: string;
  readonly column?: string;
  readonly value: number;
  /** Passes when `value op threshold`. */
  readonly op: '<=' | '>=';
  readonly threshold: number;
  readonly pass: boolean;
  /** What a person needs to fix a failure, e.g. the offending values. */
  readonly detail?: string;
}

export function dataCheck(kind: string, column: string | undefined, value: number, op: '<=' | '>=', threshold: number, detail?: string): DataCheck {
  const pass = op === '<=' ? value <= threshold : value >= threshold;
  return {
    name: column === undefined ? kind : `${kind}:${column}`,
    ...(column === undefined ? {} : { column }),
    value: round(value),
    op,
    threshold,
    pass,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** "what: a few distinct examples" of offending values, or undefined when there are none. */
export function offending(what: string, values: readonly string[], max = 5): string | undefined {
  if (values.length === 0) return undefined;
  const distinct = [...new Set(values)];
  const shown = distinct.slice(0, max).map((v) => JSON.stringify(v));
  return `${what}: ${shown.join(', ')}${distinct.length > max ? `, … (${distinct.length} distinct)` : ''}`;
}
