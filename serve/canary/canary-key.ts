/**
 * @module Who a caller is, for the canary's sticky split: a configured request header
 * (`header:X-User-Id`) or a field of the row (`field:customer_id`; a batch: its first row), else
 * the API key id, else the client address.
 */
import { ownField } from '../model/own-field.js';

export type CanaryKey = { readonly kind: 'header' | 'field'; readonly name: string } | { readonly kind: 'caller' };

/** Parses `--canary-key`'s value; undefined when it is neither `header:NAME` nor `field:NAME`. */
export function parseCanaryKey(text: string): CanaryKey | undefined {
  const m = /^(header|field):(\S+)$/.exec(text.trim());
  if (!m) return undefined;
  return { kind: m[1] as 'header' | 'field', name: m[1] === 'header' ? (m[2] as string).toLowerCase() : (m[2] as string) };
}

export interface CallerFacts {
  header(name: string): string | undefined;
  /** The request's (first) row, when the route has rows. */
  readonly row?: Readonly<Record<string, unknown>> | undefined;
  readonly apiKeyId?: string | undefined;
  address(): string;
}

/** The string the split hashes; the configured header or field when the request has it, else the API key id, else the address. */
export function callerKey(key: CanaryKey, facts: CallerFacts): string {
  if (key.kind === 'header') {
    const v = facts.header(key.name);
    if (v !== undefined && v !== '') return `h:${v}`;
  } else if (key.kind === 'field') {
    const v = facts.row === undefined ? undefined : ownField(facts.row, key.name);
    if (typeof v === 'string' || typeof v === 'number') return `f:${v}`;
  }
  return facts.apiKeyId !== undefined ? `k:${facts.apiKeyId}` : `a:${facts.address()}`;
}
