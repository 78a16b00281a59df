/**
 * @module Puts one live value into the bin of the reference profile it falls in: a numeric value
 * into its decile bin, a category into its own bin or "other", a missing value into "missing".
 * The bins and their expected shares are laid out in one order, the order counts are kept in.
 */
import { binIndex, type FeatureProfile, type ScoreProfile } from '../model/index.js';

const isMissing = (v: unknown) => v === undefined || v === null || v === '';
const NO_CATEGORIES: ReadonlyMap<string, number> = new Map();

/**
 * One class for both kinds, rather than a closure per kind, so the monitor's call to `bin` stays
 * monomorphic and inlinable: it runs once per feature of every served row.
 */
export class ColumnBinner {
  private constructor(
    readonly name: string,
    /** The reference share of each bin, in bin order (numeric: edge bins, missing; category: categories, other, missing). */
    readonly expected: Float64Array,
    private readonly numeric: boolean,
    private readonly edges: Float64Array,
    private readonly categories: ReadonlyMap<string, number>,
    /** The bin of a value outside the categories (category) or not a number (numeric and score). */
    private readonly other: number,
    private readonly missing: number,
  ) {}

  static feature(name: string, profile: FeatureProfile): ColumnBinner {
    if (profile.kind === 'numeric') {
      const missing = profile.shares.length;
      // A value that is not a number (the service validates rows first, so rarely) counts as missing.
      return new ColumnBinner(name, Float64Array.from([...profile.shares, profile.missing]), true, Float64Array.from(profile.edges), NO_CATEGORIES, missing, missing);
    }
    const categories = new Map(profile.categories.map((c, i) => [c, i]));
    const other = profile.categories.length;
    return new ColumnBinner(name, Float64Array.from([...profile.shares, profile.other, profile.missing]), false, new Float64Array(0), categories, other, other + 1);
  }

  /** The score's bins: the profile's deciles; a score that is not a number falls into the last bin. */
  static score(profile: ScoreProfile): ColumnBinner {
    const last = profile.shares.length - 1;
    return new ColumnBinner('prediction', Float64Array.from(profile.shares), true, Float64Array.from(profile.edges), NO_CATEGORIES, last, last);
  }

  /**
   * JavaScript statements that set `b` to the bin of the value in `v`, exactly as bin() does, for a
   * generated row binner (row-binner.ts): constants reach the code through `k` (the categories
   * also as JSON string literals, which cannot inject code), `binIndex` is a parameter.
   */
  binSource(k: (value: unknown) => string): string {
    const missing = `v === undefined || v === null || v === ''`;
    if (this.numeric) {
      const edges = k(this.edges);
      return `if (typeof v === 'number') b = v !== v ? ${this.missing} : binIndex(${edges}, v);
else if (${missing}) b = ${this.missing};
else { x = Number(v); b = x !== x ? ${this.missing} : binIndex(${edges}, x); }`;
    }
    // The map's entries: a category listed twice has the bin of its last place, as in bin().
    const cases = [...this.categories].map(([category, bin]) => `  case ${JSON.stringify(category)}: b = ${bin}; break;`);
    return `if (${missing}) b = ${this.missing};
else switch (typeof v === 'string' ? v : String(v)) {
${cases.join('\n')}
  default: b = ${this.other};
}`;
  }

  /** The bin of a raw value. */
  bin(value: unknown): number {
    if (this.numeric) {
      const x = typeof value === 'number' ? value : isMissing(value) ? Number.NaN : Number(value);
      return Number.isNaN(x) ? this.missing : binIndex(this.edges, x);
    }
    if (isMissing(value)) return this.missing;
    return this.categories.get(typeof value === 'string' ? value : String(value)) ?? this.other;
  }
}
