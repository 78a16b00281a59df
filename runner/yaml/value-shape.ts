/** @module Refuses parsed values that would overflow the stack or never end in the code that walks them: recursive aliases, very deep nesting, huge alias expansions. */

/** Deeper than any real params, metrics, pipeline or lock file; shallow enough for every recursive walk (flatten, canonical JSON). */
export const MAX_DEPTH = 256;
/** Values (scalars and collections, aliases counted each time they are used) in one file. */
export const MAX_VALUES = 5_000_000;

/** Why `value` cannot be used, or undefined. Walks without recursion. */
export function valueShapeProblem(value: unknown): string | undefined {
  // Each entry is a value to enter, or the marker that its children are done (it leaves the path).
  const stack: { v: unknown; depth: number; leave?: true }[] = [{ v: value, depth: 0 }];
  const onPath = new Set<object>();
  let count = 0;
  while (stack.length) {
    const { v, depth, leave } = stack.pop() as { v: unknown; depth: number; leave?: true };
    if (leave) {
      onPath.delete(v as object);
      continue;
    }
    if (++count > MAX_VALUES) return `holds more than ${MAX_VALUES.toLocaleString('en-US')} values (aliases counted each time they are used)`;
    if (typeof v !== 'object' || v === null) continue;
    if (onPath.has(v)) return 'an alias refers to a node that contains it (a recursive alias has no finite value)';
    if (depth >= MAX_DEPTH) return `nesting is deeper than ${MAX_DEPTH} levels`;
    onPath.add(v);
    stack.push({ v, depth, leave: true });
    const children = v instanceof Map ? [...v.values()] : Array.isArray(v) ? v : Object.values(v);
    for (const c of children) stack.push({ v: c, depth: depth + 1 });
  }
  return undefined;
}
