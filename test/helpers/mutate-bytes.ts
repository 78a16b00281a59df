import type { Random } from '../../stages/lib/seeded-random.js';

/** One byte of `bytes` deleted, changed to or inserted as one of `bytesToUse`, or the body cut short there: a differential test's near-misses. */
export function mutate(r: Random, bytes: Buffer, bytesToUse: readonly number[]): Buffer {
  const at = r.int(0, Math.max(0, bytes.length - 1));
  const byte = bytesToUse[r.int(0, bytesToUse.length - 1)] as number;
  switch (r.int(0, 3)) {
    case 0:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 1:
      return bytes.subarray(0, at);
    case 2:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at + 1)]);
    default:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
  }
}
