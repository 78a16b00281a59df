/** @module How the registry commands write a tagger's date: ISO 8601 in UTC, to the second. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
