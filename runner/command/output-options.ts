/** @module Reads the output flags shared by `params diff` and `metrics show|diff`: --json or --md, --precision N. */
import { PipeError } from '../errors.js';
import { DEFAULT_PRECISION } from '../diff/format-value.js';
import type { RenderOptions } from '../diff/render-diff.js';

export function outputOptions(command: string, values: Readonly<Record<string, unknown>>, keyHeader: string): RenderOptions {
  if (values.json && values.md) {
    throw new PipeError('USAGE', `choose one output format, not --json and --md (pipe ${command})`, { command, flag: '--md' });
  }
  const raw = values.precision as string | undefined;
  const precision = raw === undefined ? DEFAULT_PRECISION : Number(raw);
  // toPrecision accepts 1..100.
  if (!Number.isInteger(precision) || precision < 1 || precision > 100) {
    throw new PipeError('USAGE', `--precision expects a whole number from 1 to 100, got '${raw}' (pipe ${command})`, { command, flag: '--precision' });
  }
  return { format: values.json ? 'json' : values.md ? 'md' : 'table', precision, keyHeader };
}
