import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { emptyLock, type Lock } from './lock.js';
import { readLock } from './read-lock.js';
import { writeLock } from './write-lock.js';

const lock: Lock = {
  schema: 1,
  stages: { train: { cmd: 'node train.js', deps: [{ path: 'data.csv', hash: 'sha256:aa', size: 3 }], params: {}, outs: [] } },
  data: {},
};

describe('writeLock', () => {
  it('writes data.lock, which reads back as the same lock', async () => {
    const root = tempDir('pipe-write-lock-');
    expect(await writeLock({ root, lock })).toBe(true);
    expect(await readLock({ root })).toEqual(lock);
  });

  it('leaves data.lock untouched (same inode, same mtime) when its bytes would not change', async () => {
    const root = tempDir('pipe-write-lock-');
    await writeLock({ root, lock });
    const before = statSync(join(root, 'data.lock'));
    expect(await writeLock({ root, lock: structuredClone(lock) })).toBe(false);
    const after = statSync(join(root, 'data.lock'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('replaces it when the lock changed', async () => {
    const root = tempDir('pipe-write-lock-');
    await writeLock({ root, lock });
    expect(await writeLock({ root, lock: emptyLock() })).toBe(true);
    expect(readFileSync(join(root, 'data.lock'), 'utf8')).toBe('schema: 1\nstages: {}\ndata: {}\n');
  });
});
