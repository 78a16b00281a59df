/**
 * @module Reads a stage's section of params.yaml and checks each value it uses, so a typo fails
 * with the key, what was expected and what was found instead of a NaN deep inside a stage.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Section = Readonly<Record<string, unknown>>;

export class ParamsError extends Error {
  override name = 'ParamsError';
}

/** The mapping at `section` of a params file (default `params.yaml` in the working directory). */
export function readParams(section: string, file = 'params.yaml'): Params {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ParamsError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const value = (doc as Record<string, unknown> | null)?.[section];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ParamsError(`${file}: expected a mapping "${section}:" with the stage's parameters`);
  }
  return new Params(file, section, value as Section);
}

export class Params {
  constructor(
    readonly file: string,
    readonly section: string,
    private readonly values: Section,
  ) {}

  private fail(key: string, expected: string, got: unknown): never {
    throw new ParamsError(`${this.file}: ${this.section}.${key} must be ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`);
  }

  number(key: string, { min = -Infinity, max = Infinity, integer = false } = {}): number {
    const v = this.values[key];
    const expected = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) this.fail(key, expected, v);
    return v;
  }

  integers(key: string, { min = -Infinity } = {}): number[] {
    const v = this.values[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min)) {
      this.fail(key, `a list of integers${min > -Infinity ? ` ≥ ${min}` : ''}`, v);
    }
    return v as number[];
  }

  oneOf<T extends string>(key: string, choices: readonly T[]): T {
    const v = this.values[key];
    if (typeof v !== 'string' || !choices.includes(v as T)) this.fail(key, `one of ${choices.join(', ')}`, v);
    return v as T;
  }
}
