/**
 * @module A seeded, stratified train/test split: each label value keeps its share in both parts.
 */
import { seededRandom } from './seeded-random.js';

export interface Split {
  /** Row indices, ascending. */
  readonly train: number[];
  readonly test: number[];
}

export function stratifiedSplit(labels: readonly string[], { testSize, seed }: { testSize: number; seed: number }): Split {
  if (!(testSize > 0 && testSize < 1)) throw new RangeError(`testSize must be between 0 and 1, got ${testSize}`);
  const random = seededRandom(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byLabel.get(label) ?? [];
    list.push(i);
    byLabel.set(label, list);
  });
  const train: number[] = [];
  const test: number[] = [];
  // Sorted label order: the stream of random numbers must not depend on which label came first.
  for (const label of [...byLabel.keys()].sort()) {
    const indices = random.shuffle(byLabel.get(label) as number[]);
    const nTest = Math.round(indices.length * testSize);
    test.push(...indices.slice(0, nTest));
    train.push(...indices.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
