/** @module The output options of `params diff`, `metrics show|diff`, `gate` and `report` (--json or --md, --precision N), and what their help says about revisions. */
import type { OptionSpec } from './command.js';
import { DEFAULT_PRECISION } from '../diff/format-value.js';
import type { RenderOptions } from '../diff/render-diff.js';
import { PipeError } from '../errors.js';

/** --json (whose shape `jsonShape` describes), --md, --precision N. */
export function diffOutputOptions(jsonShape: string) {
  return {
    json: { type: 'boolean', help: `JSON: ${jsonShape}` },
    md: { type: 'boolean', help: 'a GitHub Markdown table' },
    precision: { type: 'string', valueName: 'N', help: 'significant digits of non-integer numbers (default 5)' },
  } as const satisfies Record<string, OptionSpec>;
}

export const revisionsHelp = `Revisions are anything git understands: HEAD~1, main, origin/dev, a tag, a full or
abbreviated commit id, or 'workspace'. Exits 0 whether or not something changed, 2 for an
unknown revision.`;

/** The parsed output flags, or a usage error naming the flag. */
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
