import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { shareBatches, warmPool, workerBatchCount, WorkQueue } from './pool.js';

const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Queues `n` small objects (`object I`) made in `root` at once, and checks that each copy succeeded. */
async function copyAll(queue: WorkQueue<'copy'>, root: string, n: number, dest: (i: number) => string): Promise<void> {
  const jobs = Array.from({ length: n }, (_, i) => {
    const src = join(root, `s${i}`);
    writeFileSync(src, `object ${i}\n`);
    return { src, dest: dest(i), hex: hex(`object ${i}\n`), mode: 0o444 };
  });
  const results = await Promise.all(jobs.map((j) => queue.run(j)));
  expect(results.map((r) => r.state)).toEqual(jobs.map(() => 'ok'));
}

describe('the worker pool', () => {
  it('runs the TypeScript worker module: started workers take batches beside the main thread, in any order, each output once', async () => {
    const root = tempDir('pipe-pool-');
    const files = Array.from({ length: 64 }, (_, i) => {
      const abs = join(root, `f${i}`);
      writeFileSync(abs, Buffer.alloc(64 << 10, i));
      return { abs, size: 64 << 10 };
    });
    await warmPool({ threads: 2 });
    const before = workerBatchCount();
    const seen = new Array<string | undefined>(files.length);
    // One file per batch, so that the started worker surely gets some while the main thread hashes.
    await shareBatches({ kind: 'hash', threads: 2, batches: files.map((f) => ({ files: [f] })), done: (b, out) => (seen[b] = out.hashes[0]) });
    expect(seen).toEqual(files.map((_, i) => hex(Buffer.alloc(64 << 10, i))));
    expect(workerBatchCount()).toBeGreaterThan(before);
  });

  it('copies on worker threads only, through a queue any caller can add to', async () => {
    const root = tempDir('pipe-pool-copy-');
    const queue = new WorkQueue('copy', { threads: 2, batch: 4 });
    mkdirSync(join(root, 'out'));
    const before = workerBatchCount();
    await copyAll(queue, root, 20, (i) => join(root, 'out', `${i % 3}`, `o${i}`));
    expect(readFileSync(join(root, 'out', '1', 'o7'), 'utf8')).toBe('object 7\n');
    expect(workerBatchCount()).toBeGreaterThanOrEqual(before + 2);
  });

  it('copies a few small objects arriving at once on the main thread: no thread to start for them', async () => {
    const root = tempDir('pipe-pool-inline-');
    const queue = new WorkQueue('copy', { threads: 2, batch: 4 });
    const before = workerBatchCount();
    await copyAll(queue, root, 6, (i) => join(root, 'out', `o${i}`));
    expect(readFileSync(join(root, 'out', 'o5'), 'utf8')).toBe('object 5\n');
    expect(workerBatchCount()).toBe(before);
  });
});
