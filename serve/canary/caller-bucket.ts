/**
 * @module Sticky canary assignment: a caller's key hashed (FNV-1a, 32 bits) to one of 10,000
 * buckets; callers in the first `weight` percent of them get the canary. The same key always
 * lands in the same bucket, in every process, so a caller sees one model for the whole rollout.
 */

const BUCKETS = 10_000;

/** 0 … 9,999, a pure function of `key`. */
export function callerBucket(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/** Whether the caller with `key` is in the canary's `weightPercent` (0–100, two decimals honoured). */
export function inCanary(key: string, weightPercent: number): boolean {
  return callerBucket(key) < Math.round(weightPercent * (BUCKETS / 100));
}
