/** @module Flattens a parsed params or metrics file into dotted keys (`train.lr`, `checks[rows].value`) and leaf values. */

export interface FlattenOptions {
  /**
   * Key a list of mappings by each entry's `name` (else `id`) when every entry has one and no two
   * share it (`checks[psi:tenure].value`), so that inserting an entry compares like with like.
   * For metrics; params keep indices, as params keys are written.
   */
  readonly keyByName?: boolean;
}

export interface Flattened {
  readonly values: Map<string, unknown>;
  /** Each list of mappings or lists that was walked into: its key → its length. */
  readonly lists: Map<string, number>;
}

/**
 * Mappings are walked into (`a.b`); lists that hold mappings or lists are walked by index
 * (`checks.0.value`, as params keys are written) or, with keyByName, by name; lists of plain
 * values (`hidden: [64, 32]`), empty mappings and scalars are leaves. A file holding a single
 * scalar gives the key ''. An empty file gives no keys.
 */
export function flattenValue(value: unknown, options: FlattenOptions = {}): Map<string, unknown> {
  return flattenWithLists(value, options).values;
}

export function flattenWithLists(value: unknown, { keyByName = false }: FlattenOptions = {}): Flattened {
  const values = new Map<string, unknown>();
  const lists = new Map<string, number>();
  const join = (prefix: string, k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  const visit = (v: unknown, key: string): void => {
    if (isRecord(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) visit(child, join(key, k));
    } else if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
      lists.set(key, v.length);
      const field = keyByName ? nameField(v) : undefined;
      v.forEach((child, i) => {
        if (field === undefined) return visit(child, join(key, String(i)));
        const { [field]: name, ...rest } = child as Record<string, unknown>;
        const at = `${key}[${String(name)}]`;
        if (Object.keys(rest).length === 0) values.set(at, {});
        else visit(rest, at);
      });
    } else {
      values.set(key, v);
    }
  };
  if (value !== null && value !== undefined) visit(value, '');
  return { values, lists };
}

/** `name` or `id` when every entry is a mapping with a distinct string or number there. */
function nameField(list: readonly unknown[]): string | undefined {
  for (const field of ['name', 'id']) {
    const names = list.map((x) => (isRecord(x) ? x[field] : undefined));
    if (names.every((n) => (typeof n === 'string' && n !== '') || typeof n === 'number') && new Set(names.map(String)).size === names.length) return field;
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
