/**
 * @module Row objects made by one generated object literal per list of column names, for names a
 * request body brings (a CSV header, the tensors of a KServe V2 request): every row one shape,
 * built in one step, where a store per value under a varying name costs ~4 times as much (a
 * 1,000-row body of the example's 18 columns: ~0.65 ms against ~0.15). Names reach the code as JSON
 * string literals, which cannot inject code. Since the names are the client's, what is generated
 * is bounded: the source, so that neither a long header nor many of them hold much memory (V8 also
 * keeps the code of a `new Function` source over ~16K characters whose length it has seen before,
 * however the text differs), and the number of builders kept. A caller stores value by value
 * when there is no builder.
 */

/** The longest source generated, in characters: under V8's ~16K, past which equal-length sources share a compilation-cache entry. */
const MAX_SOURCE = 15_000;

/** Builders kept, across kinds: the lists of names clients send are few. */
const KEPT = 16;
const builders = new Map<string, unknown>();

/**
 * The function `(params…) => ({ name0: value(0), name1: value(1), … })` for `names` (each
 * `value(c)` a JS expression over the params), or undefined when its source would pass the bound
 * or `__proto__` comes twice.
 * A literal means what stores in the same order into `{}` mean for any names: a name given twice
 * keeps its first place and its last value, integer-like names come first, ascending, and
 * `__proto__` sets the prototype to an object or null and ignores anything else (given twice, it is
 * left to the stores: a literal may not have it twice). `kind` names the
 * caller's shape of params and values; builders are kept per kind and list of names.
 */
export function literalBuilder<F>(kind: string, names: readonly string[], params: readonly string[], value: (column: number) => string): F | undefined {
  // The names' JSON is at least as long as the names: a long header is refused before it is written out.
  let length = 0;
  for (const name of names) if ((length += name.length + 1) > MAX_SOURCE) return undefined;
  // The one name a literal may not give twice (a SyntaxError), where stores would set the prototype twice.
  if (names.indexOf('__proto__') !== names.lastIndexOf('__proto__')) return undefined;
  // A fresh string (never a slice of the body, which would keep the whole body alive for as long as the key).
  const key = `${kind}\n${JSON.stringify(names)}`;
  if (key.length > MAX_SOURCE) return undefined;
  let make = builders.get(key);
  if (make === undefined) {
    const source = `"use strict"; return { ${names.map((name, c) => `${JSON.stringify(name)}: ${value(c)}`).join(', ')} };`;
    if (source.length > MAX_SOURCE) return undefined;
    make = new Function(...params, source);
    if (builders.size >= KEPT) builders.delete(builders.keys().next().value as string);
    builders.set(key, make);
  }
  return make as F;
}
