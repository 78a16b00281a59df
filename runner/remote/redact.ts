/** @module Keeps credentials out of everything pipe prints: any known secret value in a message becomes `***`. */

export type Redact = (text: string) => string;

/** A redactor for these values (short values are left alone: they would blank out ordinary words). */
export function redactor(secrets: readonly (string | undefined)[]): Redact {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((t, v) => t.split(v).join('***'), text);
}
