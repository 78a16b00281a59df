/**
 * @module The reference profile (`pipe-reference-profile/1`, reference-profile.json in a model
 * package): how the training inputs and the model's training scores were distributed, as bins and
 * shares, so that live traffic can be compared with them (serve/drift/). Training builds it
 * (build-reference-profile.ts); this file is its shape and its check.
 */

export const REFERENCE_PROFILE_FORMAT = 'pipe-reference-profile/1';

/** A numeric column: bin i holds edges[i-1] < v ≤ edges[i] (edges.length + 1 bins), plus the missing values. */
export interface NumericProfile {
  readonly kind: 'numeric';
  /** Inner edges at the training deciles of the present values, strictly increasing. */
  readonly edges: readonly number[];
  /** Share of all training rows in each bin (edges.length + 1 entries). */
  readonly shares: readonly number[];
  /** Share of rows where the value was missing. */
  readonly missing: number;
}

/** A categorical column: one bin per category, one for any other value, one for missing values. */
export interface CategoryProfile {
  readonly kind: 'category';
  readonly categories: readonly string[];
  /** Share of all training rows per category, in the order of `categories`. */
  readonly shares: readonly number[];
  /** Share of rows with a value outside `categories` (0 in training; live traffic may differ). */
  readonly other: number;
  readonly missing: number;
}

export type FeatureProfile = NumericProfile | CategoryProfile;

/** The model's score on the training rows: bins over [0, 1] at the training scores' deciles. */
export interface ScoreProfile {
  readonly edges: readonly number[];
  readonly shares: readonly number[];
}

/** What featurize can know before a model exists: the raw training inputs. */
export interface InputProfile {
  /** Training rows profiled. */
  readonly rows: number;
  /** Per model input column, in the order of the preprocessing steps. */
  readonly features: Readonly<Record<string, FeatureProfile>>;
}

export interface ReferenceProfile extends InputProfile {
  readonly format: typeof REFERENCE_PROFILE_FORMAT;
  readonly prediction: ScoreProfile;
}

/** Shares are written as exact quotients; this much rounding error in their sum is accepted. */
const SUM_TOLERANCE = 1e-6;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isShare = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

function checkEdges(path: string, edges: unknown): asserts edges is number[] {
  if (!Array.isArray(edges) || !edges.every((e, i) => Number.isFinite(e) && (i === 0 || (e as number) > (edges[i - 1] as number)))) {
    throw new TypeError(`${path}.edges must be a list of strictly increasing finite numbers`);
  }
}

function checkShares(path: string, shares: unknown, bins: number, extra: readonly unknown[]): void {
  if (!Array.isArray(shares) || shares.length !== bins || !shares.every(isShare)) {
    throw new TypeError(`${path}.shares must be ${bins} numbers between 0 and 1, one per bin`);
  }
  const total = [...shares, ...extra].reduce((s: number, v) => s + (v as number), 0);
  if (Math.abs(total - 1) > SUM_TOLERANCE) throw new TypeError(`${path}: the shares add up to ${total}, not 1`);
}

function checkFeature(path: string, value: unknown): void {
  if (!isObject(value)) throw new TypeError(`${path} must be an object`);
  if (!isShare(value.missing)) throw new TypeError(`${path}.missing must be a share between 0 and 1`);
  if (value.kind === 'numeric') {
    checkEdges(path, value.edges);
    checkShares(path, value.shares, value.edges.length + 1, [value.missing]);
  } else if (value.kind === 'category') {
    const { categories } = value;
    if (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string') || new Set(categories).size !== categories.length) {
      throw new TypeError(`${path}.categories must be a list of distinct strings`);
    }
    if (!isShare(value.other)) throw new TypeError(`${path}.other must be a share between 0 and 1`);
    checkShares(path, value.shares, categories.length, [value.other, value.missing]);
  } else {
    throw new TypeError(`${path}.kind is ${JSON.stringify(value.kind)}; expected "numeric" or "category"`);
  }
}

/** Checks the part featurize writes: a row count and a well-formed profile per feature. */
export function assertInputProfile(value: unknown): asserts value is InputProfile {
  if (!isObject(value)) throw new TypeError('expected an object');
  if (!Number.isInteger(value.rows) || (value.rows as number) < 1) throw new TypeError('"rows" must be the number of training rows, at least 1');
  if (!isObject(value.features) || Object.keys(value.features).length === 0) throw new TypeError('"features" must hold a profile per feature');
  for (const [name, feature] of Object.entries(value.features)) checkFeature(`features.${name}`, feature);
}

/** Checks parsed JSON is a profile the drift engine can compare against: known format, bins and shares that fit. */
export function assertReferenceProfile(value: unknown): asserts value is ReferenceProfile {
  if (!isObject(value) || value.format !== REFERENCE_PROFILE_FORMAT) {
    throw new TypeError(`format is ${JSON.stringify(isObject(value) ? value.format : undefined)}; expected "${REFERENCE_PROFILE_FORMAT}"`);
  }
  assertInputProfile(value);
  const prediction: unknown = value.prediction;
  if (!isObject(prediction)) throw new TypeError('"prediction" must profile the training scores');
  checkEdges('prediction', prediction.edges);
  if (!prediction.edges.every((e) => e >= 0 && e <= 1)) throw new TypeError('prediction.edges must lie in [0, 1]');
  checkShares('prediction', prediction.shares, prediction.edges.length + 1, []);
}
