import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockHashCache } from './lock-hashes.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const H = 'sha256:' + 'a'.repeat(64);
const LOCK = `schema: 1\nstages:\n  prep:\n    cmd: x\n    deps: []\n    params: {}\n    outs: [{path: feats, hash: "${H}.dir", size: 1}]\ndata:\n  raw.csv: {hash: "${H}", size: 2}\n`;

describe('LockHashCache', () => {
  it('parses a lock blob once and remembers its hashes across runs; an invalid lock is not remembered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-lock-hashes-'));
    made.push(dir);
    let reads = 0;
    const text = (t: string) => async () => {
      reads++;
      return t;
    };
    const first = new LockHashCache(dir);
    expect(await first.hashesOf('oid1', text(LOCK))).toEqual([[`${H}.dir`, 'feats'], [H, 'raw.csv']]);
    await expect(first.hashesOf('bad', text('schema: 9\n'))).rejects.toMatchObject({ code: 'LOCK_INVALID' });
    first.save();
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'lock-hashes.json'), 'utf8')) as object)).toEqual(['oid1']);

    const second = new LockHashCache(dir);
    expect(await second.hashesOf('oid1', text('not even read'))).toEqual([[`${H}.dir`, 'feats'], [H, 'raw.csv']]);
    expect(reads).toBe(2);
  });
});
