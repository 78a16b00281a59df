/** @module Why a stage is not up to date, as data and as the words a person reads. */

export type Reason =
  | { readonly kind: 'never-run' }
  | { readonly kind: 'forced' }
  | { readonly kind: 'always-changed' }
  | { readonly kind: 'cmd-changed' }
  | { readonly kind: 'wdir-changed' }
  | { readonly kind: 'env-changed'; readonly key: string }
  | { readonly kind: 'dep-modified' | 'dep-added' | 'dep-removed' | 'dep-missing'; readonly path: string }
  | { readonly kind: 'param-changed'; readonly file: string; readonly key: string; readonly from: unknown; readonly to: unknown }
  | { readonly kind: 'param-added' | 'param-removed'; readonly file: string; readonly key: string }
  | { readonly kind: 'out-added' | 'out-removed' | 'out-missing' | 'out-modified'; readonly path: string }
  /** The workspace holds the locked bytes but the cache does not (a killed run, an out switched to `cache: true`). */
  | { readonly kind: 'out-not-stored'; readonly path: string }
  | { readonly kind: 'upstream-changed'; readonly stage: string };

/** YAML's spelling of a number JSON cannot write (JSON.stringify would say `null` for all three). */
const nonFinite = (n: number) => (Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf');

const show = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' && !Number.isFinite(v)
      ? nonFinite(v)
      : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? nonFinite(x) : x));

export function describeReason(r: Reason): string {
  switch (r.kind) {
    case 'never-run':
      return 'it has no entry in data.lock (never run)';
    case 'forced':
      return 'forced (-f)';
    case 'always-changed':
      return 'always_changed is set';
    case 'cmd-changed':
      return 'cmd changed';
    case 'wdir-changed':
      return 'wdir changed';
    case 'env-changed':
      return `env ${r.key} changed`;
    case 'dep-modified':
      return `dep ${r.path} modified`;
    case 'dep-added':
      return `dep ${r.path} added`;
    case 'dep-removed':
      return `dep ${r.path} removed`;
    case 'dep-missing':
      return `dep ${r.path} missing`;
    case 'param-changed':
      return `param ${r.key} changed from ${show(r.from)} to ${show(r.to)}`;
    case 'param-added':
      return `param ${r.key} added`;
    case 'param-removed':
      return `param ${r.key} removed`;
    case 'out-added':
      return `out ${r.path} added`;
    case 'out-removed':
      return `out ${r.path} removed`;
    case 'out-missing':
      return `out ${r.path} missing`;
    case 'out-modified':
      return `out ${r.path} modified`;
    case 'out-not-stored':
      return `out ${r.path} is not in the cache`;
    case 'upstream-changed':
      return `upstream stage ${r.stage} changed`;
  }
}

/** The first reason in words, and how many more there are. */
export function firstReason(reasons: readonly Reason[]): string {
  const [first] = reasons;
  if (!first) return '';
  const more = reasons.length > 1 ? ` (+${reasons.length - 1} more)` : '';
  return `${describeReason(first)}${more}`;
}
