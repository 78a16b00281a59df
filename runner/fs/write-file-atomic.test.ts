import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { writeFileAtomic } from './write-file-atomic.js';

describe('writeFileAtomic', () => {
  it('writes text or bytes, making missing parent directories, and leaves no temp file behind', () => {
    const dir = tempDir('pipe-atomic-');
    writeFileAtomic(join(dir, 'a/b/out.txt'), 'hello');
    writeFileAtomic(join(dir, 'bytes.bin'), new Uint8Array([0, 1, 2]));
    expect(readFileSync(join(dir, 'a/b/out.txt'), 'utf8')).toBe('hello');
    expect([...readFileSync(join(dir, 'bytes.bin'))]).toEqual([0, 1, 2]);
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['out.txt']);
  });

  it('replaces an existing file by rename: a reader holding the old file still sees the old bytes whole', () => {
    const dir = tempDir('pipe-atomic-');
    const file = join(dir, 'data.lock');
    writeFileSync(file, 'old');
    const before = statSync(file).ino;
    writeFileAtomic(file, 'new contents');
    expect(readFileSync(file, 'utf8')).toBe('new contents');
    expect(statSync(file).ino).not.toBe(before);
  });

  it('creates the file with the mode asked for (private credentials are never readable by others)', () => {
    const dir = tempDir('pipe-atomic-');
    writeFileAtomic(join(dir, 'config.local.yaml'), 'secret: x\n', { mode: 0o600 });
    expect(statSync(join(dir, 'config.local.yaml')).mode & 0o777).toBe(0o600);
    writeFileAtomic(join(dir, 'config.yaml'), 'remote: x\n');
    expect(statSync(join(dir, 'config.yaml')).mode & 0o022).toBe(0);
  });

  it('throws and leaves neither a temp file nor a changed target when the rename fails', () => {
    const dir = tempDir('pipe-atomic-');
    // A directory in the target's place makes the rename fail after the temp file was written.
    const target = join(dir, 'taken');
    writeFileAtomic(join(target, 'inside'), 'x');
    expect(() => writeFileAtomic(target, 'y')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
