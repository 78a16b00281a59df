/** @module fast-check arbitraries for hostile files: valid seeds mutated byte-, line- and value-wise, and structural YAML nasties. */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';

/** Fragments that YAML treats specially, or that code reading the value might trip on. */
const TOKENS = [
  '&a ', '*a', '*nope', '&x [*x]', '!!binary ', '!!binary aGVsbG8=', '!tag ', '!!int "x"', '!!float abc', '!!map ', '!!set ', '!!omap ', '!!str ',
  '? ', '<<: *a', '<<: {}', '- ', ': ', '{', '}', '[', ']', '"', "'", '|', '>', '|+9', '#', ',', '%YAML 1.2\n---\n', '%TAG ! tag:x,2000:\n', '---\n',
  '...\n', '\t', '\0', '\uFEFF', '\r', '\r\n', '\u2028', '\uD800', '💥', '~', 'null', 'Null', '.nan', '.inf', '-.inf', '0x1F', '0o17', '1e400',
  '-0', '9007199254740993', '2001-12-14t21:59:43.10-05:00', 'yes', 'on', '__proto__: ', 'constructor: ', 'toString: ', 'hasOwnProperty: ',
  '../../..', '/etc/passwd', 'C:\\x', '$(touch pwned)', '%', '@', '`', '\\', '\\x00', 'sha256:', 'sha256:zz', '.dir',
];

export type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'swap-lines'; a: number; b: number };

const position = fc.nat({ max: 1 << 20 });

const insertText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: insertText }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 120 }), to: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('indent' as const), line: position, by: fc.integer({ min: -4, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap-lines' as const), a: position, b: position }) },
);

export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  const at = (p: number) => (n === 0 ? 0 : p % (n + 1));
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'duplicate': {
      const piece = text.slice(at(m.at), at(m.at) + m.length);
      return text.slice(0, at(m.to)) + piece + text.slice(at(m.to));
    }
    case 'indent':
    case 'swap-lines': {
      const lines = text.split('\n');
      const i = (p: number) => p % lines.length;
      if (m.kind === 'indent') {
        const l = lines[i(m.line)] as string;
        lines[i(m.line)] = m.by >= 0 ? ' '.repeat(m.by) + l : l.replace(new RegExp(`^ {0,${-m.by}}`), '');
      } else {
        const a = lines[i(m.a)] as string;
        lines[i(m.a)] = lines[i(m.b)] as string;
        lines[i(m.b)] = a;
      }
      return lines.join('\n');
    }
  }
}

/** A JSON-ish value with the odd ones in: big and negative numbers, NaN, empty and unicode strings, nesting. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, 0, -1, 1e308, -0, Number.NaN, Infinity, '', ' ', '..', '/', 'sha256:', true, false, [], {}, [[[]]], { '': 1 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Replaces the value at a random path of the parsed seed (or adds a key there) and writes the file again. */
export function valueMutated(seed: string): fc.Arbitrary<string> {
  let tree: unknown;
  try {
    tree = parse(seed);
  } catch {
    tree = undefined;
  }
  return fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), oddValue, fc.boolean(), fc.string({ maxLength: 10 })).map(([picks, value, addKey, key]) => {
    const root = structuredClone(tree) as unknown;
    let parent: unknown = { root };
    let k: string | number = 'root';
    for (const p of picks) {
      const cur = (parent as Record<string | number, unknown>)[k];
      if (typeof cur !== 'object' || cur === null) break;
      const keys = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
      if (keys.length === 0) break;
      parent = cur;
      k = keys[p % keys.length] as string | number;
    }
    if (addKey && typeof parent === 'object' && parent !== null && !Array.isArray(parent)) (parent as Record<string, unknown>)[key] = value;
    else (parent as Record<string | number, unknown>)[k] = value;
    return stringify((parent as { root?: unknown }).root ?? root, { lineWidth: 0 });
  });
}

/** Files built to break parsers: alias bombs, recursion, deep nesting, huge keys and mappings, many documents. */
export function structuralNasty({ maxKeys = 5_000, maxDepth = 2_000 } = {}): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 12 })).map(([levels, width]) => {
      const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
      for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
      return `${lines.join('\n')}\nstages: *l${levels}\n`;
    }),
    fc.constantFrom('a: &a [*a]\n', 'a: &a {b: *a}\n', 'stages: &s {x: {cmd: *s}}\n', '&a a: *a\n', 'a: *a\n', '? &k [*k]\n: 1\n'),
    fc.tuple(fc.integer({ min: 1, max: maxDepth }), fc.constantFrom('[', '{a: ', '- ', 'a:\n')).map(([d, open]) => {
      if (open === '[') return `stages: ${'['.repeat(d)}${']'.repeat(d)}\n`;
      if (open === '{a: ') return `stages: ${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`;
      if (open === '- ') return `stages:\n${Array.from({ length: Math.min(d, 400) }, (_, i) => `${'  '.repeat(i)}- `).join('\n')}x\n`;
      return Array.from({ length: Math.min(d, 400) }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    }),
    fc.integer({ min: 1, max: maxKeys }).map((n) => `stages:\n${Array.from({ length: n }, (_, i) => `  s${i}: {cmd: echo ${i}}`).join('\n')}\n`),
    fc.integer({ min: 1, max: 1 << 20 }).map((n) => `${'k'.repeat(n)}: 1\n`),
    fc.integer({ min: 2, max: 50 }).map((n) => Array(n).fill('a: 1\n').join('---\n')),
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
  );
}

/** A seed of the format, mutated 1 to 5 times, or its values replaced, or (now and then) a structural nasty. */
export function fuzzedFile(seeds: readonly string[], options?: Parameters<typeof structuralNasty>[0]): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 5 }))
    .map(([seed, ms]) => ms.reduce(applyMutation, seed));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 3, arbitrary: fc.constantFrom(...seeds).chain(valueMutated) },
    { weight: 1, arbitrary: structuralNasty(options) },
  );
}
