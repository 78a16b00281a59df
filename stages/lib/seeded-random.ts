/**
 * @module A seedable pseudo-random generator (xoshiro128**), so every random choice in the pipeline
 * (the generated table, the split, weight initialisation, shuffling) is a function of params.yaml.
 */

export interface Random {
  /** A uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** A uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  normal(mean?: number, sd?: number): number;
  bernoulli(p: number): boolean;
  /** A Poisson count (Knuth's method: fine for the small rates used here). */
  poisson(lambda: number): number;
  /** One of `items`, drawn with the (unnormalised) `weights`. */
  choice<T>(items: readonly T[], weights: readonly number[]): T;
  /** Fisher–Yates, in place; returns `items`. */
  shuffle<T>(items: T[]): T[];
  /** A 32-bit seed for an independent generator, e.g. for a sub-task. */
  nextSeed(): number;
}

/** splitmix32: spreads one 32-bit seed over the 128-bit xoshiro state (xoshiro must not start at all zeros). */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A 32-bit seed derived from `seed` and a label, so sub-tasks (`"split"`, `"reference"`) get unrelated streams. */
export function deriveSeed(seed: number, label: string): number {
  // FNV-1a over the label, mixed with the seed.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return splitmix32(h >>> 0)();
}

export function seededRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spareNormal: number | undefined;
  const random: Random = {
    next: () => nextU32() / 4294967296,
    int: (min, max) => min + Math.floor(random.next() * (max - min + 1)),
    normal(mean = 0, sd = 1) {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return mean + sd * z;
      }
      // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const u = 1 - random.next();
      const v = random.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    bernoulli: (p) => random.next() < p,
    poisson(lambda) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = random.next();
      while (p > limit) {
        k++;
        p *= random.next();
      }
      return k;
    },
    choice(items, weights) {
      if (items.length === 0 || items.length !== weights.length) throw new RangeError('choice needs as many weights as items, at least one');
      const total = weights.reduce((s, w) => s + w, 0);
      let u = random.next() * total;
      for (let i = 0; i < items.length; i++) {
        u -= weights[i] as number;
        if (u < 0) return items[i] as (typeof items)[number];
      }
      return items[items.length - 1] as (typeof items)[number];
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(random.next() * (i + 1));
        const t = items[i] as (typeof items)[number];
        items[i] = items[j] as (typeof items)[number];
        items[j] = t;
      }
      return items;
    },
    nextSeed: () => nextU32(),
  };
  return random;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
