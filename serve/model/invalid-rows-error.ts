/** @module The error of predicting rows that are not valid model input: which rows, and per field what is wrong. */
import type { RowError } from './validate-row.js';

export interface InvalidRow {
  /** Position in the rows given to predict. */
  readonly index: number;
  readonly errors: readonly RowError[];
}

export class InvalidRowsError extends Error {
  override name = 'InvalidRowsError';
  readonly code = 'ROWS_INVALID';

  constructor(readonly rows: readonly [InvalidRow, ...InvalidRow[]]) {
    const [first] = rows;
    super(
      `${rows.length === 1 ? '1 row is' : `${rows.length} rows are`} not valid model input; row ${first.index}: ` +
        `${first.errors.map((e) => e.message).join('; ')}. Check rows with validateRow before predicting.`,
    );
  }
}
