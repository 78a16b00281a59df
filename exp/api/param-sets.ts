/**
 * @module The grammar of `-S [FILE:]KEY=VALUES` and the sweep it makes. VALUES is one or more
 * values separated by commas at the top level (a comma inside [], {} or quotes belongs to its
 * value); each value is parsed as YAML (`0.01` a number, `[64,32]` a list, `"a,b"` a string).
 * Several values make a sweep: every combination of the -S options (a grid), or N of them (--random N).
 */
import { parse } from 'yaml';
import { PipeError } from '../../runner/command/index.js';

export const DEFAULT_PARAMS_FILE = 'params.yaml';

/** One -S option: a key of a params file and the values to try. */
export interface ParamSet {
  readonly text: string;
  readonly file: string;
  /** Dotted key path, split. */
  readonly key: readonly string[];
  readonly values: readonly unknown[];
}

/** One value for one key: what an experiment writes into its params file. */
export interface ParamOverride {
  readonly file: string;
  readonly key: readonly string[];
  readonly value: unknown;
}

const bad = (text: string, why: string, extra: { file?: string; key?: string } = {}) =>
  new PipeError('EXP_SET_INVALID', `-S '${text}': ${why}. Write -S [FILE:]KEY=VALUE[,VALUE…], e.g. -S train.lr=0.01 or -S params.yaml:train.hidden=[32],[64,32]`, { set: text, ...extra });

export function parseParamSet(text: string): ParamSet {
  const eq = text.indexOf('=');
  if (eq <= 0) throw bad(text, eq === 0 ? 'no key before =' : "no '=' between the key and its value");
  const left = text.slice(0, eq);
  const colon = left.lastIndexOf(':');
  const file = colon >= 0 ? left.slice(0, colon) : DEFAULT_PARAMS_FILE;
  const keyText = colon >= 0 ? left.slice(colon + 1) : left;
  if (file === '') throw bad(text, "an empty file name before ':'");
  const key = keyText.split('.');
  if (key.some((k) => k.trim() === '' || k !== k.trim())) throw bad(text, `'${keyText}' is not a dotted key (a.b.c)`, { file, key: keyText });
  const values = splitValues(text, text.slice(eq + 1)).map((v) => {
    try {
      return parse(v) as unknown;
    } catch (err) {
      throw bad(text, `the value '${v}' is not valid YAML (${(err as Error).message.split('\n')[0]})`, { file, key: keyText });
    }
  });
  return { text, file, key, values };
}

/** Splits at commas outside brackets, braces and quotes; refuses empty values and unbalanced brackets. */
function splitValues(text: string, raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth < 0) throw bad(text, `an unmatched '${c}'`);
    } else if (c === ',' && depth === 0) {
      out.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  if (quote) throw bad(text, `an unclosed ${quote} quote`);
  if (depth > 0) throw bad(text, 'an unclosed bracket');
  out.push(raw.slice(start));
  if (out.some((v) => v.trim() === '')) throw bad(text, raw === '' ? 'no value after =' : 'an empty value between commas');
  return out.map((v) => v.trim());
}

/** Every combination (the grid), in the order the options and their values were given; or `random` distinct ones of them. */
export function sweep(sets: readonly ParamSet[], { random }: { random?: number } = {}): ParamOverride[][] {
  const seen = new Set<string>();
  for (const s of sets) {
    const id = `${s.file}:${s.key.join('.')}`;
    if (seen.has(id)) throw bad(s.text, `${id} is set twice; give its values in one -S, separated by commas`, { file: s.file, key: s.key.join('.') });
    seen.add(id);
  }
  let grid: ParamOverride[][] = [[]];
  for (const s of sets) grid = grid.flatMap((combo) => s.values.map((value) => [...combo, { file: s.file, key: s.key, value }]));
  if (random === undefined || random >= grid.length) return grid;
  const pool = [...grid];
  const picked: ParamOverride[][] = [];
  while (picked.length < random) picked.push(...pool.splice(Math.floor(Math.random() * pool.length), 1));
  return picked;
}

/** `file:key=value` as the user would type it (params.yaml: left out). */
export function formatOverride(o: ParamOverride): string {
  const file = o.file === DEFAULT_PARAMS_FILE ? '' : `${o.file}:`;
  return `${file}${o.key.join('.')}=${JSON.stringify(o.value)}`;
}
